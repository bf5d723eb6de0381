#!/usr/bin/env bash
# faas++ on containerd: what a user waits for and what the gateway costs, in one run on 127.0.0.1.
#   - deploy → first 200: POST /system/functions of an uploaded (pre-pulled) image until the first
#     200 from /function/NAME, as a client sees it (create container, start task, ready, first byte)
#   - thaw → first byte: a function scaled to zero (paused) called once (time to first byte)
#   - throughput: wrk through the gateway into the replica vs wrk inside the replica's network
#     namespace hitting its fwatchdog directly (the same process serves both)
# The function is our static fwatchdog in `static` mode serving a small file, FROM scratch.
#
#   make build && BENCH_SECONDS=5 bash bench/containerd.sh      (root; containerd, runc, buildah, wrk)
#
# Environment: BENCH_SECONDS (5), BENCH_WARMUP (1), BENCH_ROUNDS (1), BENCH_HTTP_CONNECTIONS (16),
# BENCH_COLD_RUNS (10), BUILD_DIR (build). faasd runs its own containerd under the work dir; all
# of it is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
SECS=${BENCH_SECONDS:-5}
WARMUP=${BENCH_WARMUP:-1}
HTTP_CONNS=${BENCH_HTTP_CONNECTIONS:-16}
ROUNDS=${BENCH_ROUNDS:-1}
COLD_RUNS=${BENCH_COLD_RUNS:-10}
CORES=$(nproc)
FAASD=$(realpath -m "$BUILD_DIR/bin/faasd")
FWATCHDOG=$(realpath -m "$BUILD_DIR/bin/fwatchdog")

# shellcheck source=bench/lib.sh
source bench/lib.sh
[[ $(id -u) == 0 ]] || die "needs root (containerd)"
for bin in "$FAASD" "$FWATCHDOG"; do [[ -x $bin ]] || die "$bin not built (run: make build)"; done
for tool in wrk buildah containerd ctr nsenter; do command -v $tool >/dev/null || die "$tool not installed"; done
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
echo "faas++ containerd bench: ${CORES} cores, ${SECS}s per run, $COLD_RUNS cold starts" >&2

# The image: fwatchdog (static mode) and one 1 KiB file, FROM scratch, as an OCI archive.
export BUILDAH_ISOLATION=chroot
b() { buildah --root "$WORK/buildah" --runroot "$WORK/buildah-run" --storage-driver vfs "$@"; }
mkdir -p "$WORK/fs/home/app/public" "$WORK/fs/tmp"
head -c 1024 /dev/zero | tr '\0' 'x' >"$WORK/fs/home/app/public/index.html"
install -m 0755 "$FWATCHDOG" "$WORK/fs/fwatchdog"
c=$(b from scratch)
b copy "$c" "$WORK/fs" / >/dev/null
b config --env mode=static --env static_path=/home/app/public --cmd '["/fwatchdog"]' "$c"
b commit -q "$c" bench/static:1 >/dev/null
b push -q bench/static:1 "oci-archive:$WORK/static.tar:bench/static:1"

# faasd with its own containerd (a socket that does not exist makes it start one).
: >"$WORK/faasd.log"
"$FAASD" up --runtime containerd --containerd-socket /nonexistent.sock --state-dir "$WORK/faasd" \
  --port 0 --bind 127.0.0.1 >"$WORK/faasd.log" 2>&1 &
FAASD_PID=$!
# A graceful stop stops the replicas and faasd's containerd; give it time before lib.sh's cleanup.
stop_faasd() {
  local i
  kill -TERM "$FAASD_PID" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do kill -0 "$FAASD_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$FAASD_PID" 2>/dev/null || true
}
trap 'stop_faasd; cleanup' EXIT
GW_PORT=""
for ((i = 0; i < 600; i++)); do
  GW_PORT=$(sed -n 's/.*Gateway URL: http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/faasd.log" | head -1)
  [[ -n $GW_PORT ]] && break
  kill -0 "$FAASD_PID" 2>/dev/null || break
  sleep 0.05
done
[[ -n $GW_PORT ]] || { cat "$WORK/faasd.log" >&2; die "faasd did not start"; }
GW="http://127.0.0.1:$GW_PORT"
AUTH="admin:$(cat "$WORK/faasd/secrets/basic-auth-password")"
code=$(curl -s -o "$WORK/upload.json" -w '%{http_code}' -u "$AUTH" -H 'Content-Type: application/x-tar' \
  --data-binary "@$WORK/static.tar" "$GW/system/images?name=bench/static:1")
[[ $code == 200 ]] || die "image upload answered $code: $(cat "$WORK/upload.json")"

now_ns() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
p90() { sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.9 + 0.999); if (i < 1) i = 1; if (NR) print a[i] }'; }

# deploy → first 200, per run a new function (no replica to reuse).
: >"$WORK/cold"
for ((r = 0; r < COLD_RUNS; r++)); do
  t0=$(now_ns)
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" \
    -d "{\"service\":\"cold$r\",\"image\":\"bench/static:1\"}" "$GW/system/functions")
  [[ $code == 202 ]] || die "deploy cold$r answered $code"
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$GW/function/cold$r") == 200 ]]; do
    (($(now_ns) - t0 < 30000000000)) || die "cold$r never answered"
    sleep 0.002
  done
  echo $((($(now_ns) - t0) / 1000)) >>"$WORK/cold"
  curl -s -o /dev/null -u "$AUTH" -X DELETE -d "{\"functionName\":\"cold$r\"}" "$GW/system/functions"
done
COLD_MED=$(median <"$WORK/cold")
COLD_P90=$(p90 <"$WORK/cold")

# The throughput function, then thaw → first byte.
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" -d '{"service":"bench","image":"bench/static:1"}' "$GW/system/functions")
[[ $code == 202 ]] || die "deploy bench answered $code"
wait_ok "$GW/function/bench"
: >"$WORK/thaw"
for ((r = 0; r < COLD_RUNS; r++)); do
  curl -s -o /dev/null -u "$AUTH" -d '{"serviceName":"bench","replicas":0}' "$GW/system/scale-function/bench"
  for ((i = 0; i < 200; i++)); do
    avail=$(curl -s -u "$AUTH" "$GW/system/function/bench" | sed -n 's/.*"availableReplicas":\([0-9]*\).*/\1/p')
    [[ -z $avail || $avail == 0 ]] && break
    sleep 0.01
  done
  sleep 1.1  # past the gateway's replica cache: the call must find the function at zero
  t=$(curl -s -o /dev/null -w '%{time_starttransfer}' "$GW/function/bench")
  awk -v t="$t" 'BEGIN { printf "%.0f\n", t * 1e6 }' >>"$WORK/thaw"
done
THAW_MED=$(median <"$WORK/thaw")
THAW_P90=$(p90 <"$WORK/thaw")

# The replica's task pid: its network namespace is where "direct" runs.
SOCK="$WORK/faasd/containerd/containerd.sock"
TASK_PID=$(ctr --address "$SOCK" -n openfaas-fn task ls | awk '$1 ~ /^bench-/ && $3 == "RUNNING" { print $2; exit }')
[[ -n $TASK_PID ]] || die "cannot find the bench replica's task"
out=$(WRK_PREFIX="nsenter --net=/proc/$TASK_PID/ns/net" run_wrk "direct (in the replica's netns) c$HTTP_CONNS" \
  "$HTTP_CONNS" "$TASK_PID" "http://127.0.0.1:8080/")
read -r D_RPS D_P50 D_P99 D_ERR D_CPU <<<"$out"
out=$(run_wrk "gateway c$HTTP_CONNS" "$HTTP_CONNS" "$FAASD_PID $TASK_PID" "$GW/function/bench")
read -r G_RPS G_P50 G_P99 G_ERR G_CPU <<<"$out"
RSS_FAASD=$(rss_kb "$FAASD_PID")

GIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo
echo "faas++ containerd benchmark — $(date -u +%Y-%m-%dT%H:%MZ), git $GIT"
echo "machine: $CORES cores, load average at start $LOADAVG; ${SECS}s per wrk run, $COLD_RUNS cold starts and thaws"
echo "reproduce: make build && BENCH_SECONDS=$SECS bash bench/containerd.sh"
echo
row "case" "concurrency" "req/s" "p50" "p99" "errors" "CPU/req" "vs base" "goal" "result"
row "deploy → first 200 (median)" "1" "" "$(fmt_us "$COLD_MED")" "$(fmt_us "$COLD_P90") (p90)" "" "" "faasd ~390 ms" "< 150 ms" \
  "$(verdict "$COLD_MED < 150000")"
row "thaw → first byte (median)" "1" "" "$(fmt_us "$THAW_MED")" "$(fmt_us "$THAW_P90") (p90)" "" "" "faasd ~190 ms" "< 10 ms" \
  "$(verdict "$THAW_MED < 10000")"
row "fwatchdog direct, in its netns" "wrk c$HTTP_CONNS" "$(fmt_rps "$D_RPS")" "$(fmt_us "$D_P50")" "$(fmt_us "$D_P99")" \
  "$D_ERR" "$(fmt_us "$D_CPU")" "baseline" "" ""
row "gateway → replica" "wrk c$HTTP_CONNS" "$(fmt_rps "$G_RPS")" "$(fmt_us "$G_P50")" "$(fmt_us "$G_P99")" \
  "$G_ERR" "$(fmt_us "$G_CPU")" "$(ratio "$G_RPS" "$D_RPS")" "" ""
row "faasd RSS after load" "" "" "" "" "" "" "$(fmt_mb "$RSS_FAASD")" "" ""
render_rows
echo
echo "Cold starts (µs): $(tr '\n' ' ' <"$WORK/cold")"
echo "Thaws (µs): $(tr '\n' ' ' <"$WORK/thaw")"
echo "Commands:"
while IFS='|' read -r label cmd; do echo "  $label: $cmd"; done <"$WORK/commands"

