#!/usr/bin/env bash
# clang-tidy with the repository's .clang-tidy (every enabled check is an error) over every
# src/**/*.cc and apps/**/*.cc, in parallel, using BUILD_DIR/compile_commands.json.
# Exits non-zero on any finding. Output of each file is printed in one piece.
#
# usage: scripts/tidy.sh BUILD_DIR
set -euo pipefail

build=${1:?usage: tidy.sh BUILD_DIR}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$build" && pwd)
if [[ ! -f $build/compile_commands.json ]]; then
  echo "tidy: $build/compile_commands.json missing (configure with CMake first)" >&2
  exit 1
fi
tidy=${CLANG_TIDY:-$(command -v clang-tidy || command -v clang-tidy-14)}

cd "$repo"
mapfile -t files < <(find src apps -name '*.cc' | sort)
echo "tidy: ${#files[@]} files with $($tidy --version | grep -o 'version [0-9.]*')"

# Flags are GCC's (the compile database of the default build): clang must not trip over the
# GCC-only warning flags, and clang-only compiler warnings are not what this gate is about.
extra=(--extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-error)
status=0
printf '%s\0' "${files[@]}" |
  xargs -0 -P "$(nproc)" -I{} sh -c '
    out=$("$0" -p "$1" --quiet "$2" "$3" "$4" 2>&1); rc=$?
    if [ $rc -ne 0 ] || printf "%s" "$out" | grep -qE "(warning|error):"; then
      printf "%s\n" "$out"; exit 1
    fi' "$tidy" "$build" "${extra[@]}" {} || status=$?

if ((status != 0)); then
  echo "tidy: findings above" >&2
  exit 1
fi
echo "tidy: clean"
