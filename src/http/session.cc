#include "faas/http/session.h"

#include <cstdint>
#include <limits>

#include <boost/asio/steady_timer.hpp>

namespace faas::http {

namespace {

// Beast (1.81) stores header name and value lengths in 16 bits and throws std::length_error from
// inside async_read_header when one is longer than 65533 bytes. The exception escapes
// io_context::run(), so a single request with a long header value (allowed by our 1 MiB header
// limit) terminated the server. Report such a field as over the header limit instead: the session
// answers 400 and closes. (Found by tests/integration/watchdog/malformed_test.cc.)
class BoundedFieldParser final : public RequestParser {
  void on_field_impl(bhttp::field name, beast::string_view name_string, beast::string_view value,
                     error_code& ec) override {
    constexpr std::size_t kMaxFieldPart = std::numeric_limits<std::uint16_t>::max() - 2;
    if (name_string.size() > kMaxFieldPart || value.size() > kMaxFieldPart) {
      ec = bhttp::error::header_limit;
      return;
    }
    ec = {};
    get().insert(name, name_string, value);
  }
};

bool is_parse_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

awaitable<void> Sessions::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  // Beast reads at most the buffer's free capacity (min 512 bytes) per syscall: without room,
  // a large body arrives 512 bytes at a time.
  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024);
  Sweeper::Watch watch(sweeper_, stream.socket());
  error_code peer_ec;
  const tcp::endpoint peer = stream.socket().remote_endpoint(peer_ec);
  ++active_;
  while (!draining_) {
    BoundedFieldParser parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser.body_limit(boost::none);
    stream.expires_never();  // a handler may have left the stream's own timer armed
    watch.expires_after(options_.read_timeout);
    idle_.insert(&stream);
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, use_nothrow);
    idle_.erase(&stream);
    watch.expires_never();
    if (ec) {
      if (is_parse_error(ec)) {
        // Malformed request: tell the client why, then close (the framing is lost).
        watch.expires_after(options_.write_timeout);
        TextResponse r{.status = bhttp::status::bad_request,
                       .body = "Bad Request: " + ec.message() + "\n"};
        r.keep_alive = false;
        co_await write_response(stream, std::move(r));
      }
      break;
    }
    Exchange x{.stream = stream,
               .buffer = buffer,
               .parser = parser,
               .watch = watch,
               .start = std::chrono::steady_clock::now(),
               .peer = peer};
    x.keep_alive = parser.get().keep_alive();
    co_await handler_(x);
    if (!x.keep_alive || !parser.is_done()) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
  --active_;
}

awaitable<int> Sessions::wait_closed(std::chrono::steady_clock::time_point deadline) {
  net::steady_timer t(co_await net::this_coro::executor);
  while (active_ > 0 && std::chrono::steady_clock::now() < deadline) {
    t.expires_after(std::chrono::milliseconds(10));
    co_await t.async_wait(use_nothrow);
  }
  co_return active_;
}

void Sessions::drain() {
  draining_ = true;
  for (auto* s : idle_) s->socket().cancel();
}

}  // namespace faas::http
