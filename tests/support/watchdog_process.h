// WatchdogProcess: the real fwatchdog binary, started for one integration test.
//
// start() spawns $FAAS_BIN_DIR/fwatchdog (posix_spawn) on 127.0.0.1 with port=0 and
// metrics_port=0, its own TMPDIR (so its lock file and any files a test function writes are
// private) and the caller's variables on top; stdout and stderr go to a log file the test can
// search. It returns once the watchdog has logged the ports it bound ("Listening on port: N",
// "Metrics listening on port: M") and, by default, once /_/health answers 200.
//
// The destructor stops the watchdog (SIGTERM twice: the second one skips the drain), SIGKILLs it
// if it lingers, reaps it, kills the process group of an http-mode upstream it started, removes the
// TMPDIR, and prints the log if the current test failed.
//
// Also here: TempDir, run_program (for flag tests), /proc memory figures and process liveness.
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

namespace faas::test {

// Generous bound for anything a test waits on (start-up, a state change, an exit).
inline constexpr std::chrono::milliseconds kWaitTimeout{10'000};

// $FAAS_BIN_DIR/fwatchdog and $FAAS_TEST_BIN_DIR/faas-test-upstream (set by faas_add_test).
std::string fwatchdog_path();
std::string upstream_path();

// A fresh directory (mkdtemp) removed with its contents on destruction.
class TempDir {
 public:
  static Result<TempDir> create(std::string_view prefix = "faas-it");
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }
  // path()/name
  std::string file(std::string_view name) const;
  // Writes content to path()/name (creating parent directories); returns the full path.
  Result<std::string> write(std::string_view name, std::string_view content,
                            bool executable = false) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

struct MemoryUsage {
  std::int64_t rss_kib = 0;  // VmRSS
  std::int64_t hwm_kib = 0;  // VmHWM: peak resident set size
};
std::optional<MemoryUsage> read_memory_usage(pid_t pid);

// True once pid no longer runs: no such process, or a zombie nobody has reaped yet.
bool process_gone(pid_t pid);
// Polls process_gone() until it is true or the timeout passes.
bool wait_process_gone(pid_t pid, std::chrono::milliseconds timeout = kWaitTimeout);

struct ProgramResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string output;  // stdout and stderr
};
// Runs argv with exactly env, collects its output, and waits (SIGKILL after the timeout).
Result<ProgramResult> run_program(const std::vector<std::string>& argv, const Environment& env,
                                  std::chrono::milliseconds timeout = kWaitTimeout);

// The test process's environment (PATH, sanitizer options, ...), the base for child environments.
Environment inherited_environment();

class WatchdogProcess {
 public:
  struct Options {
    // Watchdog variables (mode, fprocess, exec_timeout, ...), applied over the defaults
    // TMPDIR=<private dir>, bind_address=127.0.0.1, port=0, metrics_port=0.
    Environment env;
    // Wait until GET /_/health answers 200 before start() returns.
    bool wait_healthy = true;
  };

  static Result<std::unique_ptr<WatchdogProcess>> start(Options options);
  WatchdogProcess(const WatchdogProcess&) = delete;
  WatchdogProcess& operator=(const WatchdogProcess&) = delete;
  ~WatchdogProcess();

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  std::uint16_t metrics_port() const { return metrics_port_; }
  const std::string& tmpdir() const { return tmpdir_.path(); }
  std::string lock_path() const { return tmpdir_.file(".lock"); }

  // Everything the watchdog has logged so far.
  std::string log() const;
  // Polls the log until it contains needle.
  bool wait_for_log(std::string_view needle,
                    std::chrono::milliseconds timeout = kWaitTimeout) const;
  // Polls GET /_/health (or another path) until it answers `status`.
  bool wait_for_status(std::string_view path, int status,
                       std::chrono::milliseconds timeout = kWaitTimeout) const;

  void signal(int sig) const;
  // Waits for the watchdog to exit and reaps it. Returns the raw wait status, nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kWaitTimeout);
  bool running();
  // The http-mode upstream's pid, from the "Started upstream ... pid N" log line.
  std::optional<pid_t> upstream_pid() const;

 private:
  WatchdogProcess(TempDir tmpdir, pid_t pid) : tmpdir_(std::move(tmpdir)), pid_(pid) {}
  Result<void> wait_listening(bool want_metrics);
  void stop();

  TempDir tmpdir_;
  pid_t pid_ = -1;
  std::optional<int> wait_status_;
  std::uint16_t port_ = 0;
  std::uint16_t metrics_port_ = 0;
};

}  // namespace faas::test
