#include "faas/http/sweeper.h"

#include "faas/core/log.h"

namespace faas::http {

Sweeper::Sweeper(const net::any_io_executor& ex, Clock::duration tick) : timer_(ex), tick_(tick) {}

awaitable<void> Sweeper::run() {
  while (!stopped_) {
    timer_.expires_after(tick_);
    co_await timer_.async_wait(use_nothrow);
    if (stopped_) break;
    sweep(Clock::now());
    flush_log();  // batched access-log lines are at most a tick late
  }
  flush_log();
}

void Sweeper::stop() {
  stopped_ = true;
  timer_.cancel();
}

void Sweeper::sweep(Clock::time_point now) {
  for (Watch* w : watches_) {
    if (!w->expired_ && w->deadline_ <= now) {
      w->expired_ = true;
      error_code ignored;
      w->socket_.close(ignored);  // pending operations complete with operation_aborted
    }
  }
}

Sweeper::Watch::Watch(Sweeper& sweeper, tcp::socket& socket) : sweeper_(sweeper), socket_(socket) {
  sweeper_.watches_.push_front(this);
  self_ = sweeper_.watches_.begin();
}

Sweeper::Watch::~Watch() { sweeper_.watches_.erase(self_); }

}  // namespace faas::http
