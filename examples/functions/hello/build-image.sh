#!/usr/bin/env bash
# Builds the sample function as an OCI image archive, FROM scratch (no base image to pull): Debian's
# static busybox for the shell, our static fwatchdog as the entrypoint, handler.sh as the function.
#   build-image.sh OUT.tar [FWATCHDOG] [REF]      (buildah, root; private storage under a temp dir)
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
fwatchdog=${2:-$here/../../../build/bin/fwatchdog}
ref=${3:-faasplusplus/hello:latest}
work=$(mktemp -d)
trap 'buildah --root "$work/root" --runroot "$work/run" --storage-driver vfs rm -a >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export BUILDAH_ISOLATION=chroot
b() { buildah --root "$work/root" --runroot "$work/run" --storage-driver vfs "$@"; }

mkdir -p "$work/fs/bin" "$work/fs/home/app" "$work/fs/tmp"
cp /bin/busybox "$work/fs/bin/busybox"
for tool in sh cat echo env ls; do ln -s busybox "$work/fs/bin/$tool"; done
install -m 0755 "$fwatchdog" "$work/fs/fwatchdog"
install -m 0755 "$here/handler.sh" "$work/fs/home/app/handler.sh"
chmod 1777 "$work/fs/tmp"

c=$(b from scratch)
b copy "$c" "$work/fs" / >/dev/null
b config --env PATH=/bin --env fprocess="sh /home/app/handler.sh" \
  --env content_type="text/plain; charset=utf-8" --workingdir /home/app --user 1000:1000 \
  --cmd '["/fwatchdog"]' --port 8080 "$c"
b commit -q "$c" "$ref" >/dev/null
b push -q "$ref" "oci-archive:$out:$ref"
echo "$out"
