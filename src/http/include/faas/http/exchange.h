// Exchange: one request/response on a server connection, handed to a handler after the request
// header has been read. The handler reads the body through `parser`, writes exactly one response,
// and reports what happened for metrics, the access log and keep-alive. Shared by fwatchdog and
// the gateway; lives on the connection's executor.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "faas/http/body.h"
#include "faas/http/sweeper.h"
#include "faas/http/types.h"

namespace faas::http {

struct Exchange {
  beast::tcp_stream& stream;
  beast::flat_buffer& buffer;
  RequestParser& parser;
  // Deadline for the client connection, swept without per-operation timers (the proxy uses it;
  // fork modes use the stream's own expiry, since a spawn dwarfs a timer syscall).
  Sweeper::Watch& watch;
  std::chrono::steady_clock::time_point start;
  tcp::endpoint peer;  // the client's address (read once per connection)
  // Results, set by the handler.
  unsigned status = 0;
  std::uint64_t response_bytes = 0;
  bool keep_alive = true;  // false: close the connection after this exchange

  const RequestParser::value_type& request() const { return parser.get(); }
  unsigned version() const { return parser.get().version(); }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// Answers a failure the platform (not the function) caused: plain text, `X-OpenFaaS-Internal:
// <who>`, plus `extra` headers, and the connection is closed afterwards (the request body may be
// unread).
awaitable<void> respond_internal(Exchange& x, bhttp::status status, std::string body,
                                 std::string_view who, HeaderList extra = {});

}  // namespace faas::http
