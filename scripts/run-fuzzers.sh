#!/usr/bin/env bash
# Runs every libFuzzer binary in DIR for SECONDS each, seeded from tests/fuzz/corpus/<name>/
# (the binary name without "_fuzz"). The corpus is copied to a temporary directory so a run never
# modifies the repository; crash reproducers are kept in DIR/artifacts/<name>/.
# Exits non-zero if any fuzzer crashes, leaks, times out or is missing its corpus.
#
# usage: scripts/run-fuzzers.sh DIR SECONDS
set -euo pipefail

dir=${1:?usage: run-fuzzers.sh DIR SECONDS}
seconds=${2:?usage: run-fuzzers.sh DIR SECONDS}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus_root=$repo/tests/fuzz/corpus

shopt -s nullglob
fuzzers=()
for f in "$dir"/*_fuzz; do
  [[ -f $f && -x $f ]] && fuzzers+=("$f")
done
if ((${#fuzzers[@]} == 0)); then
  echo "run-fuzzers: no *_fuzz binaries in $dir (configure with -DFAAS_FUZZ=ON and clang)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=()
for bin in "${fuzzers[@]}"; do
  name=$(basename "$bin")
  seeds=$corpus_root/${name%_fuzz}
  corpus=$work/$name
  artifacts=$dir/artifacts/$name
  mkdir -p "$corpus" "$artifacts"
  if [[ -d $seeds ]]; then
    cp -R "$seeds"/. "$corpus"/
  else
    echo "run-fuzzers: warning: no seed corpus $seeds" >&2
  fi
  log=$work/$name.log
  echo "== $name (${seconds}s)"
  rc=0
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
  if ((rc != 0)); then
    echo "   FAILED (exit $rc) after ${execs:-?} execs; reproducers in $artifacts:" >&2
    ls "$artifacts" >&2 || true
    grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error|deadly signal' "$log" | head -20 >&2 || true
    failed+=("$name")
  else
    echo "   ok: ${execs:-?} execs, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) inputs"
  fi
done

if ((${#failed[@]} > 0)); then
  echo "run-fuzzers: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "run-fuzzers: all ${#fuzzers[@]} fuzzers ran ${seconds}s without a crash"
