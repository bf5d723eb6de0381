// Reading a message body piece by piece with back-pressure, and writing responses: fixed ones and
// streamed (chunked) ones. All functions complete on the stream's executor and never throw.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faas/core/result.h"
#include "faas/http/types.h"

namespace faas::http {

// Reads up to out.size() body bytes of the message being parsed into out. Returns 0 once the body
// is complete (immediately for a message without one). Works for request and response parsers.
template <bool isRequest>
awaitable<Result<size_t>> read_body_some(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                         bhttp::parser<isRequest, bhttp::buffer_body>& parser,
                                         std::span<char> out);

// Reads the whole remaining body into a string, failing once it passes `limit` bytes.
template <bool isRequest>
awaitable<Result<std::string>> read_body_all(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                             bhttp::parser<isRequest, bhttp::buffer_body>& parser,
                                             size_t limit);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct TextResponse {
  bhttp::status status = bhttp::status::ok;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  HeaderList headers;
  unsigned version = 11;
  bool keep_alive = true;
  bool head_only = false;  // HEAD: headers with Content-Length, no body
};

// Writes a complete response with Content-Length.
awaitable<error_code> write_response(beast::tcp_stream& stream, TextResponse response);

// A response whose body is written as it is produced: chunked on HTTP/1.1, close-delimited on 1.0.
// Each write goes to the socket before the next is accepted, so a slow client slows the producer.
class StreamingResponse {
 public:
  StreamingResponse(beast::tcp_stream& stream, bhttp::response<bhttp::buffer_body> header);
  StreamingResponse(const StreamingResponse&) = delete;
  StreamingResponse& operator=(const StreamingResponse&) = delete;

  bhttp::response<bhttp::buffer_body>& message() { return response_; }
  awaitable<error_code> write_header();
  awaitable<error_code> write(std::span<const char> data);
  // Ends the body (last chunk). Skip it to signal an incomplete body by closing the connection.
  awaitable<error_code> finish();

 private:
  beast::tcp_stream& stream_;
  bhttp::response<bhttp::buffer_body> response_;
  bhttp::response_serializer<bhttp::buffer_body> serializer_;
};

}  // namespace faas::http
