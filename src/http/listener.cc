#include "faas/http/listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "faas/core/env.h"
#include "faas/core/log.h"

namespace faas::http {

namespace {
Error net_error(const error_code& ec, std::string what) {
  return make_error(std::error_code(ec.value(), ec.category()), std::move(what));
}
}  // namespace

Result<Listener> Listener::bind(const net::any_io_executor& ex, const std::string& address,
                                std::uint16_t port) {
  error_code ec;
  auto addr = net::ip::make_address(address, ec);
  if (ec) return invalid_argument("invalid listen address \"" + address + "\"");
  tcp::endpoint ep(addr, port);
  tcp::acceptor acceptor(ex);
  const std::string where = "listen on " + address + ":" + std::to_string(port);
  if (acceptor.open(ep.protocol(), ec); ec) return net_error(ec, where);
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) return net_error(ec, where);
  if (acceptor.bind(ep, ec); ec) return net_error(ec, where);
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return net_error(ec, where);
  auto bound = acceptor.local_endpoint(ec).port();
  return Listener(std::move(acceptor), bound);
}

awaitable<void> Listener::run(Handler handler) {
  auto ex = co_await net::this_coro::executor;
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      // EMFILE and friends: keep serving the connections we have, try again shortly.
      log_warn("accept: " + ec.message());
      net::steady_timer t(ex, std::chrono::milliseconds(50));
      co_await t.async_wait(use_nothrow);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(ex, handler(std::move(socket)), net::detached);
  }
}

void Listener::close() {
  error_code ec;
  acceptor_.close(ec);
}

Result<tcp::endpoint> parse_endpoint(std::string_view url, std::uint16_t default_port) {
  std::string_view rest = url;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  if (auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  std::string host(rest);
  std::uint16_t port = default_port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return invalid_argument("invalid address: " + std::string(url));
    host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (rest.starts_with(":")) {
      auto p = parse_int(rest.substr(1), 1, 65535);
      if (!p) return invalid_argument("invalid port in " + std::string(url));
      port = static_cast<std::uint16_t>(*p);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = std::string(rest.substr(0, colon));
    auto p = parse_int(rest.substr(colon + 1), 1, 65535);
    if (!p) return invalid_argument("invalid port in " + std::string(url));
    port = static_cast<std::uint16_t>(*p);
  }
  if (host == "localhost" || host.empty()) host = "127.0.0.1";
  error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (ec) return invalid_argument("upstream host must be an IP address or localhost: " + host);
  return tcp::endpoint(addr, port);
}

}  // namespace faas::http
