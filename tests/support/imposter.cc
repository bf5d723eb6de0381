#include "support/imposter.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "faas/http/listener.h"

namespace faas::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using faas::http::awaitable;
using faas::http::tcp;
using faas::http::use_nothrow;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

RecordedRequest to_record(const bhttp::request<bhttp::string_body>& req) {
  RecordedRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& f : req) r.headers.emplace_back(f.name_string(), f.value());
  r.body = req.body();
  return r;
}

std::string head_text(const Reply& reply, bool announce_close) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                    std::string(bhttp::obsolete_reason(bhttp::int_to_status(reply.status))) +
                    "\r\n";
  for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
  if (reply.chunks.empty()) {
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  } else {
    out += "Transfer-Encoding: chunked\r\n";
  }
  if (announce_close) out += "Connection: close\r\n";
  return out + "\r\n";
}

awaitable<bool> write_text(beast::tcp_stream& stream, const std::string& text) {
  auto [ec, n] = co_await net::async_write(stream, net::buffer(text), use_nothrow);
  (void)n;
  co_return !ec;
}

// Waits until the peer closes (or the imposter stops), discarding anything it sends.
awaitable<void> drain(beast::tcp_stream& stream) {
  char buf[4096];
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(net::buffer(buf), use_nothrow);
    (void)n;
    if (ec) co_return;
  }
}

// Answers one request; returns whether the connection may serve another.
awaitable<bool> respond(beast::tcp_stream& stream, const Reply& reply, bool keep_alive) {
  switch (reply.action) {
    case Reply::Action::kHang:
      co_await drain(stream);
      co_return false;
    case Reply::Action::kClose:
      co_return false;
    case Reply::Action::kRaw:
      co_await write_text(stream, reply.raw);
      co_return false;
    case Reply::Action::kRespond:
      break;
  }
  std::string head = head_text(reply, !keep_alive);
  if (reply.chunks.empty()) {
    if (!co_await write_text(stream, head + reply.body)) co_return false;
    co_return keep_alive && !reply.close_after;
  }
  if (!co_await write_text(stream, head)) co_return false;
  for (std::size_t i = 0; i < reply.chunks.size(); ++i) {
    if (reply.before_chunk) reply.before_chunk(i);
    const auto& c = reply.chunks[i];
    if (c.empty()) continue;  // an empty chunk would end the body
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", c.size());
    if (!co_await write_text(stream, size + c + "\r\n")) co_return false;
  }
  if (!co_await write_text(stream, "0\r\n\r\n")) co_return false;
  co_return keep_alive && !reply.close_after;
}

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

std::optional<std::string> RecordedRequest::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto item = rest.substr(0, amp);
    auto eq = item.find('=');
    if (percent_decode(item.substr(0, eq)) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(item.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

Reply Reply::text(unsigned status, std::string body) {
  Reply r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

Reply Reply::json(unsigned status, std::string body) {
  Reply r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return r;
}

Reply Reply::hang() {
  Reply r;
  r.action = Action::kHang;
  return r;
}

Reply Reply::close() {
  Reply r;
  r.action = Action::kClose;
  return r;
}

Reply Reply::raw_bytes(std::string bytes) {
  Reply r;
  r.action = Action::kRaw;
  r.raw = std::move(bytes);
  return r;
}

// The parts that live on the imposter's thread.
struct Imposter::Impl {
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(io);
  std::optional<http::Listener> listener;
  std::set<tcp::socket*> sockets;  // open connections, touched on the io thread only
  bool stopped = false;

  awaitable<void> session(Imposter& self, tcp::socket socket);
};

awaitable<void> Imposter::Impl::session(Imposter& self, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  if (stopped) co_return;
  sockets.insert(&stream.socket());
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(1 << 20);
    parser.body_limit(64 << 20);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_nothrow);
    (void)n;
    if (ec) break;
    auto record = to_record(parser.get());
    auto reply = self.reply_to(record);
    self.record(record);
    if (!reply)
      reply = Reply::text(404, "no imposter rule for " + record.method + " " + record.path);
    if (!co_await respond(stream, *reply, parser.get().keep_alive())) break;
  }
  sockets.erase(&stream.socket());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.socket().close(ignored);
}

Imposter::Imposter() : impl_(std::make_unique<Impl>()) {
  auto listener = http::Listener::bind(impl_->io.get_executor(), "127.0.0.1", 0);
  if (!listener) {
    ADD_FAILURE() << "imposter: " << listener.error().message();
    return;
  }
  port_ = listener->port();
  impl_->listener.emplace(std::move(*listener));
  net::co_spawn(impl_->io, impl_->listener->run([this](tcp::socket s) -> awaitable<void> {
    ++connections_;
    return impl_->session(*this, std::move(s));
  }),
                net::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

Imposter::~Imposter() { stop(); }

void Imposter::stop() {
  if (!thread_.joinable()) return;
  net::post(impl_->io, [impl = impl_.get()] {
    impl->stopped = true;
    if (impl->listener) impl->listener->close();
    for (auto* s : impl->sockets) {
      beast::error_code ignored;
      s->cancel(ignored);
      s->shutdown(tcp::socket::shutdown_both, ignored);
    }
    impl->work.reset();
  });
  thread_.join();
}

std::string Imposter::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void Imposter::when(std::string method, std::string path, Reply reply) {
  std::lock_guard lock(mutex_);
  responders_.erase({method, path});
  rules_[{std::move(method), std::move(path)}] = std::move(reply);
}

void Imposter::when_request(std::string method, std::string path, Responder responder) {
  std::lock_guard lock(mutex_);
  rules_.erase({method, path});
  responders_[{std::move(method), std::move(path)}] = std::move(responder);
}

std::optional<Reply> Imposter::reply_to(const RecordedRequest& request) const {
  Responder responder;
  {
    std::lock_guard lock(mutex_);
    auto it = responders_.find({request.method, request.path});
    if (it != responders_.end()) responder = it->second;
  }
  if (responder) return responder(request);  // outside the lock: it may call back into us
  return find(request.method, request.path);
}

std::vector<RecordedRequest> Imposter::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

RecordedRequest Imposter::last_request() const {
  std::lock_guard lock(mutex_);
  return requests_.empty() ? RecordedRequest{} : requests_.back();
}

std::optional<Reply> Imposter::find(const std::string& method, const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = rules_.find({method, path});
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

void Imposter::record(RecordedRequest request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
}

}  // namespace faas::test
