#include "faas/http/reverse_proxy.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

#include "faas/http/body.h"

namespace faas::http {

using namespace net::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

ConnectionPool::Conn::Conn(const net::any_io_executor& ex, Sweeper& sweeper)
    : stream(ex), watch(sweeper, stream.socket()) {
  buffer.reserve(64 * 1024);
}

awaitable<std::unique_ptr<ConnectionPool::Conn>> ConnectionPool::acquire(bool& reused,
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
  if (opener_) {
    // An already open socket is connected as it is (asio opens only a closed one), so the
    // connection belongs to the namespace the opener made the socket in.
    auto fd = opener_(endpoint_.address().is_v6() ? AF_INET6 : AF_INET);
    if (!fd) {
      ec = fd.error().code;
      co_return nullptr;
    }
    c->stream.socket().assign(endpoint_.protocol(), fd->release(), ec);
    if (ec) co_return nullptr;
  }
  c->watch.expires_after(std::chrono::seconds(10));
  auto [e] = co_await c->stream.async_connect(endpoint_, use_nothrow);
  c->watch.expires_never();
  ec = e;
  if (e) co_return nullptr;
  c->stream.socket().set_option(tcp::no_delay(true), e);
  co_return c;
}

void ConnectionPool::release(std::unique_ptr<Conn> conn) {
  if (idle_.size() < max_idle_ && !closed_) {
    conn->watch.expires_never();
    idle_.push_back(std::move(conn));
  }
}

void ConnectionPool::clear(bool close_for_good) {
  idle_.clear();
  closed_ = closed_ || close_for_good;
}

// Counts a call against its pool for as long as it uses a connection.
struct InflightGuard {
  ConnectionPool& pool;
  explicit InflightGuard(ConnectionPool& p) : pool(p) { ++pool.inflight_; }
  ~InflightGuard() { --pool.inflight_; }
  InflightGuard(const InflightGuard&) = delete;
  InflightGuard& operator=(const InflightGuard&) = delete;
};

namespace {

constexpr size_t kChunk = 64 * 1024;

// A 64 KiB transfer buffer from a per-thread free list. Each proxied call needs one or two; a
// fresh allocation of that size per call cost a malloc, a free and, since glibc consolidates its
// fastbins on every free of 64 KiB or more, a malloc_consolidate (~5% of the gateway's CPU).
class ChunkBuffer {
 public:
  ChunkBuffer() {
    auto& pool = free_list();
    if (pool.empty()) {
      buf_.reset(new char[kChunk]);
    } else {
      buf_ = std::move(pool.back());
      pool.pop_back();
    }
  }
  ~ChunkBuffer() {
    auto& pool = free_list();
    if (pool.size() < kMaxPooled) pool.push_back(std::move(buf_));
  }
  ChunkBuffer(const ChunkBuffer&) = delete;
  ChunkBuffer& operator=(const ChunkBuffer&) = delete;
  char* get() const { return buf_.get(); }

 private:
  static constexpr size_t kMaxPooled = 64;
  static std::vector<std::unique_ptr<char[]>>& free_list() {
    thread_local std::vector<std::unique_ptr<char[]>> pool;
    return pool;
  }
  std::unique_ptr<char[]> buf_;
};

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

// Copies bytes one way until EOF or error, then half-closes the destination.
awaitable<void> pipe_bytes(beast::tcp_stream& from, beast::tcp_stream& to) {
  ChunkBuffer buf;
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
  to.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// One proxied call. The call's deadline is the upstream connection's sweep deadline: when it
// passes the sweeper closes the upstream socket and the pending operation fails.
// Lives in forward()'s frame; both legs reference it.
struct Proxy {
  Exchange& x;
  ConnectionPool::Conn& up;
  const ProxyOptions& options;
  bhttp::request<bhttp::buffer_body> req;
  std::optional<bhttp::request_serializer<bhttp::buffer_body>> sr;
  ResponseParser rp;
  std::string buffered;  // buffer_body: the whole request body
  bool client_failed = false;
  bool upload_done = false;
  error_code upstream_ec;
  bool head_ok = false;
  bool response_ok = false;

  Proxy(Exchange& x_, ConnectionPool::Conn& up_, const ProxyOptions& o)
      : x(x_), up(up_), options(o) {
    const auto& in = x.request();
    req.method_string(in.method_string());
    req.target(options.target.empty() ? in.target() : beast::string_view(options.target));
    req.version(11);
    copy_end_to_end(in, req);
    for (const auto& [k, v] : options.request_headers) req.set(k, v);
    req.keep_alive(true);
    rp.body_limit(boost::none);
    if (in.method() == bhttp::verb::head) rp.skip(true);
  }

  bool timed_out() const { return up.watch.expired(); }

  // Before each upstream operation: the remaining time of the call.
  void arm() {
    if (options.deadline) {
      up.watch.expires_at(*options.deadline);
    } else {
      up.watch.expires_never();
    }
  }

  void frame_body() {
    if (options.buffer_body) {
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

  awaitable<error_code> write_header() {
    arm();
    auto [ec, n] = co_await bhttp::async_write_header(up.stream, *sr, use_nothrow);
    co_return ec;
  }

  awaitable<error_code> write_piece(char* data, size_t size, bool more) {
    req.body().data = data;
    req.body().size = size;
    req.body().more = more;
    arm();
    auto [ec, n] = co_await bhttp::async_write(up.stream, *sr, use_nothrow);
    co_return ec == bhttp::error::need_buffer ? error_code{} : ec;
  }

  awaitable<void> upload() {
    if (options.buffer_body) {
      if (!buffered.empty()) upstream_ec = co_await write_piece(buffered.data(), buffered.size(), true);
    } else {
      ChunkBuffer buf;
      for (;;) {
        x.watch.expires_after(options.read_timeout);
        auto n = co_await read_body_some(x.stream, x.buffer, x.parser,
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
        if ((upstream_ec = co_await write_piece(buf.get(), *n, true))) co_return;
      }
    }
    if (!upstream_ec) upstream_ec = co_await write_piece(nullptr, 0, false);
    upload_done = true;
  }

  awaitable<void> download() {
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
    if (options.on_response) options.on_response(res);
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
  awaitable<bool> relay() {
    bool bodiless = false;
    auto res = response_head(bodiless);
    ChunkBuffer buf;
    bhttp::response_serializer<bhttp::buffer_body> out(res);
    x.watch.expires_after(options.write_timeout);
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
        auto n = co_await read_body_some(up.stream, up.buffer, rp, std::span<char>(buf.get(), kChunk));
        if (!n) co_return false;
        got = *n;
      }
      res.body().data = got ? buf.get() : nullptr;
      res.body().size = got;
      res.body().more = got != 0;
      x.watch.expires_after(options.write_timeout);
      auto [ec, w] = co_await bhttp::async_write(x.stream, out, use_nothrow);
      if (ec && ec != bhttp::error::need_buffer) co_return false;
      x.response_bytes += got;
      if (got == 0) co_return true;
      got = 0;
    }
  }
};

ProxyResult failure(ProxyResult::Outcome outcome, std::string detail) {
  return ProxyResult{.outcome = outcome, .detail = std::move(detail)};
}

}  // namespace

awaitable<ProxyResult> forward(Exchange& x, ConnectionPool& pool, ProxyOptions options) {
  using Outcome = ProxyResult::Outcome;
  InflightGuard counted(pool);
  std::string buffered;
  if (options.buffer_body) {
    auto body = co_await read_body_all(x.stream, x.buffer, x.parser, options.max_buffered_body);
    if (!body) co_return failure(Outcome::kBadRequest, body.error().message());
    buffered = std::move(*body);
  }
  const bool has_body = options.buffer_body ? !buffered.empty() : !x.parser.is_done();
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    error_code ec;
    auto conn = co_await pool.acquire(reused, ec);
    if (!conn) co_return failure(Outcome::kConnectFailed, ec.message());
    Proxy p(x, *conn, options);
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
      co_return ProxyResult{};
    }
    if (p.head_ok) {
      if (!p.response_ok) {
        x.keep_alive = false;  // headers already sent: a cut connection is the only signal left
      } else if (p.rp.keep_alive() && p.upload_done) {
        pool.release(std::move(conn));
      }
      co_return ProxyResult{};
    }
    // A pooled connection the upstream had already closed: retry once on a fresh one, when no
    // body had to be sent (nothing was consumed from the client).
    if (reused && attempt == 0 && !has_body && !p.timed_out()) {
      buffered = std::move(p.buffered);
      continue;
    }
    if (p.timed_out()) co_return failure(Outcome::kTimeout, "timed out");
    co_return failure(Outcome::kUpstreamFailed, p.upstream_ec.message());
  }
}

awaitable<ProxyResult> tunnel(Exchange& x, ConnectionPool& pool, ProxyOptions options) {
  using Outcome = ProxyResult::Outcome;
  InflightGuard counted(pool);
  x.keep_alive = false;
  bool reused = false;
  error_code ec;
  pool.clear();  // never tunnel over a pooled connection
  auto conn = co_await pool.acquire(reused, ec);
  if (!conn) co_return failure(Outcome::kConnectFailed, ec.message());
  bhttp::request<bhttp::empty_body> req;
  req.method_string(x.request().method_string());
  req.target(options.target.empty() ? x.request().target() : beast::string_view(options.target));
  req.version(11);
  for (const auto& f : x.request()) req.insert(f.name_string(), f.value());
  for (const auto& [k, v] : options.request_headers) req.set(k, v);
  if (auto [wec, n] = co_await bhttp::async_write(conn->stream, req, use_nothrow); wec) {
    co_return failure(Outcome::kUpstreamFailed, wec.message());
  }
  bhttp::response_parser<bhttp::string_body> rp;
  rp.body_limit(options.max_buffered_body);
  if (options.deadline) {
    conn->watch.expires_at(*options.deadline);
  } else {
    conn->watch.expires_after(std::chrono::seconds(30));
  }
  if (auto [rec, n] = co_await bhttp::async_read(conn->stream, conn->buffer, rp, use_nothrow); rec) {
    if (conn->watch.expired()) co_return failure(Outcome::kTimeout, "timed out");
    co_return failure(Outcome::kUpstreamFailed, rec.message());
  }
  auto res = rp.release();
  x.status = res.result_int();
  x.watch.expires_after(options.write_timeout);
  if (auto [wec, n] = co_await bhttp::async_write(x.stream, res, use_nothrow); wec) co_return ProxyResult{};
  if (x.status != 101) co_return ProxyResult{};
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
  co_return ProxyResult{};
}

}  // namespace faas::http
