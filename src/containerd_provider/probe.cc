#include "probe.h"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>

#include "blocking.h"
#include "faas/containerd/netns.h"

namespace faas::containerd_provider::detail {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

net::awaitable<bool> exchange(tcp::socket& socket, std::uint16_t port) {
  auto as_tuple = net::as_tuple(net::use_awaitable);
  tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  auto [connect_ec] = co_await socket.async_connect(endpoint, as_tuple);
  if (connect_ec) co_return false;
  static constexpr std::string_view kRequest =
      "GET /_/ready HTTP/1.1\r\nHost: replica\r\nConnection: close\r\n\r\n";
  auto [write_ec, written] = co_await net::async_write(socket, net::buffer(kRequest), as_tuple);
  if (write_ec) co_return false;
  // "HTTP/1.1 200" is all we need; the rest of the response is dropped with the socket.
  char head[12];
  auto [read_ec, n] = co_await net::async_read(socket, net::buffer(head), as_tuple);
  if (read_ec || n != sizeof head) co_return false;
  co_return std::string_view(head, sizeof head).substr(8) == " 200";
}

}  // namespace

net::awaitable<bool> probe_ready(net::thread_pool& pool, std::string netns_path, std::uint16_t port,
                                 std::chrono::milliseconds timeout) {
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto fd_op = on_pool(pool, [netns_path] {
    return containerd::open_socket_in_netns(netns_path, AF_INET, true);
  });
  auto fd = co_await std::move(fd_op);
  if (!fd) co_return false;
  auto ex = co_await net::this_coro::executor;
  tcp::socket socket(ex);
  boost::system::error_code ec;
  socket.assign(tcp::v4(), fd->release(), ec);
  if (ec) co_return false;
  net::steady_timer timer(ex, timeout);
  using namespace net::experimental::awaitable_operators;
  auto raced = co_await (exchange(socket, port) || timer.async_wait(net::use_awaitable));
  co_return raced.index() == 0 && std::get<0>(raced);
}

}  // namespace faas::containerd_provider::detail
