// on_pool: runs a blocking function (SQLite, a netns socket, a pull) on a thread pool and resumes
// the awaiting coroutine on its own executor with the result, so no io thread blocks.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace faas::containerd_provider::detail {

template <class F>
auto on_pool(boost::asio::thread_pool& pool, F f)
    -> boost::asio::awaitable<decltype(f())> {
  namespace net = boost::asio;
  using R = decltype(f());
  return net::async_initiate<const net::use_awaitable_t<>&, void(R)>(
      [&pool](auto handler, F fn) {
        auto work = net::make_work_guard(net::get_associated_executor(handler));
        net::post(pool, [h = std::move(handler), fn = std::move(fn), work = std::move(work)]() mutable {
          R result = fn();
          auto ex = work.get_executor();
          net::post(ex, [h = std::move(h), r = std::move(result)]() mutable { std::move(h)(std::move(r)); });
        });
      },
      net::use_awaitable, std::move(f));
}

}  // namespace faas::containerd_provider::detail
