// FaasdWorld: what the faas-cli end-to-end suite runs against, started once per suite: a private
// containerd, `faasd up --runtime containerd` on it (port 0, loopback), Debian's docker-registry on
// 127.0.0.1, and a private buildah store (CONTAINERS_STORAGE_CONF, vfs, under the world's temp
// dir) so builds leave nothing in the machine's image store.
//
// cli() runs the real faas-cli binary as a user does: a subprocess in its own process group, cwd a
// project directory, HOME a temp dir, OPENFAAS_URL the faasd gateway, stdin from a string, stdout
// and stderr captured apart. write_function() writes a dockerfile-language function that builds
// in about a second without pulling anything: FROM scratch + busybox-static + our fwatchdog (with
// the libraries ldd lists when it is dynamic, as in sanitizer builds).
//
// The destructor stops faasd (which stops the replicas), then containerd, then the registry, and
// removes the directories. Thread-safety: none; use from the test's thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faas/core/env.h"
#include "faas/core/result.h"

#include "registry/registry_fixture.h"
#include "support/containerd_process.h"
#include "support/daemon_process.h"
#include "support/watchdog_process.h"

namespace faas::test {

struct CliRun {
  int code = -1;  // exit code; -1 when killed (timeout) or not started
  std::string out;
  std::string err;
};

struct CliOptions {
  std::string cwd;    // the project directory
  std::string input;  // stdin
  Environment env;    // over the world's CLI environment (an empty value removes the variable)
  std::chrono::seconds timeout{180};
};

class FaasdWorld {
 public:
  // Empty when this machine can run the suite, else why not (not root, no containerd, ...).
  static std::string missing_prerequisite();
  static Result<std::unique_ptr<FaasdWorld>> start();
  FaasdWorld(const FaasdWorld&) = delete;
  FaasdWorld& operator=(const FaasdWorld&) = delete;
  ~FaasdWorld();

  std::string gateway() const;                               // http://127.0.0.1:PORT
  const std::string& registry() const { return registry_; }  // 127.0.0.1:PORT
  const DaemonProcess& faasd() const { return *faasd_; }
  const std::string& dir() const { return dir_.path(); }
  const Environment& env() const { return env_; }  // what faas-cli runs with

  CliRun cli(const std::vector<std::string>& args, const CliOptions& options) const;

  // A faas-cli still running (e.g. `logs` following), its output in files read as it grows.
  struct Running {
    pid_t pid = -1;  // also its process group
    std::string out_path;
    std::string err_path;
    std::string out() const;
  };
  Result<Running> spawn_cli(const std::vector<std::string>& args, const CliOptions& options) const;
  // Waits for it to exit (killing its group after options.timeout) and collects its output.
  CliRun finish(const Running& running, std::chrono::milliseconds timeout) const;
  // A function's build context in dir (created): Dockerfile, rootfs/, handler.sh (prints the
  // request's method, query, content type, X-Foo header and $GREETING, a marker on stderr, then
  // echoes the body) and probe.sh (prints writable or read-only for the root file system).
  Result<void> write_function(const std::string& dir) const;

 private:
  explicit FaasdWorld(TempDir dir) : dir_(std::move(dir)) {}
  Result<void> make_rootfs();

  TempDir dir_;
  std::unique_ptr<DockerRegistry> docker_registry_;
  std::unique_ptr<ContainerdProcess> containerd_;
  std::unique_ptr<DaemonProcess> faasd_;
  std::string registry_;
  Environment env_;
};

}  // namespace faas::test
