// The reverse proxy shared by fwatchdog's http mode and the gateway's invocation path.
//
// forward() sends one Exchange's request to an upstream over a pooled keep-alive connection and
// streams the answer back. The request body goes up while the response comes down, concurrently,
// so an upstream that answers while still reading (an echo, a transcoder) cannot deadlock against
// us; nothing is buffered unless asked (SSE, NDJSON, chunked and multi-GB bodies pass piece by
// piece with back-pressure). tunnel() turns an `Upgrade` request (WebSocket) into a byte tunnel.
//
// Failures before any response byte reached the client come back as a ProxyResult for the caller
// to answer in its own words (fwatchdog and the gateway phrase and tag them differently); after
// that, the only honest signal left is closing the client connection, which forward() arranges.
// Single-threaded: a pool and its connections belong to one executor.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faas/core/result.h"
#include "faas/core/unique_fd.h"
#include "faas/http/exchange.h"
#include "faas/http/sweeper.h"
#include "faas/http/types.h"

namespace faas::http {

// Keep-alive connections to one upstream endpoint.
class ConnectionPool {
 public:
  struct Conn {
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    Sweeper::Watch watch;
    Conn(const net::any_io_executor& ex, Sweeper& sweeper);
  };

  // Makes the socket a new connection uses (family AF_INET/AF_INET6), for upstreams that are
  // only reachable from inside another network namespace (a replica's loopback). Empty: an
  // ordinary socket of this process.
  using SocketOpener = std::function<Result<UniqueFd>(int family)>;

  ConnectionPool(Sweeper& sweeper, tcp::endpoint endpoint, std::size_t max_idle = 128,
                 SocketOpener opener = {})
      : sweeper_(sweeper), endpoint_(std::move(endpoint)), max_idle_(max_idle),
        opener_(std::move(opener)) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection (reused = true) or a new one (connect bounded by 10 s); nullptr and `ec` on
  // failure.
  awaitable<std::unique_ptr<Conn>> acquire(bool& reused, error_code& ec);
  // Back to the idle list (when there is room and the pool is not closed).
  void release(std::unique_ptr<Conn> conn);
  // Drops idle connections; with `close_for_good`, later releases are dropped too.
  void clear(bool close_for_good = false);

  const tcp::endpoint& endpoint() const { return endpoint_; }
  // Calls currently using a connection of this pool (least-inflight balancing).
  int inflight() const { return inflight_; }

 private:
  friend struct InflightGuard;
  Sweeper& sweeper_;
  tcp::endpoint endpoint_;
  std::size_t max_idle_;
  SocketOpener opener_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int inflight_ = 0;
  bool closed_ = false;
};

struct ProxyOptions {
  using Clock = std::chrono::steady_clock;
  // No response header by then: kTimeout. nullopt: no limit.
  std::optional<Clock::time_point> deadline;
  Clock::duration read_timeout = std::chrono::seconds(30);   // each client body read
  Clock::duration write_timeout = std::chrono::seconds(30);  // each client write
  std::string target;  // request-target sent upstream; empty: the client's own
  bool buffer_body = false;  // read the whole body first, send it with Content-Length
  std::size_t max_buffered_body = 64 << 20;
  HeaderList request_headers;  // set on the upstream request, replacing same-named ones
  // Called with the response header before it goes to the client (add X-Duration-Seconds...).
  std::function<void(bhttp::response<bhttp::buffer_body>&)> on_response;
};

struct ProxyResult {
  enum class Outcome {
    kDone,            // a response was relayed (x.status tells which); or the client is gone
    kBadRequest,      // buffer_body: the client's body could not be read or was too large
    kConnectFailed,   // no connection to the upstream
    kUpstreamFailed,  // the upstream failed before sending a response header
    kTimeout,         // no response header before the deadline
  };
  Outcome outcome = Outcome::kDone;
  std::string detail;  // the error's text, for the caller's message
  bool ok() const { return outcome == Outcome::kDone; }
};

awaitable<ProxyResult> forward(Exchange& x, ConnectionPool& pool, ProxyOptions options);

// Upgrade requests (WebSocket): the handshake goes up on a fresh connection; on 101 the
// connection becomes a byte tunnel both ways until either side closes; any other answer is
// relayed as a normal response. x.keep_alive is false afterwards.
awaitable<ProxyResult> tunnel(Exchange& x, ConnectionPool& pool, ProxyOptions options);

}  // namespace faas::http
