// provider::Notifier: every current waiter wakes on notify(); a waiter otherwise wakes at its
// deadline, or when its coroutine is cancelled; nothing is left registered afterwards.
#include "faas/provider/notifier.h"

#include <optional>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

namespace faas::provider {
namespace {

namespace net = boost::asio;
using Wake = Notifier::Wake;
using namespace std::chrono_literals;

// Spawns a waiter that records how it woke into `out`.
void spawn_waiter(net::io_context& io, Notifier& n, Notifier::Clock::time_point deadline,
                  std::optional<Wake>& out) {
  net::co_spawn(
      io, [&n, deadline, &out]() -> net::awaitable<void> { out = co_await n.wait_until(deadline); },
      net::detached);
}

TEST(Notifier, NotifyWakesEveryCurrentWaiter) {
  net::io_context io;
  Notifier n(io.get_executor());
  std::vector<std::optional<Wake>> woke(3);
  for (auto& w : woke) spawn_waiter(io, n, Notifier::Clock::time_point::max(), w);
  io.run_for(10ms);  // all three are waiting now
  for (const auto& w : woke) EXPECT_FALSE(w.has_value());
  n.notify();
  io.run();  // returns only if every waiter finished
  for (const auto& w : woke) EXPECT_EQ(w, Wake::kNotified);
}

TEST(Notifier, AWaiterWithoutNotifyWakesAtItsDeadline) {
  net::io_context io;
  Notifier n(io.get_executor());
  std::optional<Wake> w;
  spawn_waiter(io, n, Notifier::Clock::now() + 1ms, w);
  io.run();
  EXPECT_EQ(w, Wake::kDeadline);
}

TEST(Notifier, ANotifyBeforeTheWaitDoesNotCount) {
  net::io_context io;
  Notifier n(io.get_executor());
  n.notify();  // nobody waiting: nothing to remember
  std::optional<Wake> w;
  spawn_waiter(io, n, Notifier::Clock::now() + 1ms, w);
  io.run();
  EXPECT_EQ(w, Wake::kDeadline);
}

TEST(Notifier, CancellingTheCoroutineEndsTheWait) {
  net::io_context io;
  Notifier n(io.get_executor());
  net::cancellation_signal cancel;
  std::optional<Wake> w;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        w = co_await n.wait_until(Notifier::Clock::time_point::max());
      },
      net::bind_cancellation_slot(cancel.slot(), net::detached));
  io.run_for(10ms);
  EXPECT_FALSE(w.has_value());
  cancel.emit(net::cancellation_type::terminal);
  io.run();
  EXPECT_EQ(w, Wake::kCancelled);
  // The cancelled waiter is unregistered: a later notify touches nothing.
  n.notify();
}

TEST(Notifier, AWaiterWhoseFrameIsDestroyedUnregisters) {
  auto io = std::make_unique<net::io_context>();
  Notifier n(io->get_executor());
  std::optional<Wake> w;
  spawn_waiter(*io, n, Notifier::Clock::time_point::max(), w);
  io->run_for(10ms);
  io.reset();  // destroys the suspended coroutine frame without resuming it
  EXPECT_FALSE(w.has_value());
  n.notify();  // must not touch the destroyed timer (ASan would report it)
}

}  // namespace
}  // namespace faas::provider
