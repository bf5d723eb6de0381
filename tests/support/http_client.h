// HttpConnection: a small blocking HTTP/1.1 client over one loopback TCP socket, for integration
// tests that drive real servers.
//
// It writes exactly the bytes a test asks for (fixed-length bodies, chunked bodies pulled from a
// generator, or raw bytes for malformed requests) and parses responses itself: Content-Length,
// chunked and close-delimited bodies, read whole or piece by piece as they arrive (so a test can
// see *when* streamed data shows up). Every wait is bounded by the connection's timeout; nothing
// blocks forever.
//
// Thread-safety: one thread may send while another reads (a full-duplex upload/download);
// otherwise use from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faas/core/result.h"

namespace faas::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::chrono::milliseconds kDefaultIoTimeout{10'000};

struct Request {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;   // sent as given; Host is added unless present
  std::string body;  // sent with Content-Length (also when empty for POST/PUT/PATCH)
  std::string version = "HTTP/1.1";
};

struct ResponseHead {
  std::string version;  // "HTTP/1.1"
  int status = 0;
  std::string reason;
  Headers headers;

  // The first value of a header (case-insensitive name), if present.
  std::optional<std::string> header(std::string_view name) const;
  bool has_header(std::string_view name) const { return header(name).has_value(); }
  // Whether the server intends to keep the connection open after this response.
  bool keep_alive() const;
};

struct Response : ResponseHead {
  std::string body;
};

// Produces a request body piece by piece: each call returns the next piece, an empty view at the
// end. The view must stay valid until the next call.
using BodySource = std::function<std::string_view()>;

class HttpConnection {
 public:
  // Connects to 127.0.0.1:port.
  static Result<HttpConnection> connect(std::uint16_t port,
                                        std::chrono::milliseconds timeout = kDefaultIoTimeout);

  HttpConnection(HttpConnection&& other) noexcept;
  HttpConnection& operator=(HttpConnection&& other) noexcept;
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection();

  int fd() const { return fd_; }
  // Bounds every later wait for the socket to become readable or writable.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ms_ = timeout.count(); }
  // Shrinks the kernel receive buffer, so a test that reads slowly really applies back-pressure.
  void set_receive_buffer(int bytes);

  // --- Sending ---
  Result<void> send_raw(std::string_view bytes);
  // The request line, headers and (Content-Length framed) body.
  Result<void> send(const Request& request);
  // The request line and headers with Transfer-Encoding: chunked; follow with send_chunk() calls
  // and end_chunks(), or with send_chunked_body().
  Result<void> send_chunked_head(const Request& request);
  Result<void> send_chunk(std::string_view data);  // empty data is skipped (it would end the body)
  Result<void> end_chunks();
  // All of source's pieces as chunks, then the last chunk. Returns the number of body bytes sent.
  Result<std::uint64_t> send_chunked_body(const BodySource& source);
  void shutdown_write();

  // --- Receiving ---
  // Reads a response head (skipping 100 Continue). For a HEAD request pass head_request=true so
  // the body framing is not expected.
  Result<ResponseHead> read_head(bool head_request = false);
  // The next piece of the current response body as it arrived (at most max bytes), or an empty
  // string once the body is complete. An error if the connection ends before the body does.
  Result<std::string> read_body_piece(std::size_t max = 64 * 1024);
  // The rest of the current response body.
  Result<std::string> read_body();
  Result<Response> read_response(bool head_request = false);
  // send() + read_response().
  Result<Response> round_trip(const Request& request);

  // Everything the server sends until it closes the connection (for raw/malformed exchanges).
  Result<std::string> read_until_close();
  // True if the server closes the connection (EOF or reset) within the timeout, discarding any
  // bytes it sends first.
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  enum class BodyMode { kNone, kLength, kChunked, kUntilClose, kDone };

  explicit HttpConnection(int fd, std::chrono::milliseconds timeout)
      : fd_(fd), timeout_ms_(timeout.count()) {}
  Result<void> wait_for(short events);
  Result<void> write_all(std::string_view data);
  // Reads more bytes into buf_; false on EOF.
  Result<bool> fill();
  Result<std::string> read_line();  // one CRLF-terminated line, without the CRLF
  std::string take(std::size_t n);
  std::size_t available() const { return buf_.size() - pos_; }
  void close();

  int fd_ = -1;
  std::atomic<long long> timeout_ms_;
  std::string buf_;
  std::size_t pos_ = 0;
  BodyMode mode_ = BodyMode::kDone;
  std::uint64_t remaining_ = 0;  // kLength: body bytes left; kChunked: bytes left in this chunk
  bool in_chunk_ = false;
};

// Opens a connection, performs one request and returns the response.
Result<Response> http_request(std::uint16_t port, const Request& request,
                              std::chrono::milliseconds timeout = kDefaultIoTimeout);

// A port that was free a moment ago (bind to port 0, then release). For programs that cannot
// report the port they bound; prefer having the server pick and report its own port.
Result<std::uint16_t> pick_free_port();

}  // namespace faas::test
