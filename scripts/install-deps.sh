#!/usr/bin/env bash
# Installs the Debian packages faas++ needs to build and test, and nothing when they are all present.
# Idempotent and quiet: prints one line per batch it actually installs.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-tidy clang-format libclang-rt-14-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc libssl-dev
  golang-github-containerd-containerd-dev golang-github-gogo-protobuf-dev
)
TEST_PKGS=(curl wrk busybox-static procps file containerd runc buildah docker-registry iproute2 debootstrap)
TEST_PKGS+=(apache2-utils)  # htpasswd -B (bcrypt) for the registry client's basic-auth test

want=("${BUILD_PKGS[@]}")
case "${1:-all}" in
  build) ;;
  *) want+=("${TEST_PKGS[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
