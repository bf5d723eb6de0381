// Notifier: a broadcast wake-up for coroutines on one executor ("something changed, look again").
// Shared by both runtimes (process and containerd providers).
// Waiters re-check their own condition after every wake-up, so spurious wake-ups are harmless.
#pragma once

#include <chrono>
#include <list>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace faas::provider {

class Notifier {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Wake { kNotified, kDeadline, kCancelled };

  explicit Notifier(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Wakes every coroutine currently in wait_until().
  void notify();
  // Until the next notify(), the deadline, or cancellation of the awaiting coroutine (through its
  // co_spawn cancellation slot). The Notifier must outlive the wait.
  boost::asio::awaitable<Wake> wait_until(Clock::time_point deadline);

 private:
  boost::asio::any_io_executor ex_;
  std::list<boost::asio::steady_timer*> waiters_;
};

}  // namespace faas::provider
