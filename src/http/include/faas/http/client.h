// Client: an HTTP/1.1 client for one upstream base URL ("http://127.0.0.1:8081[/prefix]"), for
// management calls (the gateway's client of the faas-provider REST contract), not the invocation
// hot path. Keeps a few idle keep-alive connections; a request that fails on a pooled connection
// before any response byte arrived is sent once more on a fresh one (the upstream closed the idle
// connection; our bodies are always fully in hand, so resending is safe).
//
// Single-threaded: a Client and every request on it belong to one executor. The Client must
// outlive the requests in flight (moving it is fine: its state stays where it is). Nothing here
// throws; failures are Errors whose code is a ClientErrc (context: what failed and why).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faas/core/result.h"
#include "faas/http/body.h"
#include "faas/http/types.h"

namespace faas::http {

enum class ClientErrc {
  kConnect = 1,  // could not connect (refused, unreachable): the upstream is down
  kTimeout,      // the request's timeout passed before the response head arrived (or request())
  kStalled,      // stream(): the head arrived, then no body data came within the timeout
  kBadResponse,  // not HTTP, or the connection ended in the middle of a response
  kTooLarge,     // the response head or body is over the client's limit
  kIo,           // another socket error while sending or receiving
};
const std::error_category& client_category();
inline std::error_code make_error_code(ClientErrc e) {
  return {static_cast<int>(e), client_category()};
}

struct ClientRequest {
  bhttp::verb method = bhttp::verb::get;
  // Path and query, appended to the base URL's path prefix; starts with '/'.
  std::string target = "/";
  HeaderList headers;  // Host, User-Agent and Content-Length are set unless given here
  std::string body;    // sent with Content-Length (none for an empty GET/HEAD/DELETE body)
  // request(): bounds the whole exchange. stream(): bounds connect + response head, then each wait
  // for the next piece of the body.
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
};

struct ClientResponse {
  unsigned status = 0;
  bhttp::fields headers;
  std::string body;  // stream(): only for a non-2xx status (the sink gets 2xx bodies)
};

// Receives body bytes as they arrive (or one line, without "\n"/"\r\n", for stream_lines). The
// view is valid only during the call; returning false stops the transfer.
using ChunkSink = std::function<awaitable<bool>(std::string_view)>;

struct ClientOptions {
  std::size_t max_body = 16 * 1024 * 1024;  // request() and non-2xx bodies of stream()
  std::size_t max_header = 1024 * 1024;     // response head (OpenFaaS's max header size)
  std::size_t max_line = 1024 * 1024;       // stream_lines(): a longer line is kTooLarge
  std::size_t max_idle = 8;                 // idle keep-alive connections kept
  std::string user_agent = "faas++";
};

class Client {
 public:
  // base_url: "http://IP:port[/prefix]" or "host:port"; the host must be an IP literal or
  // localhost (no DNS). A trailing '/' of the prefix is dropped.
  static Result<Client> create(const net::any_io_executor& ex, std::string_view base_url,
                               ClientOptions options = {});

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  // Sends the request and reads the whole response (any status); the body is capped at max_body.
  awaitable<Result<ClientResponse>> request(ClientRequest request);

  // Sends the request; a 2xx body goes to `sink` piece by piece as it arrives, any other status's
  // body is read (capped) into the returned response. Returns after the body ended or the sink
  // returned false (then the connection is dropped, not pooled).
  awaitable<Result<ClientResponse>> stream(ClientRequest request, ChunkSink sink);
  // stream() that hands the 2xx body to `sink` one line at a time, the last line also when it has
  // no trailing newline. Empty lines are skipped.
  awaitable<Result<ClientResponse>> stream_lines(ClientRequest request, ChunkSink sink);

  const tcp::endpoint& endpoint() const;
  const std::string& path_prefix() const;  // "" or "/prefix"
  std::size_t idle_connections() const;

 private:
  struct State;
  explicit Client(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace faas::http

template <>
struct std::is_error_code_enum<faas::http::ClientErrc> : std::true_type {};
