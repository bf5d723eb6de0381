// Helpers for the faasd integration tests: authenticated management calls and waiting for a
// function's replicas, against a real faasd on loopback.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "faas/api/json.h"
#include "support/daemon_process.h"
#include "support/http_client.h"

namespace faas::test {

// Sends a request with the daemon's basic-auth credentials.
inline Result<Response> admin(const DaemonProcess& d, std::string method, std::string target,
                              std::string body = {}) {
  Request r{.method = std::move(method), .target = std::move(target), .body = std::move(body)};
  r.headers.emplace_back("Authorization", d.authorization());
  return http_request(d.port(), r, std::chrono::seconds(30));
}

// Polls /system/function/<name> until availableReplicas == want (and replicas == want).
inline bool wait_available(const DaemonProcess& d, const std::string& name, std::uint64_t want,
                           std::chrono::milliseconds timeout = kWaitTimeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto r = admin(d, "GET", "/system/function/" + name); r && r->status == 200) {
      if (auto st = api::parse_function_status(r->body);
          st && st->available_replicas == want && st->replicas == want) {
        return true;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// A deployment JSON for a function run by fwatchdog with this fprocess (and extra fields).
inline std::string deployment(const std::string& name, const std::string& fprocess,
                              const std::string& extra = "") {
  return R"({"service":")" + name + R"(","image":"local/)" + name + R"(:latest","envProcess":")" +
         fprocess + "\"" + (extra.empty() ? "" : "," + extra) + "}";
}

}  // namespace faas::test
