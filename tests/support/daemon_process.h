// DaemonProcess: the real faasd binary (`faasd up`, `faasd gateway`, `faasd provider`), started
// for one integration test with a private state directory, its output in a log file.
//
// start() returns once the daemon has logged the port it serves on (the number after
// `port_label`). The destructor sends SIGTERM (a graceful stop that also stops the function
// replicas), SIGKILLs it if it lingers, reaps it, and prints the log if the test failed.
// Thread-safety: none; use from the test's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "faas/core/env.h"
#include "faas/core/result.h"
#include "support/watchdog_process.h"

namespace faas::test {

// $FAAS_BIN_DIR/faasd
std::string faasd_path();

class DaemonProcess {
 public:
  struct Options {
    std::vector<std::string> args;  // after the binary, e.g. {"up", "--port", "0"}
    Environment env;                // over the test's own environment
    std::string port_label = "Gateway URL: http://127.0.0.1:";
  };

  static Result<std::unique_ptr<DaemonProcess>> start(Options options);
  // `faasd up --state-dir <private dir> --port 0 --bind 127.0.0.1` plus `extra` arguments.
  static Result<std::unique_ptr<DaemonProcess>> up(std::vector<std::string> extra = {},
                                                   Environment env = {});
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;
  ~DaemonProcess();

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  // The private directory (used as --state-dir by up()).
  const std::string& dir() const { return dir_.path(); }
  // "Basic base64(user:password)" from dir()/secrets, for faasd up.
  std::string authorization() const;

  std::string log() const;
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout = kWaitTimeout) const;
  void signal(int sig) const;
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kWaitTimeout);
  bool running();

 private:
  DaemonProcess(TempDir dir, pid_t pid) : dir_(std::move(dir)), pid_(pid) {}
  Result<void> wait_port(const std::string& label);

  TempDir dir_;
  pid_t pid_ = -1;
  std::optional<int> wait_status_;
  std::uint16_t port_ = 0;
};

}  // namespace faas::test
