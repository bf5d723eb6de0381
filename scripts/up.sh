#!/usr/bin/env bash
# `make up` until the daemon exists: fwatchdog in the foreground, serving the sample function.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8080}
state=${FAAS_STATE_DIR:-/tmp/faaspp-up}
mkdir -p "$state"
cat <<MSG
faas++ fwatchdog serving examples/functions/hello on http://127.0.0.1:${port}
  call it:    curl -d 'world' http://127.0.0.1:${port}/
  health:     curl http://127.0.0.1:${port}/_/health
  metrics:    curl http://127.0.0.1:$((port + 1))/metrics
  stop:       Ctrl-C (graceful drain)
MSG
export fprocess="sh $PWD/examples/functions/hello/handler.sh"
export mode=streaming bind_address=127.0.0.1 port="$port" metrics_port=$((port + 1))
export TMPDIR="$state" healthcheck_interval=1s content_type="text/plain; charset=utf-8"
exec build/bin/fwatchdog
