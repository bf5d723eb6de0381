// Server: the whole fwatchdog process behaviour on one io_context (one thread).
//
// Owns the function listener (:8080) and the metrics listener (:8081), the mode's handler, the
// health/readiness state and the lock file, the max_inflight limiter, and the graceful drain:
// SIGTERM -> not ready, lock removed -> keep serving for healthcheck_interval -> stop accepting ->
// wait up to write_timeout for in-flight requests -> stop the mode (http: SIGTERM the upstream)
// -> exit.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>

#include "faas/core/env.h"
#include "faas/core/result.h"
#include "faas/watchdog/config.h"

namespace faas::watchdog {

class Server {
 public:
  virtual ~Server() = default;
  // Validates the mode's settings and binds both listeners; nothing is served until run().
  static Result<std::unique_ptr<Server>> create(boost::asio::io_context& io, WatchdogConfig config,
                                                Environment env);
  // Serves until drained or fatally stopped; returns the process exit code.
  virtual int run() = 0;
  virtual std::uint16_t port() const = 0;
  virtual int metrics_port() const = 0;
};

}  // namespace faas::watchdog
