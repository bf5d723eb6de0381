// HttpHandler (mode=http): starts the function's own HTTP server once and reverse-proxies every
// request to it over a keep-alive pool.
//
// - Ready only once the upstream accepts a TCP connection (OpenFaaS of-watchdog#92 reports ready
//   as soon as it starts listening itself, so early calls fail).
// - Bodies stream both ways with back-pressure; SSE, NDJSON and chunked responses are forwarded chunk
//   by chunk as they arrive; `Upgrade` (WebSocket) requests become a byte tunnel.
// - exec_timeout, lowered per request by `X-Timeout`, bounds each call: 504 if no response header
//   arrived in time. An unreachable or failing upstream: 502. Both carry X-OpenFaaS-Internal.
// - If the upstream process exits, the watchdog exits with its status so the container runtime
//   restarts the replica, as of-watchdog does (documented in src/watchdog/README.md).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "exchange.h"
#include "faas/core/env.h"
#include "faas/http/reverse_proxy.h"
#include "faas/os/child_process.h"
#include "faas/watchdog/config.h"

namespace faas::watchdog {

class HttpHandler final : public Handler {
 public:
  using ExitCallback = std::function<void(int exit_code)>;
  HttpHandler(const WatchdogConfig& config, Environment env, http::tcp::endpoint upstream,
              http::Sweeper& sweeper, ExitCallback on_upstream_exit);
  ~HttpHandler() override;

  http::awaitable<bool> start() override;
  http::awaitable<void> serve(Exchange& x) override;
  http::awaitable<void> stop() override;
  bool ready() const override { return ready_; }


 private:
  http::awaitable<void> supervise(std::shared_ptr<os::ChildProcess> child);
  http::awaitable<void> wait_until_accepting();
  http::awaitable<void> report(Exchange& x, const http::ProxyResult& result);

  const WatchdogConfig& config_;
  Environment env_;
  http::tcp::endpoint upstream_;
  http::ConnectionPool pool_;
  ExitCallback on_exit_;
  std::shared_ptr<os::ChildProcess> child_;
  bool ready_ = false;
  bool stopping_ = false;
};

// Parses an X-Timeout value (Go duration or seconds). nullopt when absent or invalid.
std::optional<std::chrono::nanoseconds> parse_x_timeout(std::string_view value);

}  // namespace faas::watchdog
