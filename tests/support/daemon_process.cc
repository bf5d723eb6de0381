#include "support/daemon_process.h"

#include <algorithm>

#include <fcntl.h>
#include <gtest/gtest.h>

#include <iostream>

#include "faas/core/base64.h"
#include "support/spawn.h"

namespace faas::test {



std::string faasd_path() { return env_or("FAAS_BIN_DIR", own_directory() + "/../bin") + "/faasd"; }

Result<std::unique_ptr<DaemonProcess>> DaemonProcess::start(Options options) {
  auto dir = TempDir::create("faasd");
  if (!dir) return dir.error();
  Environment env = inherited_environment();
  env["TMPDIR"] = dir->path();
  for (auto& [k, v] : options.env) env[k] = v;
  std::vector<std::string> argv{faasd_path()};
  for (auto& a : options.args) argv.push_back(a == "{dir}" ? dir->path() : a);

  std::string log_path = dir->file("faasd.log");
  Spawner s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&s.actions, 1, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&s.actions, 1, 2);
  auto pid = s.spawn(argv, env);
  if (!pid) return pid.error();
  std::unique_ptr<DaemonProcess> d(new DaemonProcess(std::move(*dir), *pid));
  if (auto r = d->wait_port(options.port_label); !r) return r.error();
  return d;
}

Result<std::unique_ptr<DaemonProcess>> DaemonProcess::up(std::vector<std::string> extra,
                                                         Environment env) {
  Options o{.args = {"up", "--state-dir", "{dir}", "--port", "0", "--bind", "127.0.0.1"},
            .env = std::move(env)};
  // The process runtime unless the test picks one: these tests are about the gateway.
  if (std::find(extra.begin(), extra.end(), "--runtime") == extra.end()) {
    o.args.insert(o.args.end(), {"--runtime", "process"});
  }
  for (auto& a : extra) o.args.push_back(std::move(a));
  return start(std::move(o));
}

Result<void> DaemonProcess::wait_port(const std::string& label) {
  auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
  for (;;) {
    std::string text = log();
    if (auto port = number_after(text, label)) {
      port_ = static_cast<std::uint16_t>(*port);
      return {};
    }
    if (!running()) return invalid_argument("faasd exited during start-up; log:\n" + text);
    if (std::chrono::steady_clock::now() >= deadline) {
      return invalid_argument("faasd did not report its port; log:\n" + text);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string DaemonProcess::authorization() const {
  auto user = read_file(dir() + "/secrets/basic-auth-user");
  auto password = read_file(dir() + "/secrets/basic-auth-password");
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  };
  return "Basic " + base64_encode(trim(user) + ":" + trim(password));
}

std::string DaemonProcess::log() const { return read_file(dir_.file("faasd.log")); }

bool DaemonProcess::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (log().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

void DaemonProcess::signal(int sig) const {
  if (!wait_status_) ::kill(pid_, sig);
}

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (!wait_status_) wait_status_ = wait_pid(pid_, timeout);
  return wait_status_;
}

bool DaemonProcess::running() {
  if (wait_status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    wait_status_ = status;
    return false;
  }
  return true;
}

DaemonProcess::~DaemonProcess() {
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::milliseconds(15'000))) {
      ::kill(pid_, SIGKILL);
      wait_exit(kWaitTimeout);
    }
  }
  if (::testing::Test::HasFailure()) {
    std::string text = log();
    if (text.size() > 32 * 1024) text = "...\n" + text.substr(text.size() - 32 * 1024);
    std::cerr << "---- faasd log (" << dir_.path() << ") ----\n" << text << "---- end of faasd log ----\n";
  }
}

}  // namespace faas::test
