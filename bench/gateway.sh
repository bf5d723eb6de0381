#!/usr/bin/env bash
# faas++ gateway benchmark: client -> faasd gateway -> fwatchdog (http mode) -> upstream, against
# the same upstream process hit directly, in one run, on 127.0.0.1 only.
#
#   make bench                        (runs bench/run.sh, then this)
#   BENCH_SECONDS=5 bash bench/gateway.sh
#
# Environment: BENCH_SECONDS (5), BENCH_WARMUP (1), BENCH_ROUNDS (1), BENCH_HTTP_CONNECTIONS (16),
# BUILD_DIR (build). Every process it starts is stopped on exit; every run has a fixed duration.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
SECS=${BENCH_SECONDS:-5}
WARMUP=${BENCH_WARMUP:-1}
HTTP_CONNS=${BENCH_HTTP_CONNECTIONS:-16}
ROUNDS=${BENCH_ROUNDS:-1}
CORES=$(nproc)
FAASD=$(realpath -m "$BUILD_DIR/bin/faasd")
UPSTREAM=$(realpath -m "$BUILD_DIR/tests/faas-test-upstream")

# shellcheck source=bench/lib.sh
source bench/lib.sh
[[ $SECS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer (got '$SECS')"
for bin in "$FAASD" "$UPSTREAM"; do [[ -x $bin ]] || die "$bin not built (run: make build)"; done
command -v wrk >/dev/null || die "wrk not installed (apt-get install wrk)"

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
echo "faas++ gateway bench: ${CORES} cores, ${SECS}s per run" >&2

# faasd up with the process runtime; its log names the gateway port.
: >"$WORK/faasd.log"
"$FAASD" up --runtime process --state-dir "$WORK/faasd" --port 0 --bind 127.0.0.1 >"$WORK/faasd.log" 2>&1 &
FAASD_PID=$!
PIDS+=("$FAASD_PID")
GW_PORT=
for ((i = 0; i < 100; i++)); do
  GW_PORT=$(sed -n 's/.*Gateway URL: http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/faasd.log" | head -1)
  [[ -n $GW_PORT ]] && break
  sleep 0.05
done
[[ -n $GW_PORT ]] || { cat "$WORK/faasd.log" >&2; die "faasd did not start"; }
AUTH="admin:$(cat "$WORK/faasd/secrets/basic-auth-password")"

# One function: fwatchdog in http mode in front of faas-test-upstream on a port we know, so the
# same upstream process can be measured directly.
UP_PORT=$(free_port)
SPEC=$(printf '{"service":"bench","image":"local/bench","envProcess":"%s --port %s --threads 1","envVars":{"mode":"http","upstream_url":"http://127.0.0.1:%s","exec_timeout":"0"}}' \
  "$UPSTREAM" "$UP_PORT" "$UP_PORT")
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" -d "$SPEC" "http://127.0.0.1:$GW_PORT/system/functions")
[[ $code == 202 ]] || die "deploy answered $code"
wait_ok "http://127.0.0.1:$GW_PORT/function/bench"
wait_ok "http://127.0.0.1:$UP_PORT/"
WD_PID=$(pgrep -P "$FAASD_PID" | head -1 || true)
UP_PID=$(pgrep -P "$WD_PID" | head -1 || true)
[[ -n $WD_PID && -n $UP_PID ]] || die "cannot find the replica's processes"

out=$(run_wrk "direct c$HTTP_CONNS" "$HTTP_CONNS" "$UP_PID" "http://127.0.0.1:$UP_PORT/")
read -r D_RPS D_P50 D_P99 D_ERR D_CPU <<<"$out"
out=$(run_wrk "gateway c$HTTP_CONNS" "$HTTP_CONNS" "$FAASD_PID $WD_PID $UP_PID" "http://127.0.0.1:$GW_PORT/function/bench")
read -r G_RPS G_P50 G_P99 G_ERR G_CPU <<<"$out"
out=$(run_wrk "direct c1" 1 "$UP_PID" "http://127.0.0.1:$UP_PORT/")
read -r D1_RPS D1_P50 D1_P99 D1_ERR D1_CPU <<<"$out"
out=$(run_wrk "gateway c1" 1 "$FAASD_PID $WD_PID $UP_PID" "http://127.0.0.1:$GW_PORT/function/bench")
read -r G1_RPS G1_P50 G1_P99 G1_ERR G1_CPU <<<"$out"
RSS_FAASD=$(rss_kb "$FAASD_PID")

GIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo
echo "faas++ gateway benchmark — $(date -u +%Y-%m-%dT%H:%MZ), git $GIT"
echo "machine: $CORES cores, load average at start $LOADAVG; ${SECS}s per run, best of $ROUNDS"
echo "reproduce: make build && BENCH_SECONDS=$SECS bash bench/gateway.sh"
echo
row "case" "concurrency" "req/s" "p50" "p99" "errors" "CPU/req" "req/s vs base" "CPU vs base" "goal" "result"
row "upstream direct" "wrk c$HTTP_CONNS" "$(fmt_rps "$D_RPS")" "$(fmt_us "$D_P50")" "$(fmt_us "$D_P99")" "$D_ERR" \
  "$(fmt_us "$D_CPU")" "baseline" "baseline" "" ""
row "gateway → fwatchdog → upstream" "wrk c$HTTP_CONNS" "$(fmt_rps "$G_RPS")" "$(fmt_us "$G_P50")" "$(fmt_us "$G_P99")" \
  "$G_ERR" "$(fmt_us "$G_CPU")" "$(ratio "$G_RPS" "$D_RPS")" "$(ratio "$G_CPU" "$D_CPU")" "req/s ≥ 0.30×" \
  "$(verdict "$G_RPS >= 0.30 * $D_RPS")"
row "upstream direct" "wrk c1" "$(fmt_rps "$D1_RPS")" "$(fmt_us "$D1_P50")" "$(fmt_us "$D1_P99")" "$D1_ERR" \
  "$(fmt_us "$D1_CPU")" "baseline" "baseline" "" ""
row "gateway → fwatchdog → upstream" "wrk c1" "$(fmt_rps "$G1_RPS")" "$(fmt_us "$G1_P50")" "$(fmt_us "$G1_P99")" \
  "$G1_ERR" "$(fmt_us "$G1_CPU")" "$(ratio "$G1_RPS" "$D1_RPS")" "$(ratio "$G1_CPU" "$D1_CPU")" "" ""
row "faasd RSS after load" "" "" "" "" "" "" "$(fmt_mb "$RSS_FAASD")" "" "" ""
render_rows
echo
echo "Notes: wrk -t1 shares the $CORES cores with faasd, fwatchdog and the upstream; CPU/req = user+system"
echo "CPU of the server side (faasd + fwatchdog + upstream through the gateway; the upstream alone direct)."
echo "Commands:"
while IFS='|' read -r label cmd; do echo "  $label: $cmd"; done <"$WORK/commands"
