#!/usr/bin/env bash
# base-images.sh: builds the base images that the shipped templates' Dockerfiles name, on this
# machine, with no container registry: each one is a Debian bookworm root filesystem made with
# debootstrap from the apt mirror this machine already uses, plus the language's Debian packages,
# committed into buildah's local storage under exactly the name the Dockerfiles use. The
# watchdog images are our static fwatchdog FROM scratch (a drop-in replacement for OpenFaaS's).
# Then `faas-cli build` / `up` work offline; on a machine that can pull, you don't need this.
#
#   scripts/base-images.sh [--list] [--force] [--fwatchdog PATH] [KEY...]
#
# KEYs (default: all) are listed by --list. Idempotent: an image that already exists is kept
# unless --force (the watchdog images are rebuilt when the fwatchdog binary changed). Runs as root.
# Env: FAAS_BASE_IMAGE_CACHE (default /var/cache/faasd/base-images) holds the debootstrap rootfs,
# reused by every image; FAAS_DEBIAN_MIRROR / FAAS_DEBIAN_SECURITY_MIRROR override the mirrors
# read from /etc/apt; FWATCHDOG the watchdog binary (default build/bin/fwatchdog); http_proxy is
# passed to debootstrap and apt.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${FAAS_BASE_IMAGE_CACHE:-/var/cache/faasd/base-images}"
SUITE=bookworm
FWATCHDOG="${FWATCHDOG:-$REPO_DIR/build/bin/fwatchdog}"
FORCE=0
LIST=0
LABEL_PREFIX=org.faaspp.base-images

# key | image name (as the Dockerfiles write it) | Debian packages on top of minbase
IMAGES=(
  "debian|docker.io/library/debian:bookworm-slim|"
  "python|docker.io/library/python:3.11-slim-bookworm|python3 python3-pip python3-venv"
  "node|docker.io/library/node:20-bookworm-slim|nodejs npm"
  "golang|docker.io/library/golang:1.19-bookworm|golang-go ca-certificates"
  "gcc|docker.io/library/gcc:12-bookworm|g++ libboost-dev"
  "watchdog|ghcr.io/openfaas/of-watchdog:0.9.15|"
  "classic-watchdog|ghcr.io/openfaas/classic-watchdog:0.3.1|"
)

log() { printf '[base-images] %s\n' "$*"; }
die() { printf '[base-images] error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

field() { local IFS='|'; read -r -a f <<<"$1"; printf '%s' "${f[$2]:-}"; }

# The first URI of the deb822 or one-line apt source whose suites include $1 (e.g. bookworm).
mirror_for() {
  local suite="$1" files
  files=$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  [ -n "$files" ] || return 0
  # shellcheck disable=SC2086
  awk -v suite="$suite" '
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && uri != "") { print uri; exit } }
    /^deb / { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { if ($(i+1) == suite) { print $i; exit } break } }
  ' $files
}

image_exists() { buildah inspect --type image "$1" >/dev/null 2>&1; }

image_label() {
  buildah inspect --type image --format "{{index .OCIv1.Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# ---- the shared debootstrap rootfs ----------------------------------------------------------

MOUNTED=()
cleanup_mounts() {
  local i
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTED[$i]}" 2>/dev/null || true; done
  MOUNTED=()
}
trap cleanup_mounts EXIT

base_rootfs() {
  local root="$CACHE/$SUITE-minbase"
  if [ -f "$root/.faaspp-complete" ] && [ "$FORCE_ROOTFS" = 0 ]; then
    log "reusing the $SUITE minbase rootfs in $root"
    return
  fi
  local mirror="${FAAS_DEBIAN_MIRROR:-$(mirror_for "$SUITE")}"
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
  log "debootstrap --variant=minbase $SUITE from $mirror into $root (about a minute)"
  rm -rf "$root" "$root.tmp"
  mkdir -p "$CACHE"
  local t0=$SECONDS
  if ! debootstrap --variant=minbase "$SUITE" "$root.tmp" "$mirror" >"$CACHE/debootstrap.log" 2>&1; then
    tail -n 20 "$CACHE/debootstrap.log" >&2
    die "debootstrap failed (full log: $CACHE/debootstrap.log)"
  fi
  write_sources "$root.tmp" "$mirror"
  touch "$root.tmp/.faaspp-complete"
  mv "$root.tmp" "$root"
  log "rootfs ready in $((SECONDS - t0)) s"
}

# apt sources inside the images: the same mirrors as the host (with updates and security), so a
# Dockerfile's `apt-get install` (ADDITIONAL_PACKAGE) gets the same packages.
write_sources() {
  local root="$1" mirror="$2" security
  security="${FAAS_DEBIAN_SECURITY_MIRROR:-$(mirror_for "$SUITE-security")}"
  [ -n "$security" ] || security=http://deb.debian.org/debian-security
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

# chroot_run DIR CMD...: runs in the rootfs with /proc, /sys, /dev and the host's DNS config.
chroot_run() {
  local root="$1"; shift
  local m
  for m in proc sys dev dev/pts; do
    mkdir -p "$root/$m"
    case $m in
      proc) mount -t proc proc "$root/proc" ;;
      sys) mount -t sysfs sys "$root/sys" ;;
      *) mount --bind "/$m" "$root/$m" ;;
    esac
    MOUNTED+=("$root/$m")
  done
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  local rc=0
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
    "$@" || rc=$?
  rm -f "$root/usr/sbin/policy-rc.d"
  : >"$root/etc/resolv.conf"
  cleanup_mounts
  return $rc
}

# Makes DIR a copy of the base rootfs with PACKAGES installed and the apt caches emptied.
language_rootfs() {
  local dir="$1" packages="$2"
  rm -rf "$dir"
  cp -a "$CACHE/$SUITE-minbase" "$dir"
  rm -f "$dir/.faaspp-complete"
  if [ -n "$packages" ]; then
    log "  apt-get install $packages"
    # shellcheck disable=SC2086
    if ! chroot_run "$dir" sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages" \
        >"$dir.log" 2>&1; then
      tail -n 20 "$dir.log" >&2
      die "apt-get install $packages failed (full log: $dir.log)"
    fi
  fi
  # What the official -slim images leave out too.
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/log/apt/* \
    "$dir"/var/log/dpkg.log "$dir"/tmp/* 2>/dev/null || true
}

# commit_dir DIR NAME KEY CONFIG...: DIR's content as the single layer of image NAME.
commit_dir() {
  local dir="$1" name="$2" key="$3"; shift 3
  local ctr mnt
  ctr=$(buildah from --quiet scratch)
  mnt=$(buildah mount "$ctr")
  if ! tar -C "$dir" --numeric-owner -cf - . | tar -C "$mnt" --numeric-owner -xpf -; then
    buildah umount "$ctr" >/dev/null; buildah rm "$ctr" >/dev/null
    die "cannot copy $dir into the image"
  fi
  buildah umount "$ctr" >/dev/null
  buildah config --os linux --arch amd64 --label "$LABEL_PREFIX.key=$key" \
    --label "$LABEL_PREFIX.note=built offline by faas++ scripts/base-images.sh" "$@" "$ctr"
  buildah commit --quiet --rm "$ctr" "$name" >/dev/null
}

build_language() {
  local key="$1" name="$2" packages="$3"
  local dir="$CACHE/work-$key"
  base_rootfs
  log "$name: $SUITE minbase${packages:+ + $packages}"
  language_rootfs "$dir" "$packages"
  local path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  local config=(--env "PATH=$path" --env LANG=C.UTF-8 --cmd bash)
  case $key in
    python)
      # As in the official image, pip installs into the system (no PEP 668 refusal).
      rm -f "$dir"/usr/lib/python3*/EXTERNALLY-MANAGED
      ln -sf python3 "$dir/usr/bin/python"
      config=(--env "PATH=$path" --env LANG=C.UTF-8 --cmd python3) ;;
    node) config=(--env "PATH=$path" --cmd node) ;;
    golang)
      mkdir -p "$dir/go/bin" "$dir/go/src" && chmod -R 777 "$dir/go"
      config=(--env "PATH=/go/bin:$path" --env GOPATH=/go --workingdir /go --cmd bash) ;;
  esac
  commit_dir "$dir" "$name" "$key" --label "$LABEL_PREFIX.packages=$packages" "${config[@]}"
  rm -rf "$dir" "$dir.log"
}

is_static() { file -L "$1" 2>/dev/null | grep -q 'statically linked' || ! ldd "$1" >/dev/null 2>&1; }

build_watchdog() {
  local key="$1" name="$2" sha="$3"
  local dir="$CACHE/work-$key"
  log "$name: FROM scratch + $FWATCHDOG as /fwatchdog (faas++'s fwatchdog is a drop-in replacement for OpenFaaS's watchdog; this image is NOT the upstream one)"
  rm -rf "$dir" && mkdir -p "$dir"
  install -m 0755 "$FWATCHDOG" "$dir/fwatchdog"
  commit_dir "$dir" "$name" "$key" --label "$LABEL_PREFIX.fwatchdog-sha256=$sha" \
    --entrypoint '["/fwatchdog"]' --cmd ''
  rm -rf "$dir"
}

main() {
  local wanted=() FORCE_ROOTFS=0
  while [ $# -gt 0 ]; do
    case $1 in
      --list) LIST=1 ;;
      --force) FORCE=1 ;;
      --force-rootfs) FORCE_ROOTFS=1 ;;
      --fwatchdog) FWATCHDOG="$2"; shift ;;
      --fwatchdog=*) FWATCHDOG="${1#*=}" ;;
      -h|--help) usage; exit 0 ;;
      -*) die "unknown option $1 (see --help)" ;;
      *) wanted+=("$1") ;;
    esac
    shift
  done
  local entry key known
  for key in "${wanted[@]}"; do
    known=0
    for entry in "${IMAGES[@]}"; do [ "$(field "$entry" 0)" = "$key" ] && known=1; done
    [ $known = 1 ] || die "unknown image key '$key' (see --list)"
  done
  if [ $LIST = 1 ]; then
    for entry in "${IMAGES[@]}"; do
      key=$(field "$entry" 0)
      if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $key "* ]]; then continue; fi
      local what
      what=$(field "$entry" 2)
      case $key in *watchdog) what="scratch + $FWATCHDOG" ;; *) what="$SUITE minbase${what:+ + $what}" ;; esac
      local state="missing"
      command -v buildah >/dev/null && image_exists "$(field "$entry" 1)" && state="present"
      printf '%-17s %-45s %-8s %s\n' "$key" "$(field "$entry" 1)" "$state" "$what"
    done
    return
  fi
  [ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot and buildah's storage need it)"
  command -v buildah >/dev/null || die "buildah not found (apt-get install buildah)"
  local t0=$SECONDS built=0
  for entry in "${IMAGES[@]}"; do
    key=$(field "$entry" 0)
    if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $key "* ]]; then continue; fi
    local name packages
    name=$(field "$entry" 1)
    packages=$(field "$entry" 2)
    case $key in
      *watchdog)
        [ -x "$FWATCHDOG" ] || die "no fwatchdog at $FWATCHDOG (build it: make build, or pass --fwatchdog)"
        is_static "$FWATCHDOG" || die "$FWATCHDOG is dynamically linked; templates copy it alone into other images, so it must be static (a Release build: FAAS_STATIC_BINARIES=ON, no FAAS_SANITIZE)"
        local sha
        sha=$(sha256sum "$FWATCHDOG" | cut -d' ' -f1)
        if [ $FORCE = 0 ] && image_exists "$name" && [ "$(image_label "$name" "$LABEL_PREFIX.fwatchdog-sha256")" = "$sha" ]; then
          log "$name: present (same fwatchdog), skipped"
          continue
        fi
        build_watchdog "$key" "$name" "$sha" ;;
      *)
        if [ $FORCE = 0 ] && image_exists "$name"; then
          # Rebuilt when its package list changed; images from before the label are kept.
          local had
          had=$(image_label "$name" "$LABEL_PREFIX.packages")
          if [ -z "$had" ] || [ "$had" = "$packages" ]; then
            log "$name: present, skipped (--force rebuilds)"
            continue
          fi
          log "$name: its packages changed ($had -> $packages), rebuilding"
        fi
        build_language "$key" "$name" "$packages" ;;
    esac
    built=$((built + 1))
    log "$name: done"
  done
  log "$built image(s) built in $((SECONDS - t0)) s"
}

main "$@"
