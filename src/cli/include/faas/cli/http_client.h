// A blocking HTTP client on libcurl for faas-cli. The CLI is not the data path: one request at a
// time, the calling thread waits. Response bodies are either collected or handed to a sink as they
// arrive (logs streams). Not thread-safe per call; separate calls may run on separate threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faas/core/result.h"

namespace faas::cli {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::optional<std::string> body;  // sent with Content-Length when set
  // Sent instead of `body` when set: streamed from disk with Content-Length (image archives can be
  // larger than memory).
  std::optional<std::filesystem::path> body_file;
  // Called often while the request body goes out (bytes sent, total); throttle any output.
  std::function<void(std::uint64_t sent, std::uint64_t total)> on_upload_progress;
  std::chrono::milliseconds timeout{60'000};  // whole request; 0 = none (log streams)
  bool tls_no_verify = false;
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names as received
  std::string body;    // empty when a sink took it
  // First value of a header, case-insensitive name; "" when absent.
  std::string header(std::string_view name) const;
};

// Receives the body bytes of a 2xx response as they arrive (other responses are collected in
// HttpResponse::body). Return false to stop the transfer (not an error).
using BodySink = std::function<bool(std::string_view)>;

// Performs the request. Transport failures (refused, DNS, TLS, timeout) are Errors whose message
// is curl's; HTTP error statuses are not errors here.
Result<HttpResponse> http_request(const HttpRequest& request, const BodySink& sink = nullptr);

// "202 Accepted"; unknown codes give just the number.
std::string status_text(long status);
// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
std::string url_encode(std::string_view text);

}  // namespace faas::cli
