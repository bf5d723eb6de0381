// Process helpers shared by the test harnesses (WatchdogProcess, DaemonProcess): spawning a child
// with default signal state, waiting for it with a bound, and reading its log.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::test {

// The directory of the running test binary (defined in watchdog_process.cc).
std::string own_directory();

inline constexpr auto kPollInterval = std::chrono::milliseconds(10);

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The number after `label` in text (e.g. "Listening on port: 1234"), if present.
inline std::optional<long> number_after(const std::string& text, std::string_view label) {
  auto at = text.find(label);
  if (at == std::string::npos) return std::nullopt;
  at += label.size();
  auto end = text.find_first_not_of("0123456789", at);
  if (end == at || end == std::string::npos)
    return std::nullopt;  // the line is still being written
  return std::stol(text.substr(at, end - at));
}

inline std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// posix_spawn attributes every child of a test gets: the default signal mask and dispositions.
struct Spawner {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  Spawner() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigfillset(&defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~Spawner() {
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  Result<pid_t> spawn(const std::vector<std::string>& argv, const Environment& env) {
    auto envp_strings = to_envp(env);
    auto args = c_strings(argv);
    auto envp = c_strings(envp_strings);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), envp.data());
    if (rc != 0) return errno_error(rc, "spawn " + argv[0]);
    return pid;
  }
};

inline std::optional<int> wait_pid(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}


}  // namespace faas::test
