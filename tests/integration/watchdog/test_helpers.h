// Small conveniences shared by the fwatchdog integration tests.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "faas/core/env.h"

#include "support/http_client.h"
#include "support/watchdog_process.h"

namespace faas::test {

// Starts fwatchdog with env; on failure records the reason and returns null (ASSERT_TRUE on it).
inline std::unique_ptr<WatchdogProcess> start_watchdog(Environment env, bool wait_healthy = true) {
  auto w = WatchdogProcess::start({.env = std::move(env), .wait_healthy = wait_healthy});
  if (!w) {
    ADD_FAILURE() << "cannot start fwatchdog: " << w.error().message();
    return nullptr;
  }
  return std::move(*w);
}

// "sh <dir>/<name>": a function written as a shell script (fprocess is split on spaces, no shell).
inline std::string shell_function(const TempDir& dir, const std::string& name,
                                  const std::string& script) {
  auto path = dir.write(name, script);
  EXPECT_TRUE(path) << path.error().message();
  return "sh " + (path ? *path : name);
}

// The distinct lines of a text (e.g. `env` output).
inline std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.insert(line);
  return out;
}

template <class T>
std::string error_text(const Result<T>& r) {
  return r ? std::string() : r.error().message();
}

// Waits for a condition that another process will make true; false after the timeout.
template <class Predicate>
bool eventually(Predicate p, std::chrono::milliseconds timeout = kWaitTimeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!p()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace faas::test
