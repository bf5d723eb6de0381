// Private: one blocking HTTP exchange over libcurl (redirects followed, proxies bypassed for
// loopback), the body either buffered or streamed to a sink. Not thread-safe per object; use one
// HttpClient per pull.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faas/core/result.h"

namespace faas::registry::detail {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when method is POST
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // of the final response; names lowercased
  std::string body;                            // buffered unless streamed (see send)

  std::string header(const std::string& lowercase_name) const;
};

// Gets the body of a 200 answer in pieces; an error stops the transfer and becomes send()'s
// error.
using BodySink = std::function<Result<void>(std::string_view chunk)>;

class HttpClient {
 public:
  explicit HttpClient(std::chrono::steady_clock::time_point deadline);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends request. A 200 body goes to sink when one is given; any other body is buffered (up to
  // max_body bytes, the rest dropped) so error answers can be read. Errors: transport failures
  // ("GET <url>: Couldn't connect to server ..."), the deadline, a buffered body over max_body
  // on 200, and the sink's error.
  Result<HttpResponse> send(const HttpRequest& request, const BodySink& sink = {},
                            std::size_t max_body = 4 << 20);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "a%2Fb" style escaping of a query value.
std::string url_escape(std::string_view text);

}  // namespace faas::registry::detail
