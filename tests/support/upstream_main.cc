// faas-test-upstream: a small HTTP/1.1 server used as the "function" behind fwatchdog's http mode
// in tests and benchmarks, and as the directly-hit baseline in benchmarks.
//
//   faas-test-upstream [--port N] [--address A] [--delay-start-ms N] [--threads N]
//
// Routes (any method):
//   /            "Hello, world!\n" (13+1 bytes), keep-alive: the benchmark route
//   /echo        the request body, streamed back as it arrives
//   /sse?n=N&ms=M    N server-sent events, M ms apart, each flushed as written
//   /slow?ms=M   waits M ms, then "done\n"
//   /status/NNN  an empty response with that status
//   /headers     the request's headers, one "Name: value" per line
//   /exit?code=C the process exits with code C (before answering)
//   /ws          WebSocket echo
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
constexpr auto nothrow = net::as_tuple(net::use_awaitable);

namespace {

std::string query_param(std::string_view target, std::string_view key, std::string_view def) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(def);
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto kv = rest.substr(0, amp);
    auto eq = kv.find('=');
    if (kv.substr(0, eq) == key && eq != std::string_view::npos) return std::string(kv.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::string(def);
}

net::awaitable<void> websocket_echo(beast::tcp_stream stream, http::request<http::empty_body> req) {
  websocket::stream<beast::tcp_stream> ws(std::move(stream));
  auto [ec] = co_await ws.async_accept(req, nothrow);
  if (ec) co_return;
  beast::flat_buffer buf;
  for (;;) {
    auto [rec, n] = co_await ws.async_read(buf, nothrow);
    if (rec) co_return;
    ws.text(ws.got_text());
    auto [wec, w] = co_await ws.async_write(buf.data(), nothrow);
    if (wec) co_return;
    buf.consume(buf.size());
  }
}

// Streams the body back: chunked response written while the request body is read.
net::awaitable<bool> echo(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                          http::request_parser<http::buffer_body>& parser) {
  http::response<http::buffer_body> res{http::status::ok, parser.get().version()};
  res.set(http::field::content_type, "application/octet-stream");
  res.chunked(true);
  http::response_serializer<http::buffer_body> sr(res);
  res.body().data = nullptr;
  res.body().more = true;
  if (auto [ec, n] = co_await http::async_write_header(stream, sr, nothrow); ec) co_return false;
  std::vector<char> chunk(64 * 1024);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, nothrow);
    if (ec && ec != http::error::need_buffer) co_return false;
    size_t got = chunk.size() - parser.get().body().size;
    if (got == 0) continue;
    res.body().data = chunk.data();
    res.body().size = got;
    res.body().more = true;
    auto [wec, w] = co_await http::async_write(stream, sr, nothrow);
    if (wec && wec != http::error::need_buffer) co_return false;
  }
  res.body().data = nullptr;
  res.body().more = false;
  auto [ec, n] = co_await http::async_write(stream, sr, nothrow);
  co_return !ec;
}

net::awaitable<bool> sse(beast::tcp_stream& stream, unsigned version, int count, int ms) {
  http::response<http::buffer_body> res{http::status::ok, version};
  res.set(http::field::content_type, "text/event-stream");
  res.set(http::field::cache_control, "no-cache");
  res.chunked(true);
  http::response_serializer<http::buffer_body> sr(res);
  res.body().data = nullptr;
  res.body().more = true;
  if (auto [ec, n] = co_await http::async_write_header(stream, sr, nothrow); ec) co_return false;
  net::steady_timer timer(co_await net::this_coro::executor);
  for (int i = 0; i < count; ++i) {
    if (i > 0) {
      timer.expires_after(std::chrono::milliseconds(ms));
      co_await timer.async_wait(nothrow);
    }
    std::string event = "data: event " + std::to_string(i) + "\n\n";
    res.body().data = event.data();
    res.body().size = event.size();
    res.body().more = true;
    auto [ec, n] = co_await http::async_write(stream, sr, nothrow);
    if (ec && ec != http::error::need_buffer) co_return false;
  }
  res.body().data = nullptr;
  res.body().more = false;
  auto [ec, n] = co_await http::async_write(stream, sr, nothrow);
  co_return !ec;
}

net::awaitable<bool> simple(beast::tcp_stream& stream, unsigned version, bool keep_alive,
                            http::status status, std::string body) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  auto [ec, n] = co_await http::async_write(stream, res, nothrow);
  co_return !ec && keep_alive;
}

net::awaitable<void> drain_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                http::request_parser<http::buffer_body>& parser) {
  char sink[16 * 1024];
  while (!parser.is_done()) {
    parser.get().body().data = sink;
    parser.get().body().size = sizeof sink;
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, nothrow);
    if (ec && ec != http::error::need_buffer) co_return;
  }
}

net::awaitable<void> session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024);
  for (;;) {
    http::request_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, nothrow);
    if (ec) break;
    auto& req = parser.get();
    std::string target(req.target());
    std::string path = target.substr(0, target.find('?'));
    const unsigned v = req.version();
    const bool ka = req.keep_alive();
    bool again = false;
    if (path == "/ws" && websocket::is_upgrade(req)) {
      http::request<http::empty_body> head(req.base());
      co_await websocket_echo(std::move(stream), std::move(head));
      co_return;
    }
    if (path == "/echo") {
      again = co_await echo(stream, buffer, parser) && ka;
    } else {
      co_await drain_body(stream, buffer, parser);
      if (path == "/sse") {
        int count = std::atoi(query_param(target, "n", "5").c_str());
        int ms = std::atoi(query_param(target, "ms", "100").c_str());
        again = co_await sse(stream, v, count, ms) && ka;
      } else if (path == "/slow") {
        net::steady_timer t(co_await net::this_coro::executor,
                            std::chrono::milliseconds(std::atoi(query_param(target, "ms", "1000").c_str())));
        co_await t.async_wait(nothrow);
        again = co_await simple(stream, v, ka, http::status::ok, "done\n");
      } else if (path.starts_with("/status/")) {
        again = co_await simple(stream, v, ka, static_cast<http::status>(std::atoi(path.c_str() + 8)), "");
      } else if (path == "/headers") {
        std::string out;
        for (const auto& f : req) out += std::string(f.name_string()) + ": " + std::string(f.value()) + "\n";
        again = co_await simple(stream, v, ka, http::status::ok, out);
      } else if (path == "/exit") {
        std::exit(std::atoi(query_param(target, "code", "3").c_str()));
      } else {
        again = co_await simple(stream, v, ka, http::status::ok, "Hello, world!\n");
      }
    }
    if (!again) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(nothrow);
    if (ec) continue;
    socket.set_option(tcp::no_delay(true));
    net::co_spawn(acceptor.get_executor(), session(std::move(socket)), net::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1";
  unsigned short port = 8082;
  int delay_ms = 0, threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i];
    if (a == "--port") port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    if (a == "--address") address = argv[i + 1];
    if (a == "--delay-start-ms") delay_ms = std::atoi(argv[i + 1]);
    if (a == "--threads") threads = std::max(1, std::atoi(argv[i + 1]));
  }
  if (const char* p = std::getenv("UPSTREAM_PORT")) port = static_cast<unsigned short>(std::atoi(p));
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  net::io_context io;
  tcp::acceptor acceptor(io);
  tcp::endpoint ep(net::ip::make_address(address), port);
  acceptor.open(ep.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen();
  std::printf("upstream listening on %s:%u\n", address.c_str(), acceptor.local_endpoint().port());
  std::fflush(stdout);
  net::co_spawn(io, listen(acceptor), net::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}
