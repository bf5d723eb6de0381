#!/usr/bin/env bash
# faas++ benchmark suite: fwatchdog against its baselines, in one run, on 127.0.0.1 only.
#
#   make bench                       (builds first, then runs this)
#   BENCH_SECONDS=5 bash bench/run.sh
#
# Environment (all optional):
#   BENCH_SECONDS=5           duration of every measured run (integer seconds)
#   BENCH_WARMUP=1            warm-up before each wrk run (0 disables)
#   BENCH_HTTP_CONNECTIONS=16 wrk connections for the http-mode throughput runs
#   BENCH_FORK_CONNECTIONS="1 2"  wrk connections for streaming/serializing, one pair of runs
#                             each; the spawn loop runs with min(connections, cores) workers
#   BENCH_ROUNDS=1            repeat each wrk/loop measurement, keep the best req/s
#   BENCH_MICRO=1             run the Google Benchmark micro-benchmarks if built (0 skips)
#   BUILD_DIR=build           where the binaries are
#
# Every process it starts is stopped on exit (trap); every run has a fixed duration.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
SECS=${BENCH_SECONDS:-5}
WARMUP=${BENCH_WARMUP:-1}
HTTP_CONNS=${BENCH_HTTP_CONNECTIONS:-16}
FORK_CONNS=${BENCH_FORK_CONNECTIONS:-1 2}
ROUNDS=${BENCH_ROUNDS:-1}
MICRO=${BENCH_MICRO:-1}
BODY="hello, world"
CORES=$(nproc)

WATCHDOG=$BUILD_DIR/bin/fwatchdog
UPSTREAM=$(realpath -m "$BUILD_DIR/tests/faas-test-upstream")
SPAWN_LOOP=$BUILD_DIR/bench/faas-bench-spawn-loop
MICRO_BIN=$BUILD_DIR/bench/faas-bench-watchdog

# shellcheck source=bench/lib.sh
source bench/lib.sh
[[ $SECS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer (got '$SECS')"
for bin in "$WATCHDOG" "$UPSTREAM" "$SPAWN_LOOP"; do
  [[ -x $bin ]] || die "$bin not built (run: make build)"
done
command -v wrk >/dev/null || die "wrk not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl not installed"
command -v python3 >/dev/null || die "python3 not installed"


# start_watchdog NAME VAR=VALUE... : starts fwatchdog with a clean environment and its own TMPDIR
# (lock file), waits for "Listening on port: N". Sets WD_PID and WD_PORT.
start_watchdog() {
  local name=$1 i
  shift
  mkdir -p "$WORK/$name"
  : >"$WORK/$name.log"  # exists before the background job opens it
  env -i PATH="$PATH" TMPDIR="$WORK/$name" bind_address=127.0.0.1 port=0 metrics_port=-1 \
    healthcheck_interval=0s "$@" "$WATCHDOG" 2>"$WORK/$name.log" &
  WD_PID=$!
  PIDS+=("$WD_PID")
  WD_PORT=
  for ((i = 0; i < 100; i++)); do
    WD_PORT=$(sed -n 's/.*Listening on port: \([0-9]*\).*/\1/p' "$WORK/$name.log" | head -1)
    [[ -n $WD_PORT ]] && return 0
    kill -0 "$WD_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$WORK/$name.log" >&2
  die "fwatchdog ($name) did not start"
}

# run_loop WORKERS: best of ROUNDS of the bare spawn loop; echoes "rps p50 p99 errors cpu_us".
run_loop() {
  local workers=$1 r best="" line
  # The same environment fwatchdog (and so its children) gets: a LANG/LC_* in the loop's
  # environment alone makes each cat load locale files and the baseline slower.
  local cmd=(env -i PATH="$PATH" "$SPAWN_LOOP" --seconds "$SECS" --workers "$workers" --body "$BODY" -- cat)
  echo "  spawn loop: ${cmd[*]}" >&2
  for ((r = 0; r < ROUNDS; r++)); do
    line=$("${cmd[@]}" | sed -n 's/.*rate=\([0-9.]*\) p50_us=\([0-9.]*\) p99_us=\([0-9.]*\).*errors=\([0-9]*\) cpu_us=\([0-9.]*\).*/\1 \2 \3 \4 \5/p')
    [[ -n $line ]] || die "spawn loop failed"
    if [[ -z $best ]] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a > b) }'; then
      best=$line
    fi
  done
  echo "$best"
}

# ---------------------------------------------------------------------------------------------
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
echo "faas++ bench: ${CORES} cores, ${SECS}s per run, warm-up ${WARMUP}s, best of ${ROUNDS}" >&2

# 1. http mode: fwatchdog forks faas-test-upstream (as of-watchdog forks the function's server)
#    and proxies to it; the same upstream process is also hit directly.
echo "[1/3] http mode" >&2
# The upstream's port comes from free_port; if another process takes it first, the child exits,
# fwatchdog exits with it, and we try another port.
for attempt in 1 2 3; do
  UP_PORT=$(free_port)
  start_watchdog "http$attempt" mode=http "fprocess=$UPSTREAM --port $UP_PORT --threads 1" \
    "upstream_url=http://127.0.0.1:$UP_PORT"
  HTTP_PID=$WD_PID
  HTTP_PORT=$WD_PORT
  for ((i = 0; i < 100; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$HTTP_PORT/" || true) == 200 ]] && break
    kill -0 "$HTTP_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$HTTP_PID" 2>/dev/null && break
  ((attempt == 3)) && { cat "$WORK/http$attempt.log" >&2; die "http mode did not start"; }
done
wait_ok "http://127.0.0.1:$HTTP_PORT/"
wait_ok "http://127.0.0.1:$UP_PORT/"
UP_PID=$(pgrep -P "$HTTP_PID" | head -1 || true)  # the upstream, forked by fwatchdog
[[ -n $UP_PID ]] && PIDS+=("$UP_PID")
sleep 0.3
RSS_HTTP=$(rss_kb "$HTTP_PID")
[[ -n $UP_PID ]] || die "http mode: no upstream child of fwatchdog $HTTP_PID"
out=$(run_wrk "direct c$HTTP_CONNS" "$HTTP_CONNS" "$UP_PID" "http://127.0.0.1:$UP_PORT/")
read -r D_RPS D_P50 D_P99 D_ERR D_CPU <<<"$out"
out=$(run_wrk "fwatchdog c$HTTP_CONNS" "$HTTP_CONNS" "$HTTP_PID $UP_PID" "http://127.0.0.1:$HTTP_PORT/")
read -r T_RPS T_P50 T_P99 T_ERR T_CPU <<<"$out"
out=$(run_wrk "direct c1" 1 "$UP_PID" "http://127.0.0.1:$UP_PORT/")
read -r D1_RPS D1_P50 D1_P99 D1_ERR D1_CPU <<<"$out"
out=$(run_wrk "fwatchdog c1" 1 "$HTTP_PID $UP_PID" "http://127.0.0.1:$HTTP_PORT/")
read -r T1_RPS T1_P50 T1_P99 T1_ERR T1_CPU <<<"$out"
sleep 0.3
RSS_HTTP_AFTER=$(rss_kb "$HTTP_PID")
stop_pid "$HTTP_PID"
[[ -n $UP_PID ]] && stop_pid "$UP_PID"

# 2. fork modes: fprocess=cat with a small POST body, against a bare posix_spawn loop of cat.
echo "[2/3] fork modes (fprocess=cat, body '$BODY')" >&2
LUA=$WORK/post.lua
cat >"$LUA" <<LUA
wrk.method = "POST"
wrk.body = "$BODY"
wrk.headers["Content-Type"] = "text/plain"
LUA
# Same concurrency on both sides: c connections against min(c, cores) spawn-loop workers.
declare -A LOOP_WORKERS L_RPS L_P50 L_P99 L_ERR L_CPU
for c in $FORK_CONNS; do
  [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_FORK_CONNECTIONS: '$c' is not a positive integer"
  LOOP_WORKERS[$c]=$((c < CORES ? c : CORES))
  out=$(run_loop "${LOOP_WORKERS[$c]}")
  read -r "L_RPS[$c]" "L_P50[$c]" "L_P99[$c]" "L_ERR[$c]" "L_CPU[$c]" <<<"$out"
done

declare -A F_RPS F_P50 F_P99 F_ERR F_CPU RSS_FORK RSS_FORK_AFTER
for mode in streaming serializing; do
  start_watchdog "$mode" mode="$mode" fprocess=cat
  url="http://127.0.0.1:$WD_PORT/"
  wait_ok "$url" -d "$BODY"
  got=$(curl -s --max-time 2 -d "$BODY" "$url")
  [[ $got == "$BODY" ]] || die "$mode: expected '$BODY', got '$got'"
  # Idle RSS right after start (the sanity requests above are two tiny forks).
  sleep 0.3
  RSS_FORK[$mode]=$(rss_kb "$WD_PID")
  for c in $FORK_CONNS; do
    out=$(run_wrk "$mode c$c" "$c" "$WD_PID" "$url" -s "$LUA")
    read -r "F_RPS[$mode/$c]" "F_P50[$mode/$c]" "F_P99[$mode/$c]" "F_ERR[$mode/$c]" "F_CPU[$mode/$c]" <<<"$out"
  done
  sleep 0.3
  RSS_FORK_AFTER[$mode]=$(rss_kb "$WD_PID")
  stop_pid "$WD_PID"
done

# 3. micro-benchmarks (optional).
MICRO_OUT=""
if [[ $MICRO == 1 && -x $MICRO_BIN ]]; then
  echo "[3/3] micro-benchmarks" >&2
  MICRO_OUT=$("$MICRO_BIN" --benchmark_min_time=0.2 2>/dev/null | grep '^BM_' || true)
else
  echo "[3/3] micro-benchmarks skipped" >&2
fi

# ---------------------------------------------------------------------------------------------
ADD16=$(awk -v a="$T_P50" -v b="$D_P50" 'BEGIN { printf "%.0f", a - b }')
ADD1=$(awk -v a="$T1_P50" -v b="$D1_P50" 'BEGIN { printf "%.0f", a - b }')
GIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git diff --quiet HEAD -- src apps 2>/dev/null || echo " (+uncommitted changes in src/apps)")

echo
echo "faas++ fwatchdog benchmark — $(date -u +%Y-%m-%dT%H:%MZ), git $GIT$DIRTY"
echo "machine: $CORES cores, load average at start $LOADAVG; ${SECS}s per run, best of $ROUNDS; binaries: $BUILD_DIR"
REPRO="BENCH_SECONDS=$SECS"
[[ $WARMUP != 1 ]] && REPRO+=" BENCH_WARMUP=$WARMUP"
[[ $HTTP_CONNS != 16 ]] && REPRO+=" BENCH_HTTP_CONNECTIONS=$HTTP_CONNS"
[[ $FORK_CONNS != "1 2" ]] && REPRO+=" BENCH_FORK_CONNECTIONS='$FORK_CONNS'"
[[ $ROUNDS != 1 ]] && REPRO+=" BENCH_ROUNDS=$ROUNDS"
[[ $BUILD_DIR != build ]] && REPRO+=" BUILD_DIR=$BUILD_DIR"
echo "reproduce: make build && $REPRO bash bench/run.sh    (defaults: make bench; see bench/README.md)"
echo
row "case" "concurrency" "req/s" "p50" "p99" "errors" "CPU/req" "req/s vs base" "CPU vs base" "goal" "result"
row "http: upstream direct" "wrk c$HTTP_CONNS" "$(fmt_rps "$D_RPS")" "$(fmt_us "$D_P50")" "$(fmt_us "$D_P99")" "$D_ERR" \
  "$(fmt_us "$D_CPU")" "baseline" "baseline" "" ""
row "http: through fwatchdog" "wrk c$HTTP_CONNS" "$(fmt_rps "$T_RPS")" "$(fmt_us "$T_P50")" "$(fmt_us "$T_P99")" "$T_ERR" \
  "$(fmt_us "$T_CPU")" "$(ratio "$T_RPS" "$D_RPS")" "$(ratio "$T_CPU" "$D_CPU")" "req/s ≥ 0.45×" "$(verdict "$T_RPS >= 0.45 * $D_RPS")"
row "http: added p50" "wrk c$HTTP_CONNS" "" "+$ADD16 µs" "" "" "" "" "" "< 100 µs" "$(verdict "$ADD16 < 100")"
row "http: upstream direct" "wrk c1" "$(fmt_rps "$D1_RPS")" "$(fmt_us "$D1_P50")" "$(fmt_us "$D1_P99")" "$D1_ERR" \
  "$(fmt_us "$D1_CPU")" "baseline" "baseline" "" ""
row "http: through fwatchdog" "wrk c1" "$(fmt_rps "$T1_RPS")" "$(fmt_us "$T1_P50")" "$(fmt_us "$T1_P99")" "$T1_ERR" \
  "$(fmt_us "$T1_CPU")" "$(ratio "$T1_RPS" "$D1_RPS")" "$(ratio "$T1_CPU" "$D1_CPU")" "" ""
row "http: added p50" "wrk c1" "" "+$ADD1 µs" "" "" "" "" "" "< 100 µs" "$(verdict "$ADD1 < 100")"
for c in $FORK_CONNS; do
  row "spawn loop: cat" "${LOOP_WORKERS[$c]} worker(s)" "$(fmt_rps "${L_RPS[$c]}")" "$(fmt_us "${L_P50[$c]}")" \
    "$(fmt_us "${L_P99[$c]}")" "${L_ERR[$c]}" "$(fmt_us "${L_CPU[$c]}")" "baseline" "baseline" "" ""
  for mode in streaming serializing; do
    k=$mode/$c
    row "$mode: fprocess=cat" "wrk c$c" "$(fmt_rps "${F_RPS[$k]}")" "$(fmt_us "${F_P50[$k]}")" \
      "$(fmt_us "${F_P99[$k]}")" "${F_ERR[$k]}" "$(fmt_us "${F_CPU[$k]}")" "$(ratio "${F_RPS[$k]}" "${L_RPS[$c]}")" \
      "$(ratio "${F_CPU[$k]}" "${L_CPU[$c]}")" "req/s ≥ 0.7×" "$(verdict "${F_RPS[$k]} >= 0.7 * ${L_RPS[$c]}")"
  done
done
rss_row() { row "idle RSS: $1" "$2" "" "" "" "" "" "$(fmt_mb "$3")" "" "< 5 MB" "$(verdict "$3 < 5120")"; }
rss_row "streaming (cat)" "after start" "${RSS_FORK[streaming]}"
rss_row "streaming (cat)" "after load" "${RSS_FORK_AFTER[streaming]}"
rss_row "serializing (cat)" "after load" "${RSS_FORK_AFTER[serializing]}"
rss_row "http" "after start" "$RSS_HTTP"
rss_row "http" "after load" "$RSS_HTTP_AFTER"
render_rows
echo
echo "Notes: wrk -t1 (one load thread) shares the ${CORES} cores with fwatchdog and its function; fork-mode"
echo "concurrency = wrk cN vs a spawn loop of min(N, $CORES) worker(s); RSS is fwatchdog's own VmRSS"
echo "(not its children); errors = non-2xx + socket errors; CPU/req = user+system CPU of the server side"
echo "(fwatchdog, its function and reaped children; the upstream alone when direct; the loop and its cats)"
echo "per request, steadier than req/s when other work competes for the cores. Commands:"
while IFS='|' read -r label cmd; do
  echo "  $label: $cmd"
done <"$WORK/commands" | sed "s#$WORK/post.lua#post.lua#"
for c in $FORK_CONNS; do
  echo "  spawn loop ($c): env -i PATH=\"\$PATH\" $SPAWN_LOOP --seconds $SECS --workers ${LOOP_WORKERS[$c]} --body '$BODY' -- cat"
done
echo "  post.lua: wrk.method = \"POST\"; wrk.body = \"$BODY\"; wrk.headers[\"Content-Type\"] = \"text/plain\""
if [[ -n $MICRO_OUT ]]; then
  echo
  echo "Micro-benchmarks ($MICRO_BIN):"
  echo "  ${MICRO_OUT//$'\n'/$'\n'  }"
fi
