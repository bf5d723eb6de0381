// ChildProcess: a spawned program and everything needed to stop and reap it.
//
// Spawned with posix_spawn (safe in a threaded process), optionally in its own process group so a
// timeout can kill the whole tree, with an explicit argv/envp and the caller's fds as stdio. A pidfd
// lets the exit be awaited on an Asio executor. The destructor SIGKILLs the group and reaps, so no
// code path leaves a zombie or an orphaned tree.
// Thread-safety: none; use from one executor.
#pragma once

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "faas/core/result.h"
#include "faas/core/unique_fd.h"

namespace faas::os {

struct ExitStatus {
  int code = 0;    // exit code when exited normally
  int signal = 0;  // terminating signal, 0 if exited normally
  bool success() const { return signal == 0 && code == 0; }
  // Go's os/exec wording, which OpenFaaS users see in error bodies: "exit status 2",
  // "signal: killed".
  std::string describe() const;
};

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  std::vector<std::string> env;   // "K=V"; the child's whole environment
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;             // -1: /dev/null
  int stderr_fd = -1;             // -1: /dev/null
  bool new_process_group = true;
};

class ChildProcess {
 public:
  static Result<ChildProcess> spawn(const SpawnOptions& options);

  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  bool exited() const { return status_.has_value(); }

  // Sends sig to the process group (or the process when it has none). No-op after reaping.
  void kill_group(int sig);
  void signal(int sig);

  // Non-blocking: the exit status if the child has exited (and reaps it).
  std::optional<ExitStatus> try_wait();
  // Blocks until exit.
  ExitStatus wait();
  // Completes on ex when the child exits; never throws.
  boost::asio::awaitable<ExitStatus> async_wait(boost::asio::any_io_executor ex);

 private:
  ChildProcess(pid_t pid, UniqueFd pidfd, bool group) : pid_(pid), pidfd_(std::move(pidfd)), group_(group) {}
  void kill_and_reap();

  pid_t pid_ = -1;
  UniqueFd pidfd_;
  bool group_ = false;
  std::optional<ExitStatus> status_;
};

// Splits a command line on spaces, as OpenFaaS watchdogs do (no shell, no quoting).
std::vector<std::string> split_command(const std::string& command);

}  // namespace faas::os
