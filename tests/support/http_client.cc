#include "support/http_client.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace faas::test {

namespace {

constexpr std::size_t kMaxHeadBytes = 1 << 20;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string format_head(const Request& r, std::string_view framing) {
  std::string out = r.method + " " + r.target + " " + r.version + "\r\n";
  bool has_host = false;
  for (const auto& [k, v] : r.headers) {
    has_host = has_host || iequals(k, "Host");
    out += k + ": " + v + "\r\n";
  }
  if (!has_host) out += "Host: 127.0.0.1\r\n";
  out += framing;
  out += "\r\n";
  return out;
}

bool method_has_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

std::optional<std::string> ResponseHead::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

bool ResponseHead::keep_alive() const {
  auto connection = header("Connection").value_or("");
  if (version == "HTTP/1.0") return has_token(connection, "keep-alive");
  return !has_token(connection, "close");
}

Result<HttpConnection> HttpConnection::connect(std::uint16_t port,
                                               std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return errno_error(errno, "socket");
  HttpConnection c(fd, timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS) return errno_error(errno, "connect to port " + std::to_string(port));
    if (auto w = c.wait_for(POLLOUT); !w) return w.error();
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return errno_error(err, "connect to port " + std::to_string(port));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return c;
}

HttpConnection::HttpConnection(HttpConnection&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      timeout_ms_(o.timeout_ms_.load()),
      buf_(std::move(o.buf_)),
      pos_(o.pos_),
      mode_(o.mode_),
      remaining_(o.remaining_),
      in_chunk_(o.in_chunk_) {}

HttpConnection& HttpConnection::operator=(HttpConnection&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    timeout_ms_ = o.timeout_ms_.load();
    buf_ = std::move(o.buf_);
    pos_ = o.pos_;
    mode_ = o.mode_;
    remaining_ = o.remaining_;
    in_chunk_ = o.in_chunk_;
  }
  return *this;
}

HttpConnection::~HttpConnection() { close(); }

void HttpConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void HttpConnection::set_receive_buffer(int bytes) {
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

Result<void> HttpConnection::wait_for(short events) {
  pollfd p{.fd = fd_, .events = events, .revents = 0};
  for (;;) {
    int r = ::poll(&p, 1, static_cast<int>(timeout_ms_.load()));
    if (r > 0) return {};
    if (r == 0) {
      return make_error(std::make_error_code(std::errc::timed_out),
                        events == POLLOUT ? "waiting to write" : "waiting to read");
    }
    if (errno != EINTR) return errno_error(errno, "poll");
  }
}

Result<void> HttpConnection::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (auto w = wait_for(POLLOUT); !w) return w.error();
      continue;
    }
    return errno_error(errno, "send");
  }
  return {};
}

Result<bool> HttpConnection::fill() {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > (1 << 20)) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  char tmp[64 * 1024];
  for (;;) {
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n > 0) {
      buf_.append(tmp, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto w = wait_for(POLLIN); !w) return w.error();
      continue;
    }
    return errno_error(errno, "recv");
  }
}

Result<std::string> HttpConnection::read_line() {
  for (;;) {
    auto nl = buf_.find("\r\n", pos_);
    if (nl != std::string::npos) {
      std::string line = buf_.substr(pos_, nl - pos_);
      pos_ = nl + 2;
      return line;
    }
    if (available() > kMaxHeadBytes) return invalid_argument("line too long");
    auto more = fill();
    if (!more) return more.error();
    if (!*more) return invalid_argument("connection closed in the middle of a line");
  }
}

std::string HttpConnection::take(std::size_t n) {
  std::string out = buf_.substr(pos_, n);
  pos_ += out.size();
  return out;
}

Result<void> HttpConnection::send_raw(std::string_view bytes) { return write_all(bytes); }

Result<void> HttpConnection::send(const Request& r) {
  std::string framing;
  bool explicit_framing = false;
  for (const auto& [k, v] : r.headers) {
    explicit_framing =
        explicit_framing || iequals(k, "Content-Length") || iequals(k, "Transfer-Encoding");
  }
  if (!explicit_framing && (!r.body.empty() || method_has_body(r.method))) {
    framing = "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  }
  std::string out = format_head(r, framing);
  out += r.body;
  return write_all(out);
}

Result<void> HttpConnection::send_chunked_head(const Request& r) {
  return write_all(format_head(r, "Transfer-Encoding: chunked\r\n"));
}

Result<void> HttpConnection::send_chunk(std::string_view data) {
  if (data.empty()) return {};
  char size[32];
  auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
  (void)ec;
  std::string head(size, end);
  head += "\r\n";
  if (auto r = write_all(head); !r) return r;
  if (auto r = write_all(data); !r) return r;
  return write_all("\r\n");
}

Result<void> HttpConnection::end_chunks() { return write_all("0\r\n\r\n"); }

Result<std::uint64_t> HttpConnection::send_chunked_body(const BodySource& source) {
  std::uint64_t total = 0;
  for (;;) {
    std::string_view piece = source();
    if (piece.empty()) break;
    if (auto r = send_chunk(piece); !r) return r.error();
    total += piece.size();
  }
  if (auto r = end_chunks(); !r) return r.error();
  return total;
}

void HttpConnection::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

Result<ResponseHead> HttpConnection::read_head(bool head_request) {
  for (;;) {
    ResponseHead head;
    auto status_line = read_line();
    if (!status_line) return status_line.error();
    // "HTTP/1.1 200 OK"
    auto sp1 = status_line->find(' ');
    if (sp1 == std::string::npos || !status_line->starts_with("HTTP/")) {
      return invalid_argument("bad status line: " + *status_line);
    }
    head.version = status_line->substr(0, sp1);
    auto sp2 = status_line->find(' ', sp1 + 1);
    auto code =
        status_line->substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
    auto [p, ec] = std::from_chars(code.data(), code.data() + code.size(), head.status);
    if (ec != std::errc() || p != code.data() + code.size()) {
      return invalid_argument("bad status code: " + *status_line);
    }
    if (sp2 != std::string::npos) head.reason = status_line->substr(sp2 + 1);
    for (;;) {
      auto line = read_line();
      if (!line) return line.error();
      if (line->empty()) break;
      auto colon = line->find(':');
      if (colon == std::string::npos) return invalid_argument("bad header line: " + *line);
      std::string value = line->substr(colon + 1);
      auto first = value.find_first_not_of(" \t");
      value = first == std::string::npos ? "" : value.substr(first);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      head.headers.emplace_back(line->substr(0, colon), std::move(value));
    }
    if (head.status == 100) continue;  // interim response
    in_chunk_ = false;
    remaining_ = 0;
    auto te = head.header("Transfer-Encoding");
    auto length = head.header("Content-Length");
    if (head_request || head.status == 204 || head.status == 304 || head.status / 100 == 1) {
      mode_ = BodyMode::kNone;
    } else if (te && has_token(*te, "chunked")) {
      mode_ = BodyMode::kChunked;
    } else if (length) {
      std::uint64_t n = 0;
      auto [q, lec] = std::from_chars(length->data(), length->data() + length->size(), n);
      if (lec != std::errc() || q != length->data() + length->size()) {
        return invalid_argument("bad Content-Length: " + *length);
      }
      mode_ = BodyMode::kLength;
      remaining_ = n;
    } else {
      mode_ = BodyMode::kUntilClose;
    }
    return head;
  }
}

Result<std::string> HttpConnection::read_body_piece(std::size_t max) {
  switch (mode_) {
    case BodyMode::kNone:
    case BodyMode::kDone:
      mode_ = BodyMode::kDone;
      return std::string();
    case BodyMode::kLength: {
      if (remaining_ == 0) {
        mode_ = BodyMode::kDone;
        return std::string();
      }
      if (available() == 0) {
        auto more = fill();
        if (!more) return more.error();
        if (!*more) {
          return invalid_argument("connection closed with " + std::to_string(remaining_) +
                                  " body bytes missing");
        }
      }
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>({remaining_, available(), max}));
      remaining_ -= n;
      return take(n);
    }
    case BodyMode::kUntilClose: {
      if (available() == 0) {
        auto more = fill();
        if (!more) return more.error();
        if (!*more) {
          mode_ = BodyMode::kDone;
          return std::string();
        }
      }
      return take(std::min(available(), max));
    }
    case BodyMode::kChunked:
      break;
  }
  for (;;) {
    if (in_chunk_ && remaining_ > 0) {
      if (available() == 0) {
        auto more = fill();
        if (!more) return more.error();
        if (!*more) return invalid_argument("connection closed inside a chunk");
      }
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>({remaining_, available(), max}));
      remaining_ -= n;
      return take(n);
    }
    if (in_chunk_) {  // the CRLF after a chunk's data
      auto crlf = read_line();
      if (!crlf) return crlf.error();
      if (!crlf->empty()) return invalid_argument("missing CRLF after chunk data");
      in_chunk_ = false;
    }
    auto size_line = read_line();
    if (!size_line) return size_line.error();
    std::string_view hex = *size_line;
    hex = hex.substr(0, hex.find(';'));
    std::uint64_t size = 0;
    auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
    if (ec != std::errc() || hex.empty()) return invalid_argument("bad chunk size: " + *size_line);
    if (size == 0) {
      for (;;) {  // trailers, then the blank line
        auto trailer = read_line();
        if (!trailer) return trailer.error();
        if (trailer->empty()) break;
      }
      mode_ = BodyMode::kDone;
      return std::string();
    }
    in_chunk_ = true;
    remaining_ = size;
  }
}

Result<std::string> HttpConnection::read_body() {
  std::string body;
  for (;;) {
    auto piece = read_body_piece(1 << 20);
    if (!piece) return piece.error();
    if (piece->empty()) return body;
    body += *piece;
  }
}

Result<Response> HttpConnection::read_response(bool head_request) {
  auto head = read_head(head_request);
  if (!head) return head.error();
  Response r;
  static_cast<ResponseHead&>(r) = std::move(*head);
  auto body = read_body();
  if (!body) return body.error();
  r.body = std::move(*body);
  return r;
}

Result<Response> HttpConnection::round_trip(const Request& request) {
  if (auto s = send(request); !s) return s.error();
  return read_response(request.method == "HEAD");
}

Result<std::string> HttpConnection::read_until_close() {
  for (;;) {
    auto more = fill();
    if (!more) {
      // A reset after the server's last bytes still ends the exchange; keep what arrived.
      if (more.error().code == std::error_code(ECONNRESET, std::system_category())) break;
      return more.error();
    }
    if (!*more) break;
  }
  return take(available());
}

bool HttpConnection::wait_closed(std::chrono::milliseconds timeout) {
  auto saved = timeout_ms_.load();
  timeout_ms_ = timeout.count();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool closed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto more = fill();
    buf_.clear();
    pos_ = 0;
    if (!more) {
      closed = more.error().code != std::make_error_code(std::errc::timed_out);
      break;
    }
    if (!*more) {
      closed = true;
      break;
    }
  }
  timeout_ms_ = saved;
  return closed;
}

Result<Response> http_request(std::uint16_t port, const Request& request,
                              std::chrono::milliseconds timeout) {
  auto c = HttpConnection::connect(port, timeout);
  if (!c) return c.error();
  return c->round_trip(request);
}

Result<std::uint16_t> pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error(errno, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    return errno_error(err, "bind port 0");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace faas::test
