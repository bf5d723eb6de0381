#include "faas/provider/notifier.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace faas::provider {

namespace net = boost::asio;

void Notifier::notify() {
  for (auto* t : waiters_) t->cancel();
}

net::awaitable<Notifier::Wake> Notifier::wait_until(Clock::time_point deadline) {
  net::steady_timer timer(ex_, deadline);
  // Unregisters also when the frame is destroyed without resuming (io_context destroyed first).
  struct Registration {
    std::list<net::steady_timer*>& list;
    std::list<net::steady_timer*>::iterator it;
    ~Registration() { list.erase(it); }
  } registration{waiters_, waiters_.insert(waiters_.end(), &timer)};
  auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  auto state = co_await net::this_coro::cancellation_state;
  if (state.cancelled() != net::cancellation_type::none) co_return Wake::kCancelled;
  co_return ec == net::error::operation_aborted ? Wake::kNotified : Wake::kDeadline;
}

}  // namespace faas::provider
