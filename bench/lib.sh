# Shared by the bench scripts (sourced, not run): process bookkeeping, wrk runs and their parsing,
# and the result table. Expects SECS, WARMUP, ROUNDS to be set; creates $WORK and cleans it up on
# exit together with every pid in PIDS.

die() { echo "bench: $*" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/faas-bench.XXXXXX")
PIDS=()

# Stop what we started, by pid: SIGTERM (fwatchdog forwards it to its http-mode child), then
# SIGKILL whatever is still alive after 3 s.
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_ok URL [curl args...]: polls until the URL answers 200 (5 s at most).
wait_ok() {
  local url=$1 i
  shift
  for ((i = 0; i < 100; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$@" "$url" || true) == 200 ]] && return 0
    sleep 0.05
  done
  die "$url never answered 200"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# cpu_ticks PID...: user+system time of the processes and their reaped children, in clock ticks
# (/proc/PID/stat fields 14-17; the text after the last ")" starts at field 3).
cpu_ticks() {
  local pid total=0 f
  for pid in "$@"; do
    f=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 + $14 + $15 }')
    total=$((total + f))
  done
  echo "$total"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# wrk output -> "rps p50_us p99_us errors requests" (errors = non-2xx/3xx + socket errors).
parse_wrk() {
  awk '
    function us(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v + 0 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v * 1000 }
      if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60e6 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1e6 }
      return v + 0
    }
    /^ +50%/ { p50 = us($2) }
    /^ +99%/ { p99 = us($2) }
    /^Requests\/sec:/ { rps = $2 }
    $2 == "requests" && $3 == "in" { n = $1 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i += 2) { v = $(i + 1); sub(/,/, "", v); err += v } }
    END { printf "%.1f %.1f %.1f %d %d\n", rps, p50, p99, err, n }'
}

# run_wrk LABEL CONNS "PIDS" URL [extra wrk args...]: best of ROUNDS; echoes
# "rps p50 p99 errors cpu_us_per_request", the CPU being that of PIDS (server side) during the run.
run_wrk() {
  local label=$1 conns=$2 url=$4 r best="" line t0 t1 cpu pids
  read -r -a pids <<<"$3"
  shift 4
  # WRK_PREFIX: words run before wrk, e.g. "nsenter --net=/proc/PID/ns/net" to load a replica
  # on its own loopback from inside its network namespace.
  local prefix=()
  read -r -a prefix <<<"${WRK_PREFIX:-}"
  local cmd=("${prefix[@]}" wrk -t1 -c"$conns" -d"${SECS}s" --latency "$@" "$url")
  echo "  $label: ${cmd[*]}" >&2
  echo "$label|${cmd[*]}" >>"$WORK/commands"
  if ((WARMUP > 0)); then
    "${prefix[@]}" wrk -t1 -c"$conns" -d"${WARMUP}s" "$@" "$url" >/dev/null
  fi
  for ((r = 0; r < ROUNDS; r++)); do
    t0=$(cpu_ticks "${pids[@]}")
    line=$("${cmd[@]}" | tee -a "$WORK/wrk.out" | parse_wrk)
    t1=$(cpu_ticks "${pids[@]}")
    cpu=$(awk -v d=$((t1 - t0)) -v t="$TICK_US" -v n="${line##* }" 'BEGIN { printf "%.1f", (n > 0 ? d * t / n : 0) }')
    line="${line% *} $cpu"
    if [[ -z $best ]] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a > b) }'; then
      best=$line
    fi
  done
  echo "$best"
}


fmt_us() { awk -v v="$1" 'BEGIN { if (v >= 10000) printf "%.1f ms", v / 1000; else printf "%.0f µs", v }'; }
fmt_rps() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
fmt_mb() { awk -v v="$1" 'BEGIN { printf "%.2f MB", v / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
verdict() { awk "BEGIN { print ($1) ? \"met\" : \"MISSED\" }"; }

ROWS=$WORK/rows
row() { (IFS=$'\t'; echo "$*") >>"$ROWS"; }
# Markdown table; python3 pads by characters, so µ, ≥ and × do not break the columns.
render_rows() {
  python3 -c '
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")]
w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
right = {2, 3, 4, 5, 6}
def fmt(r):
    return "| " + " | ".join(c.rjust(w[i]) if i in right else c.ljust(w[i]) for i, c in enumerate(r)) + " |"
print(fmt(rows[0]))
print("|" + "|".join(("-" * (w[i] + 1) + ":") if i in right else "-" * (w[i] + 2) for i in range(len(w))) + "|")
for r in rows[1:]:
    print(fmt(r))
' "$ROWS"
}

