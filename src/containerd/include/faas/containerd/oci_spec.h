// make_runtime_spec: the OCI runtime spec (config.json) of a function replica, as JSON text for
// Client::create_container.
//
// Safe defaults, stricter than faasd's: its own pid/ipc/uts/mount/network namespaces (the network
// namespace is new and has only loopback unless a CNI layer adds an interface), a reduced
// capability set, noNewPrivileges, masked /proc paths, no oomScoreAdj (containerd here has no
// CAP_SYS_RESOURCE, and a negative value would fail), optional memory and CPU limits, optional
// read-only rootfs with a writable /tmp, and read-only bind mounts (secrets).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faas/containerd/types.h"
#include "faas/core/result.h"

namespace faas::containerd {

struct BindMount {
  std::string source;  // host path
  std::string destination;
  bool read_only = true;
};

struct SpecOptions {
  std::vector<std::string> args;  // argv; required
  std::vector<std::string> env;   // "K=V", the process's whole environment
  std::string cwd = "/";
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string hostname;
  bool read_only_rootfs = false;
  std::optional<std::int64_t> memory_limit_bytes;
  std::optional<std::int64_t> cpu_millis;  // 1000 = one CPU (CFS quota over a 100 ms period)
  std::vector<BindMount> mounts;
  // Empty: a new network namespace. Otherwise an existing one to join (e.g. /var/run/netns/x).
  std::string netns_path;
  std::string cgroups_path;  // e.g. "/openfaas-fn/hello-1"; empty: runc's default
  std::vector<std::string> capabilities;  // empty: kDefaultCapabilities
};

// Docker's default set without NET_RAW, MKNOD, AUDIT_WRITE, SYS_CHROOT and SETFCAP.
extern const std::vector<std::string> kDefaultCapabilities;

// The spec as JSON. Errors: empty args, relative paths.
Result<std::string> make_runtime_spec(const SpecOptions& options);

// Options from an image config: args = entrypoint + cmd, env, cwd, numeric user "uid[:gid]".
// A user name cannot be resolved without reading the image's /etc/passwd and is an error.
Result<SpecOptions> spec_from_image(const ImageConfig& config);

}  // namespace faas::containerd
