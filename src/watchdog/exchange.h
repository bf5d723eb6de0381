// The watchdog's view of an exchange (faas/http/exchange.h) and the interface every mode implements.
#pragma once

#include <chrono>
#include <string>

#include "faas/http/exchange.h"

namespace faas::watchdog {

using Exchange = http::Exchange;

// Answers a failure the platform (not the function) caused, tagged X-OpenFaaS-Internal: fwatchdog.
http::awaitable<void> respond_internal(Exchange& x, http::bhttp::status status, std::string body);

// One mode's request handling. Implementations never throw.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual http::awaitable<void> serve(Exchange& x) = 0;
  // Called once before the server accepts traffic (e.g. http mode starts its upstream).
  virtual http::awaitable<bool> start() { co_return true; }
  // Called at the end of a graceful drain, after in-flight requests finished.
  virtual http::awaitable<void> stop() { co_return; }
  // True once the mode can serve (http mode: the upstream accepts connections).
  virtual bool ready() const { return true; }
};

}  // namespace faas::watchdog
