// Exchange: one request/response on a client connection, handed to the mode's handler after the
// request header has been read. The handler reads the body through `parser`, writes exactly one
// response, and reports what happened for metrics, the access log and keep-alive.
#pragma once

#include <chrono>
#include <string>

#include "faas/http/sweeper.h"
#include "faas/http/types.h"

namespace faas::watchdog {

struct Exchange {
  http::beast::tcp_stream& stream;
  http::beast::flat_buffer& buffer;
  http::RequestParser& parser;
  // Deadline for the client connection, swept without per-operation timers (http mode uses it;
  // fork modes use the stream's own expiry, since a spawn dwarfs a timer syscall).
  http::Sweeper::Watch& watch;
  std::chrono::steady_clock::time_point start;
  // Results, set by the handler.
  unsigned status = 0;
  std::uint64_t response_bytes = 0;
  bool keep_alive = true;  // false: close the connection after this exchange

  const http::RequestParser::value_type& request() const { return parser.get(); }
  unsigned version() const { return parser.get().version(); }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// Answers a failure the platform (not the function) caused: plain text, X-OpenFaaS-Internal:
// fwatchdog, and the connection is closed afterwards (the request body may be unread).
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
