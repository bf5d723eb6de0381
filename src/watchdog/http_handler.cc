#include "http_handler.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstdio>

#include "faas/core/log.h"
#include "faas/http/body.h"
#include "function_log.h"

namespace faas::watchdog {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = http::bhttp;
using http::error_code;
using http::use_nothrow;
using namespace net::experimental::awaitable_operators;

struct HttpHandler::Conn {
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::Sweeper::Watch watch;
  Conn(net::any_io_executor ex, http::Sweeper& sweeper)
      : stream(std::move(ex)), watch(sweeper, stream.socket()) {
    buffer.reserve(64 * 1024);
  }
};

namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxIdle = 128;

bool hop_by_hop(bhttp::field f) {
  switch (f) {
    case bhttp::field::connection:
    case bhttp::field::keep_alive:
    case bhttp::field::proxy_connection:
    case bhttp::field::proxy_authenticate:
    case bhttp::field::proxy_authorization:
    case bhttp::field::te:
    case bhttp::field::trailer:
    case bhttp::field::transfer_encoding:
    case bhttp::field::upgrade:
    case bhttp::field::content_length:  // set from the parser's knowledge instead
      return true;
    default:
      return false;
  }
}

template <class From, class To>
void copy_end_to_end(const From& from, To& to) {
  for (const auto& f : from) {
    if (!hop_by_hop(f.name())) to.insert(f.name_string(), f.value());
  }
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%f", s);
  return buf;
}

// Copies bytes one way until EOF or error, then half-closes the destination.
http::awaitable<void> pipe_bytes(beast::tcp_stream& from, beast::tcp_stream& to) {
  std::unique_ptr<char[]> buf(new char[kChunk]);
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(net::buffer(buf.get(), kChunk), use_nothrow);
    if (n > 0) {
      auto [wec, w] = co_await net::async_write(to, net::buffer(buf.get(), n), use_nothrow);
      (void)w;
      if (wec) break;
    }
    if (ec) break;
  }
  error_code ignored;
  to.socket().shutdown(http::tcp::socket::shutdown_send, ignored);
}

http::awaitable<void> pump_output(net::any_io_executor ex, UniqueFd fd, LogOptions options) {
  net::posix::stream_descriptor sd(ex, fd.release());
  co_await pump_function_log(sd, options, nullptr);
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_x_timeout(std::string_view value) {
  if (value.empty()) return std::nullopt;
  auto d = parse_duration(value);
  if (!d || d->count() == 0) return std::nullopt;
  return *d;
}

HttpHandler::HttpHandler(const WatchdogConfig& config, Environment env,
                         http::tcp::endpoint upstream, http::Sweeper& sweeper,
                         ExitCallback on_upstream_exit)
    : config_(config),
      env_(std::move(env)),
      upstream_(std::move(upstream)),
      sweeper_(sweeper),
      on_exit_(std::move(on_upstream_exit)) {}

HttpHandler::~HttpHandler() = default;

http::awaitable<bool> HttpHandler::start() {
  auto ex = co_await net::this_coro::executor;
  auto out = Pipe::create();
  auto err = Pipe::create();
  if (!out || !err) co_return false;
  auto child = os::ChildProcess::spawn({.argv = config_.fprocess,
                                        .env = to_envp(env_),
                                        .stdout_fd = out->write.get(),
                                        .stderr_fd = err->write.get()});
  if (!child) {
    log_error("cannot start upstream: " + child.error().message());
    co_return false;
  }
  log_info("Started upstream (" + config_.fprocess[0] + ") pid " + std::to_string(child->pid()) +
           ", proxying to " + config_.upstream_url);
  child_ = std::make_shared<os::ChildProcess>(std::move(*child));
  LogOptions o{.prefix = config_.prefix_logs,
               .max_line = config_.log_buffer_size < 0 ? SIZE_MAX
                                                        : static_cast<size_t>(config_.log_buffer_size)};
  LogOptions stderr_options = o;
  o.label = "stdout";
  net::co_spawn(ex, pump_output(ex, std::move(out->read), o), net::detached);
  net::co_spawn(ex, pump_output(ex, std::move(err->read), stderr_options), net::detached);
  net::co_spawn(ex, supervise(child_), net::detached);
  net::co_spawn(ex, wait_until_accepting(), net::detached);
  co_return true;
}

http::awaitable<void> HttpHandler::supervise(std::shared_ptr<os::ChildProcess> child) {
  auto ex = co_await net::this_coro::executor;
  auto status = co_await child->async_wait(ex);
  ready_ = false;
  if (stopping_) co_return;
  log_error("upstream process exited (" + status.describe() + "); fwatchdog exits so the replica "
            "is restarted");
  on_exit_(status.signal ? 128 + status.signal : (status.code ? status.code : 1));
}

http::awaitable<void> HttpHandler::wait_until_accepting() {
  auto ex = co_await net::this_coro::executor;
  auto delay = std::chrono::milliseconds(5);
  while (!stopping_ && child_ && !child_->exited()) {
    beast::tcp_stream probe(ex);
    probe.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await probe.async_connect(upstream_, use_nothrow);
    if (!ec) {
      ready_ = true;
      log_info("Upstream is accepting connections");
      co_return;
    }
    net::steady_timer t(ex, delay);
    co_await t.async_wait(use_nothrow);
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::milliseconds(100));
  }
}

http::awaitable<void> HttpHandler::stop() {
  stopping_ = true;
  idle_.clear();
  if (!child_ || child_->exited()) co_return;
  auto ex = co_await net::this_coro::executor;
  child_->signal(SIGTERM);
  net::steady_timer grace(ex, config_.write_timeout);
  auto child = child_;
  co_await (child->async_wait(ex) || grace.async_wait(use_nothrow));
  child_->kill_group(SIGKILL);
}

http::awaitable<std::unique_ptr<HttpHandler::Conn>> HttpHandler::acquire(bool& reused,
                                                                         error_code& ec) {
  while (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    if (c->stream.socket().is_open()) {
      reused = true;
      co_return c;
    }
  }
  reused = false;
  auto c = std::make_unique<Conn>(co_await net::this_coro::executor, sweeper_);
  c->watch.expires_after(std::chrono::seconds(10));
  auto [e] = co_await c->stream.async_connect(upstream_, use_nothrow);
  c->watch.expires_never();
  ec = e;
  if (e) co_return nullptr;
  c->stream.socket().set_option(http::tcp::no_delay(true), e);
  co_return c;
}

void HttpHandler::release(std::unique_ptr<Conn> conn) {
  if (idle_.size() < kMaxIdle && !stopping_) {
    conn->watch.expires_never();
    idle_.push_back(std::move(conn));
  }
}

namespace {

using Clock = std::chrono::steady_clock;

// One proxied call: the request body goes up while the response comes down, concurrently, so an
// upstream that answers while still reading (an echo, a transcoder) cannot deadlock against us.
// The call's deadline (exec_timeout or X-Timeout) is the upstream stream's expiry: Beast closes
// the upstream socket when it passes and the pending operation fails with error::timeout.
// Lives in proxy()'s frame; both legs reference it.
struct Proxy {
  Exchange& x;
  HttpHandler::Conn& up;
  const WatchdogConfig& config;
  std::optional<Clock::time_point> deadline;
  bhttp::request<bhttp::buffer_body> req;
  std::optional<bhttp::request_serializer<bhttp::buffer_body>> sr;
  http::ResponseParser rp;
  std::string buffered;  // buffer_http: the whole request body
  std::uint64_t body_bytes = 0;
  bool client_failed = false;
  bool upload_done = false;
  error_code upstream_ec;
  bool head_ok = false;
  bool response_ok = false;

  Proxy(Exchange& x_, HttpHandler::Conn& up_, const WatchdogConfig& c,
        std::optional<Clock::time_point> d)
      : x(x_), up(up_), config(c), deadline(d) {
    const auto& in = x.request();
    req.method_string(in.method_string());
    req.target(in.target());
    req.version(11);
    copy_end_to_end(in, req);
    req.keep_alive(true);
    rp.body_limit(boost::none);
    if (in.method() == bhttp::verb::head) rp.skip(true);
  }

  bool timed_out() const { return up.watch.expired(); }

  // Before each upstream operation: the remaining time of the call.
  void arm() {
    if (deadline) {
      up.watch.expires_at(*deadline);
    } else {
      up.watch.expires_never();
    }
  }

  void frame_body() {
    if (config.buffer_http) {
      req.content_length(buffered.size());
    } else if (auto len = x.parser.content_length()) {
      req.content_length(*len);
    } else if (x.parser.chunked()) {
      req.chunked(true);
    }
    sr.emplace(req);
    req.body().data = nullptr;
    req.body().more = true;
  }

  http::awaitable<error_code> write_header() {
    arm();
    auto [ec, n] = co_await bhttp::async_write_header(up.stream, *sr, use_nothrow);
    co_return ec;
  }

  http::awaitable<error_code> write_piece(char* data, size_t size, bool more) {
    req.body().data = data;
    req.body().size = size;
    req.body().more = more;
    arm();
    auto [ec, n] = co_await bhttp::async_write(up.stream, *sr, use_nothrow);
    co_return ec == bhttp::error::need_buffer ? error_code{} : ec;
  }

  http::awaitable<void> upload() {
    if (config.buffer_http) {
      if (!buffered.empty()) upstream_ec = co_await write_piece(buffered.data(), buffered.size(), true);
      body_bytes = buffered.size();
    } else {
      std::unique_ptr<char[]> buf(new char[kChunk]);
      for (;;) {
        x.watch.expires_after(config.read_timeout);
        auto n = co_await http::read_body_some(x.stream, x.buffer, x.parser,
                                               std::span<char>(buf.get(), kChunk));
        if (!n) {
          if (!response_ok) {
            client_failed = true;
            error_code ignored;
            up.stream.socket().close(ignored);  // abort the download leg too
          }
          co_return;
        }
        if (*n == 0) break;
        body_bytes += *n;
        if ((upstream_ec = co_await write_piece(buf.get(), *n, true))) co_return;
      }
    }
    if (!upstream_ec) upstream_ec = co_await write_piece(nullptr, 0, false);
    upload_done = true;
  }

  http::awaitable<void> download() {
    arm();
    auto [ec, n] = co_await bhttp::async_read_header(up.stream, up.buffer, rp, use_nothrow);
    if (ec) {
      if (!upstream_ec) upstream_ec = ec;
      co_return;
    }
    head_ok = true;
    response_ok = co_await relay();
    if (!upload_done) {
      // The upstream answered without reading the whole body: stop reading it from the client.
      x.keep_alive = false;
      error_code ignored;
      x.stream.socket().cancel(ignored);
    }
  }

  bhttp::response<bhttp::buffer_body> response_head(bool& bodiless) {
    const auto& in = rp.get();
    bhttp::response<bhttp::buffer_body> res;
    res.version(x.version());
    res.result(in.result_int());  // result() maps codes Beast does not list (418, 299) to 0
    res.reason(in.reason());
    copy_end_to_end(in, res);
    res.set("X-Duration-Seconds", seconds_text(x.seconds()));
    const bool head = x.request().method() == bhttp::verb::head;
    const unsigned code = in.result_int();
    bodiless = head || code == 204 || code == 304 || code / 100 == 1;
    if (auto len = rp.content_length(); len && !head) {
      res.content_length(*len);
    } else if (head && in.count(bhttp::field::content_length)) {
      res.set(bhttp::field::content_length, in[bhttp::field::content_length]);
    } else if (!bodiless && x.version() >= 11) {
      res.chunked(true);
    } else if (!bodiless) {
      x.keep_alive = false;  // HTTP/1.0 client: the body ends with the connection
    }
    res.keep_alive(x.keep_alive);
    x.status = code;
    return res;
  }

  // Parses as much body as the read-ahead buffer already holds into out; true if that completed
  // the message. Saves a read and a write for the common small response.
  bool take_buffered_body(std::span<char> out, size_t& got) {
    got = 0;
    while (!rp.is_done() && up.buffer.size() > 0 && got < out.size()) {
      rp.get().body().data = out.data() + got;
      rp.get().body().size = out.size() - got;
      error_code ec;
      size_t used = rp.put(up.buffer.data(), ec);
      up.buffer.consume(used);
      got = out.size() - rp.get().body().size;
      if (ec && ec != bhttp::error::need_buffer) return false;
      if (used == 0) break;
    }
    return rp.is_done();
  }

  // Streams the upstream's response to the client. False if either side failed.
  http::awaitable<bool> relay() {
    bool bodiless = false;
    auto res = response_head(bodiless);
    std::unique_ptr<char[]> buf(new char[kChunk]);
    bhttp::response_serializer<bhttp::buffer_body> out(res);
    x.watch.expires_after(config.write_timeout);
    if (bodiless) {
      res.body().more = false;
      auto [ec, n] = co_await bhttp::async_write_header(x.stream, out, use_nothrow);
      co_return !ec;
    }
    size_t got = 0;
    if (take_buffered_body(std::span<char>(buf.get(), kChunk), got) && !res.chunked()) {
      // Whole body in hand: header and body leave in one write.
      res.body().data = got ? buf.get() : nullptr;
      res.body().size = got;
      res.body().more = false;
      x.response_bytes = got;
      auto [ec, n] = co_await bhttp::async_write(x.stream, out, use_nothrow);
      co_return !ec;
    }
    res.body().data = nullptr;
    res.body().more = true;
    if (auto [ec, n] = co_await bhttp::async_write_header(x.stream, out, use_nothrow); ec) co_return false;
    for (;;) {
      if (got == 0) {
        arm();
        auto n = co_await http::read_body_some(up.stream, up.buffer, rp, std::span<char>(buf.get(), kChunk));
        if (!n) {
          co_return false;
        }
        got = *n;
      }
      res.body().data = got ? buf.get() : nullptr;
      res.body().size = got;
      res.body().more = got != 0;
      x.watch.expires_after(config.write_timeout);
      auto [ec, w] = co_await bhttp::async_write(x.stream, out, use_nothrow);
      if (ec && ec != bhttp::error::need_buffer) co_return false;
      x.response_bytes += got;
      if (got == 0) co_return true;
      got = 0;
    }
  }
};

}  // namespace

http::awaitable<void> HttpHandler::serve(Exchange& x) {
  auto timeout = config_.exec_timeout;
  if (auto it = x.request().find("X-Timeout"); it != x.request().end()) {
    if (auto t = parse_x_timeout(it->value()); t && (timeout.count() == 0 || *t < timeout)) timeout = *t;
  }
  x.keep_alive = x.request().keep_alive();
  if (x.request().count(bhttp::field::upgrade)) co_return co_await tunnel(x);
  std::optional<Clock::time_point> deadline;
  if (timeout.count()) {
    deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
  }
  co_await proxy(x, deadline);
}

http::awaitable<void> HttpHandler::proxy(Exchange& x, std::optional<Clock::time_point> deadline) {
  std::string buffered;
  if (config_.buffer_http) {
    auto body = co_await http::read_body_all(x.stream, x.buffer, x.parser, config_.max_buffered_body);
    if (!body) {
      co_await respond_internal(x, bhttp::status::bad_request, body.error().message() + "\n");
      co_return;
    }
    buffered = std::move(*body);
  }
  const bool has_body = config_.buffer_http ? !buffered.empty() : !x.parser.is_done();
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    error_code ec;
    auto conn = co_await acquire(reused, ec);
    if (!conn) {
      co_await respond_internal(x, bhttp::status::bad_gateway,
                                "Can't reach upstream " + config_.upstream_url + ": " + ec.message() + "\n");
      co_return;
    }
    Proxy p(x, *conn, config_, deadline);
    p.buffered = std::move(buffered);
    p.frame_body();
    p.upstream_ec = co_await p.write_header();
    if (!p.upstream_ec) {
      if (has_body) {
        co_await (p.upload() && p.download());
      } else {
        p.upload_done = true;  // the header is the whole request
        co_await p.download();
      }
    }
    if (p.client_failed) {
      x.keep_alive = false;
      x.status = 499;  // the client closed the request
      co_return;
    }
    if (p.head_ok) {
      if (!p.response_ok) {
        x.keep_alive = false;  // headers already sent: a cut connection is the only signal left
      } else if (p.rp.keep_alive() && p.upload_done) {
        release(std::move(conn));
      }
      co_return;
    }
    // A pooled connection the upstream had already closed: retry once on a fresh one, when no
    // body had to be sent (nothing was consumed from the client).
    if (reused && attempt == 0 && !has_body && !p.timed_out()) {
      buffered = std::move(p.buffered);
      continue;
    }
    if (p.timed_out()) {
      co_await respond_internal(x, bhttp::status::gateway_timeout,
                                "Upstream did not answer within the function's timeout\n");
    } else {
      co_await respond_internal(x, bhttp::status::bad_gateway,
                                "Upstream failed: " + p.upstream_ec.message() + "\n");
    }
    co_return;
  }
}

// Upgrade requests (WebSocket): forward the handshake; on 101 the connection becomes a byte tunnel
// in both directions until either side closes. Any other answer is relayed as a normal response.
http::awaitable<void> HttpHandler::tunnel(Exchange& x) {
  x.keep_alive = false;
  bool reused = false;
  error_code ec;
  idle_.clear();  // never tunnel over a pooled connection
  auto conn = co_await acquire(reused, ec);
  if (!conn) {
    co_await respond_internal(x, bhttp::status::bad_gateway,
                              "Can't reach upstream " + config_.upstream_url + ": " + ec.message() + "\n");
    co_return;
  }
  bhttp::request<bhttp::empty_body> req;
  req.method_string(x.request().method_string());
  req.target(x.request().target());
  req.version(11);
  for (const auto& f : x.request()) req.insert(f.name_string(), f.value());
  if (auto [wec, n] = co_await bhttp::async_write(conn->stream, req, use_nothrow); wec) {
    co_await respond_internal(x, bhttp::status::bad_gateway, "Upstream failed: " + wec.message() + "\n");
    co_return;
  }
  bhttp::response_parser<bhttp::string_body> rp;
  rp.body_limit(config_.max_buffered_body);
  conn->watch.expires_after(config_.exec_timeout.count() ? config_.exec_timeout : std::chrono::seconds(30));
  if (auto [rec, n] = co_await bhttp::async_read(conn->stream, conn->buffer, rp, use_nothrow); rec) {
    co_await respond_internal(x, bhttp::status::bad_gateway, "Upstream failed: " + rec.message() + "\n");
    co_return;
  }
  auto res = rp.release();
  x.status = res.result_int();
  x.watch.expires_after(config_.write_timeout);
  if (auto [wec, n] = co_await bhttp::async_write(x.stream, res, use_nothrow); wec) co_return;
  if (x.status != 101) co_return;
  // A tunnel lives as long as both ends want it.
  conn->watch.expires_never();
  x.watch.expires_never();
  // Bytes that arrived behind the headers belong to the tunnel.
  if (x.buffer.size()) {
    co_await net::async_write(conn->stream, x.buffer.data(), use_nothrow);
    x.buffer.consume(x.buffer.size());
  }
  if (conn->buffer.size()) {
    co_await net::async_write(x.stream, conn->buffer.data(), use_nothrow);
    conn->buffer.consume(conn->buffer.size());
  }
  co_await (pipe_bytes(x.stream, conn->stream) && pipe_bytes(conn->stream, x.stream));
}

}  // namespace faas::watchdog
