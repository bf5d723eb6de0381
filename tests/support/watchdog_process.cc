#include "support/watchdog_process.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/http_client.h"
#include "support/spawn.h"

namespace faas::test {


// Without the ctest environment, the build tree's layout: tests in <build>/tests, binaries in
// <build>/bin.
std::string own_directory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

std::string fwatchdog_path() {
  return env_or("FAAS_BIN_DIR", own_directory() + "/../bin") + "/fwatchdog";
}
std::string upstream_path() {
  return env_or("FAAS_TEST_BIN_DIR", own_directory()) + "/faas-test-upstream";
}

Environment inherited_environment() { return current_environment(); }

// --- TempDir ---

Result<TempDir> TempDir::create(std::string_view prefix) {
  std::string base = env_or("TMPDIR", "/tmp");
  std::string pattern = base + "/" + std::string(prefix) + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return errno_error(errno, "mkdtemp " + pattern);
  return TempDir(std::move(pattern));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, std::string())) {}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::file(std::string_view name) const { return path_ + "/" + std::string(name); }

Result<std::string> TempDir::write(std::string_view name, std::string_view content,
                                   bool executable) const {
  std::string full = file(name);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(full).parent_path(), ec);
  {
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) return invalid_argument("cannot write " + full);
  }
  if (executable && ::chmod(full.c_str(), 0755) != 0) return errno_error(errno, "chmod " + full);
  return full;
}

// --- /proc helpers ---

std::optional<MemoryUsage> read_memory_usage(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return std::nullopt;
  MemoryUsage m;
  bool rss = false, hwm = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmRSS:")) {
      m.rss_kib = std::stoll(line.substr(6));
      rss = true;
    } else if (line.starts_with("VmHWM:")) {
      m.hwm_kib = std::stoll(line.substr(6));
      hwm = true;
    }
  }
  if (!rss || !hwm) return std::nullopt;
  return m;
}

bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  // Still signalable: it may be a zombie waiting for its (possibly non-reaping) new parent.
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  auto paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state == 'Z' || state == 'X';
}

bool wait_process_gone(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!process_gone(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

// --- run_program ---

Result<ProgramResult> run_program(const std::vector<std::string>& argv, const Environment& env,
                                  std::chrono::milliseconds timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error(errno, "pipe");
  Spawner s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&s.actions, fds[1], 2);
  auto pid = s.spawn(argv, env);
  ::close(fds[1]);
  if (!pid) {
    ::close(fds[0]);
    return pid.error();
  }
  ProgramResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{.fd = fds[0], .events = POLLIN, .revents = 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      ::kill(*pid, SIGKILL);
      break;
    }
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// --- WatchdogProcess ---

Result<std::unique_ptr<WatchdogProcess>> WatchdogProcess::start(Options options) {
  auto tmp = TempDir::create("fwatchdog");
  if (!tmp) return tmp.error();
  Environment env = inherited_environment();
  env["TMPDIR"] = tmp->path();
  env["bind_address"] = "127.0.0.1";
  env["port"] = "0";
  env["metrics_port"] = "0";
  for (auto& [k, v] : options.env) env[k] = v;
  const bool want_metrics = env["metrics_port"] != "-1";

  std::string log_path = tmp->file("fwatchdog.log");
  Spawner s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&s.actions, 1, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&s.actions, 1, 2);
  auto pid = s.spawn({fwatchdog_path()}, env);
  if (!pid) return pid.error();
  std::unique_ptr<WatchdogProcess> w(new WatchdogProcess(std::move(*tmp), *pid));
  if (auto r = w->wait_listening(want_metrics); !r) return r.error();
  if (options.wait_healthy && !w->wait_for_status("/_/health", 200)) {
    return invalid_argument("fwatchdog never became healthy; log:\n" + w->log());
  }
  return w;
}

Result<void> WatchdogProcess::wait_listening(bool want_metrics) {
  auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
  for (;;) {
    std::string text = log();
    auto port = number_after(text, "Listening on port: ");
    auto metrics = number_after(text, "Metrics listening on port: ");
    if (port && (metrics || !want_metrics)) {
      port_ = static_cast<std::uint16_t>(*port);
      metrics_port_ = static_cast<std::uint16_t>(metrics.value_or(0));
      return {};
    }
    if (!running()) return invalid_argument("fwatchdog exited during start-up; log:\n" + text);
    if (std::chrono::steady_clock::now() >= deadline) {
      return invalid_argument("fwatchdog did not report its ports; log:\n" + text);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string WatchdogProcess::log() const { return read_file(tmpdir_.file("fwatchdog.log")); }

bool WatchdogProcess::wait_for_log(std::string_view needle,
                                   std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (log().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

bool WatchdogProcess::wait_for_status(std::string_view path, int status,
                                      std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto r = http_request(port_, {.method = "GET", .target = std::string(path)},
                          std::chrono::milliseconds(2000));
    if (r && r->status == status) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

void WatchdogProcess::signal(int sig) const {
  if (!wait_status_) ::kill(pid_, sig);
}

std::optional<int> WatchdogProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (!wait_status_) wait_status_ = wait_pid(pid_, timeout);
  return wait_status_;
}

bool WatchdogProcess::running() {
  if (wait_status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    wait_status_ = status;
    return false;
  }
  return true;
}

std::optional<pid_t> WatchdogProcess::upstream_pid() const {
  std::string text = log();
  auto at = text.find("Started upstream");
  if (at == std::string::npos) return std::nullopt;
  auto pid = number_after(text.substr(at), ") pid ");
  if (!pid) return std::nullopt;
  return static_cast<pid_t>(*pid);
}

void WatchdogProcess::stop() {
  if (!running()) return;
  // The first SIGTERM starts a drain; a second one makes the watchdog stop at once (and tear down
  // its children). Signals sent back to back can merge, so wait for the first to be noticed.
  ::kill(pid_, SIGTERM);
  wait_for_log("SIGTERM received", std::chrono::milliseconds(2000));
  ::kill(pid_, SIGTERM);
  if (!wait_exit(std::chrono::milliseconds(5000))) {
    ::kill(pid_, SIGKILL);
    wait_exit(kWaitTimeout);
  }
}

WatchdogProcess::~WatchdogProcess() {
  auto upstream = upstream_pid();
  stop();
  // Whatever happened to the watchdog, its upstream (own process group) must not outlive the test.
  if (upstream && !process_gone(*upstream)) ::kill(-*upstream, SIGKILL);
  if (::testing::Test::HasFailure()) {
    std::string text = log();
    if (text.size() > 32 * 1024) text = "...\n" + text.substr(text.size() - 32 * 1024);
    std::cerr << "---- fwatchdog log (" << tmpdir_.path() << ") ----\n"
              << text << "---- end of fwatchdog log ----\n";
  }
}

}  // namespace faas::test
