// Sessions: the HTTP/1.1 server side of a connection, shared by fwatchdog and the gateway.
//
// serve() reads request headers one after another on a keep-alive connection and hands each to the
// handler as an Exchange; malformed requests get a 400 and the connection closes. Sessions counts
// live connections and knows which are idle between requests, so a graceful drain can close the
// idle ones at once and wait for the busy ones. Single-threaded: one Sessions per executor.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <set>

#include "faas/http/exchange.h"
#include "faas/http/sweeper.h"
#include "faas/http/types.h"

namespace faas::http {

struct SessionOptions {
  std::chrono::steady_clock::duration read_timeout = std::chrono::seconds(30);   // idle + header
  std::chrono::steady_clock::duration write_timeout = std::chrono::seconds(30);  // 400 answers
  std::size_t header_limit = 1 << 20;  // OpenFaaS's 1 MiB
};

class Sessions {
 public:
  using Handler = std::function<awaitable<void>(Exchange&)>;

  Sessions(Sweeper& sweeper, SessionOptions options, Handler handler)
      : sweeper_(sweeper), options_(options), handler_(std::move(handler)) {}
  Sessions(const Sessions&) = delete;
  Sessions& operator=(const Sessions&) = delete;

  // Serves one accepted connection until it closes, errs, or the drain ends it.
  awaitable<void> serve(tcp::socket socket);
  // No further request is read on any connection; idle connections are closed now.
  void drain();
  // After drain(): waits until every connection has closed or `deadline` passes; the number still
  // open.
  awaitable<int> wait_closed(std::chrono::steady_clock::time_point deadline);
  int active() const { return active_; }
  bool draining() const { return draining_; }

 private:
  Sweeper& sweeper_;
  SessionOptions options_;
  Handler handler_;
  std::set<beast::tcp_stream*> idle_;  // connections waiting for their next request header
  int active_ = 0;
  bool draining_ = false;
};

}  // namespace faas::http
