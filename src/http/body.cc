#include "faas/http/body.h"

namespace faas::http {

namespace {
Error http_error(error_code ec, std::string what) {
  return make_error(std::error_code(ec.value(), ec.category()), std::move(what));
}
}  // namespace

template <bool isRequest>
awaitable<Result<size_t>> read_body_some(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                         bhttp::parser<isRequest, bhttp::buffer_body>& parser,
                                         std::span<char> out) {
  if (parser.is_done()) co_return size_t{0};
  auto& body = parser.get().body();
  body.data = out.data();
  body.size = out.size();
  auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, use_nothrow);
  (void)n;
  if (ec && ec != bhttp::error::need_buffer) co_return http_error(ec, "read body");
  size_t got = out.size() - body.size;
  if (got == 0 && !parser.is_done()) {
    // A chunk header or similar framing consumed the read; try again for data.
    co_return co_await read_body_some(stream, buffer, parser, out);
  }
  co_return got;
}

template <bool isRequest>
awaitable<Result<std::string>> read_body_all(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                             bhttp::parser<isRequest, bhttp::buffer_body>& parser,
                                             size_t limit) {
  std::string out;
  char chunk[64 * 1024];
  for (;;) {
    auto n = co_await read_body_some(stream, buffer, parser, std::span<char>(chunk));
    if (!n) co_return n.error();
    if (*n == 0) co_return out;
    if (out.size() + *n > limit) {
      co_return make_error(std::make_error_code(std::errc::message_size),
                           "body larger than " + std::to_string(limit) + " bytes");
    }
    out.append(chunk, *n);
  }
}

template awaitable<Result<size_t>> read_body_some<true>(beast::tcp_stream&, beast::flat_buffer&,
                                                        RequestParser&, std::span<char>);
template awaitable<Result<size_t>> read_body_some<false>(beast::tcp_stream&, beast::flat_buffer&,
                                                         ResponseParser&, std::span<char>);
template awaitable<Result<std::string>> read_body_all<true>(beast::tcp_stream&,
                                                            beast::flat_buffer&, RequestParser&,
                                                            size_t);
template awaitable<Result<std::string>> read_body_all<false>(beast::tcp_stream&,
                                                             beast::flat_buffer&, ResponseParser&,
                                                             size_t);

awaitable<error_code> write_response(beast::tcp_stream& stream, TextResponse r) {
  bhttp::response<bhttp::string_body> res{r.status, r.version};
  res.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(r.keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (r.head_only) {
    bhttp::response_serializer<bhttp::string_body> sr(res);
    auto [ec, n] = co_await bhttp::async_write_header(stream, sr, use_nothrow);
    (void)n;
    co_return ec;
  }
  auto [ec, n] = co_await bhttp::async_write(stream, res, use_nothrow);
  (void)n;
  co_return ec;
}

StreamingResponse::StreamingResponse(beast::tcp_stream& stream,
                                     bhttp::response<bhttp::buffer_body> header)
    : stream_(stream), response_(std::move(header)), serializer_(response_) {
  if (response_.version() >= 11) {
    response_.chunked(true);
  } else {
    response_.keep_alive(false);  // HTTP/1.0: the body ends when the connection closes
  }
}

awaitable<error_code> StreamingResponse::write_header() {
  response_.body().data = nullptr;
  response_.body().more = true;
  auto [ec, n] = co_await bhttp::async_write_header(stream_, serializer_, use_nothrow);
  (void)n;
  co_return ec;
}

awaitable<error_code> StreamingResponse::write(std::span<const char> data) {
  if (data.empty()) co_return error_code{};
  response_.body().data = const_cast<char*>(data.data());
  response_.body().size = data.size();
  response_.body().more = true;
  auto [ec, n] = co_await bhttp::async_write(stream_, serializer_, use_nothrow);
  (void)n;
  if (ec == bhttp::error::need_buffer) ec = {};
  co_return ec;
}

awaitable<error_code> StreamingResponse::finish() {
  response_.body().data = nullptr;
  response_.body().size = 0;
  response_.body().more = false;
  auto [ec, n] = co_await bhttp::async_write(stream_, serializer_, use_nothrow);
  (void)n;
  co_return ec;
}

}  // namespace faas::http
