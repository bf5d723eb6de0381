#!/usr/bin/env bash
# `make up`: the whole platform in the foreground (faasd up: gateway + provider), with the sample
# function examples/functions/hello deployed once the gateway answers (as a container built here
# FROM scratch on the containerd runtime). Ctrl-C stops it gracefully.
#   PORT (8080), FAAS_STATE_DIR (/var/lib/faasd), BIND (127.0.0.1; 0.0.0.0 to serve the network)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-${PORT:-8080}}
state=${FAAS_STATE_DIR:-/var/lib/faasd}
bind=${BIND:-127.0.0.1}
url="http://127.0.0.1:${port}"

# Its own session: Ctrl-C reaches this script only, which forwards one SIGTERM (a graceful stop).
setsid build/bin/faasd up --state-dir "$state" --port "$port" --bind "$bind" &
faasd=$!
trap 'kill -TERM $faasd 2>/dev/null || true; wait $faasd' INT TERM

for ((i = 0; i < 600; i++)); do  # containerd start-up included
  curl -s -o /dev/null "$url/healthz" && break
  kill -0 "$faasd" 2>/dev/null || exit 1
  sleep 0.1
done
auth="$(cat "$state/secrets/basic-auth-user"):$(cat "$state/secrets/basic-auth-password")"
orchestration=$(curl -s -u "$auth" "$url/system/info" | sed -n 's/.*"orchestration":"\([^"]*\)".*/\1/p')
if [[ $orchestration == containerd ]]; then
  # A container: the sample built FROM scratch here (no registry, no base image) and uploaded.
  archive="$state/hello-image.tar"
  bash examples/functions/hello/build-image.sh "$archive" "$PWD/build/bin/fwatchdog" >/dev/null
  curl -sf -u "$auth" -H 'Content-Type: application/x-tar' --data-binary "@$archive" \
    "$url/system/images?name=faasplusplus/hello:latest" >/dev/null ||
    echo "up: uploading the sample image failed" >&2
  spec='{"service":"hello","image":"faasplusplus/hello:latest"}'
else
  # The process runtime runs the handler from this checkout.
  handler="$PWD/examples/functions/hello/handler.sh"
  spec='{"service":"hello","image":"examples/hello:latest","envProcess":"sh '"$handler"'",'
  spec+='"envVars":{"content_type":"text/plain; charset=utf-8"}}'
fi
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$auth" -X PUT -d "$spec" "$url/system/functions")
[[ $code == 404 ]] && code=$(curl -s -o /dev/null -w '%{http_code}' -u "$auth" -d "$spec" "$url/system/functions")
[[ $code == 202 ]] || echo "up: deploying the sample function answered $code" >&2

cat <<MSG

faas++ is up: gateway $url (state in $state)
  call the sample:  curl -d 'world' $url/function/hello
  log in:           build/bin/faas-cli login -g $url -u admin --password-stdin < $state/secrets/basic-auth-password
  list functions:   curl -u admin:\$(cat $state/secrets/basic-auth-password) $url/system/functions
  metrics:          curl $url/metrics
  stop:             Ctrl-C (graceful: requests finish, replicas stop)
MSG
wait $faasd
