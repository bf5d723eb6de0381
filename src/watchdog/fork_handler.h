// ForkHandler: one process per request (modes streaming, serializing and classic).
//
// The request body is streamed to the child's stdin while its stdout is read, so neither side can
// deadlock on a full pipe and memory stays flat whatever the body size:
//   streaming   stdout goes to the client as it is produced (chunked). The status is held back until
//               the first byte, so a function that fails before writing gets a 500 with the tail of
//               its stderr instead of OpenFaaS's empty 200.
//   serializing stdout is buffered; 200 with X-Duration-Seconds, or 500 with the error.
//   classic     as OpenFaaS's classic watchdog: combine_output, marshal_request, cgi_headers,
//               408 "Killed process." on exec_timeout, Content-Type echoed by default.
// The child runs in its own process group; exec_timeout and the end of the request kill the group.
#pragma once

#include <memory>

#include "exchange.h"
#include "faas/core/env.h"
#include "faas/watchdog/config.h"

namespace faas::watchdog {

class ForkHandler final : public Handler {
 public:
  ForkHandler(const WatchdogConfig& config, Environment base_env);
  http::awaitable<void> serve(Exchange& x) override;

 private:
  const WatchdogConfig& config_;
  Environment base_env_;
};

// {"header":{"header":{...}},"body":{"raw":"<base64>"}}: the classic watchdog's marshal_request
// document (Go's encoding of its MarshalReq struct).
std::string marshal_request(const http::RequestHeader& req, std::string_view body);

}  // namespace faas::watchdog
