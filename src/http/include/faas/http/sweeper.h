// Sweeper: connection deadlines without a kernel timer per operation.
//
// Beast's tcp_stream arms a timer for every read and write it times out; on Linux each re-arm that
// changes the earliest deadline is a timerfd_settime syscall, which on a small proxied request
// costs as much as the I/O itself. A Watch instead just records when its socket must be closed
// (a store, no syscall); one Sweeper per executor wakes every `tick` and closes the sockets whose
// deadline has passed, so their pending operations fail. Deadlines are therefore honoured with a
// resolution of one tick (50 ms by default), which is plenty for idle and exec timeouts.
// Each tick also writes out batched log lines (faas/core/log.h log_info_batched), the one other
// chore every server needs on a clock.
// Single-threaded: a Sweeper and its Watches belong to one executor.
#pragma once

#include <chrono>
#include <list>

#include <boost/asio/steady_timer.hpp>

#include "faas/http/types.h"

namespace faas::http {

class Sweeper {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Sweeper(const net::any_io_executor& ex,
                   Clock::duration tick = std::chrono::milliseconds(50));
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // Checks deadlines until stop(); run it once, co_spawned on the executor.
  awaitable<void> run();
  void stop();

  // Registers a socket for the Watch's lifetime. Starts with no deadline.
  class Watch {
   public:
    Watch(Sweeper& sweeper, tcp::socket& socket);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    void expires_after(Clock::duration d) { deadline_ = Clock::now() + d; }
    void expires_at(Clock::time_point t) { deadline_ = t; }
    void expires_never() { deadline_ = Clock::time_point::max(); }
    // True once the sweeper closed the socket because the deadline passed.
    bool expired() const { return expired_; }

   private:
    friend class Sweeper;
    Sweeper& sweeper_;
    tcp::socket& socket_;
    Clock::time_point deadline_ = Clock::time_point::max();
    bool expired_ = false;
    std::list<Watch*>::iterator self_;
  };

 private:
  void sweep(Clock::time_point now);

  net::steady_timer timer_;
  Clock::duration tick_;
  std::list<Watch*> watches_;
  bool stopped_ = false;
};

}  // namespace faas::http
