// ContainerdHost: the containerd that `faasd up` runs functions on. A containerd already answering
// on the system socket is used as it is (and left running); otherwise faasd starts its own
// ("embedded"), with root, state and socket under <state-dir>/containerd, and stops it on exit.
//
// The embedded containerd runs in its own process group and is not tied to faasd's life: after
// `kill -9` of faasd it keeps the function tasks supervised, and the next `faasd up` on the same
// state dir finds its socket answering and adopts it (its pid is in containerd.pid).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <sys/types.h>

#include "faas/core/result.h"
#include "faas/os/child_process.h"

namespace faas::daemon {

class ContainerdHost {
 public:
  // system_socket answering: use it. Else start or adopt the embedded one under state_dir.
  // kUnavailable when neither works (no containerd binary, not root, start-up failed: the
  // message names the cause and the log file).
  static Result<std::unique_ptr<ContainerdHost>> open(const std::string& system_socket,
                                                      const std::string& state_dir);
  ~ContainerdHost();
  ContainerdHost(const ContainerdHost&) = delete;
  ContainerdHost& operator=(const ContainerdHost&) = delete;

  const std::string& socket() const { return socket_; }
  // True when faasd owns this containerd (started or adopted it): its functions stop with it.
  bool embedded() const { return embedded_; }
  // Stops an embedded containerd (SIGTERM, SIGKILL after 10 s); no-op for the system one.
  void stop();

  // True if something accepts connections on the unix socket at path.
  static bool answers(const std::string& path);
  // The containerd binary open() would start; empty when none is installed.
  static std::string binary();

 private:
  ContainerdHost(std::string socket, bool embedded)
      : socket_(std::move(socket)), embedded_(embedded) {}

  std::string socket_;
  bool embedded_ = false;
  std::string pid_file_;
  std::optional<os::ChildProcess> child_;  // when started by this process
  pid_t adopted_pid_ = 0;                  // when adopted from an earlier faasd
};

}  // namespace faas::daemon
