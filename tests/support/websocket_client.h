// A WebSocket round trip for integration tests: connect to 127.0.0.1:port, handshake on `target`,
// send a text and a binary message, read both echoes, close. Blocking, bounded by `timeout`.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <exception>
#include <string>

namespace faas::test {

struct WebSocketResult {
  std::string text_echo;
  std::string binary_echo;
  bool closed = false;
  std::string failure;  // the exception text, if the exchange failed
};

namespace detail {
// The caller keeps `out` alive until the io_context stops running.
inline boost::asio::awaitable<void> websocket_exchange(std::uint16_t port, std::string target,
                                                       std::string text, std::string binary,
                                                       WebSocketResult& out) {
  namespace net = boost::asio;
  namespace beast = boost::beast;
  auto ex = co_await net::this_coro::executor;
  beast::websocket::stream<beast::tcp_stream> ws(ex);
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  co_await beast::get_lowest_layer(ws).async_connect(ep, net::use_awaitable);
  co_await ws.async_handshake("127.0.0.1", target, net::use_awaitable);
  beast::flat_buffer buf;
  ws.text(true);
  co_await ws.async_write(net::buffer(text), net::use_awaitable);
  co_await ws.async_read(buf, net::use_awaitable);
  out.text_echo = beast::buffers_to_string(buf.data());
  buf.consume(buf.size());
  ws.binary(true);
  co_await ws.async_write(net::buffer(binary), net::use_awaitable);
  co_await ws.async_read(buf, net::use_awaitable);
  out.binary_echo = beast::buffers_to_string(buf.data());
  co_await ws.async_close(beast::websocket::close_code::normal, net::use_awaitable);
  out.closed = true;
}
}  // namespace detail

inline WebSocketResult websocket_round_trip(std::uint16_t port, std::string target,
                                            std::string text, std::string binary,
                                            std::chrono::milliseconds timeout) {
  boost::asio::io_context io;
  WebSocketResult result;
  boost::asio::co_spawn(io,
                        detail::websocket_exchange(port, std::move(target), std::move(text),
                                                   std::move(binary), result),
                        [&result](std::exception_ptr e) {
                          if (!e) return;
                          try {
                            std::rethrow_exception(e);
                          } catch (const std::exception& ex) {
                            result.failure = ex.what();
                          }
                        });
  io.run_for(timeout);
  return result;
}

}  // namespace faas::test
