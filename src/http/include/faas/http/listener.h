// Listener: a bound TCP acceptor that hands each accepted connection to a coroutine.
// Runs on one executor; close() stops accepting (in-flight connections are the caller's).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "faas/core/result.h"
#include "faas/http/types.h"

namespace faas::http {

class Listener {
 public:
  using Handler = std::function<awaitable<void>(tcp::socket)>;

  // Binds address:port (port 0 picks a free one) with SO_REUSEADDR and starts listening.
  static Result<Listener> bind(const net::any_io_executor& ex, const std::string& address,
                               std::uint16_t port);

  std::uint16_t port() const { return port_; }
  // Accepts until close(); each connection runs handler(socket) as its own coroutine.
  awaitable<void> run(Handler handler);
  void close();

 private:
  Listener(tcp::acceptor acceptor, std::uint16_t port)
      : acceptor_(std::move(acceptor)), port_(port) {}
  tcp::acceptor acceptor_;
  std::uint16_t port_;
};

// Parses "host:port" or "http://host:port[/...]" into an endpoint; host must be an IP literal or
// "localhost" (no DNS on the data path).
Result<tcp::endpoint> parse_endpoint(std::string_view url, std::uint16_t default_port = 80);

}  // namespace faas::http
