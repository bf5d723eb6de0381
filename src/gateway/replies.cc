#include "replies.h"

#include "faas/http/body.h"
#include "faas/provider/errors.h"

namespace faas::gateway {

http::awaitable<void> reply(http::Exchange& x, unsigned status, std::string body,
                            std::string content_type, http::HeaderList headers) {
  x.status = status;
  x.response_bytes = body.size();
  x.keep_alive = x.keep_alive && x.parser.is_done();
  http::TextResponse r{.status = static_cast<http::bhttp::status>(status),
                       .body = std::move(body),
                       .content_type = std::move(content_type),
                       .headers = std::move(headers)};
  r.version = x.version();
  r.keep_alive = x.keep_alive;
  r.head_only = x.request().method() == http::bhttp::verb::head;
  x.watch.expires_after(std::chrono::seconds(30));
  if (co_await http::write_response(x.stream, std::move(r))) x.keep_alive = false;
}

http::awaitable<void> reply_error(http::Exchange& x, const Error& error) {
  auto text = error.context.empty() ? error.code.message() : error.context;
  co_await reply(x, provider::http_status(error), text + "\n");
}

}  // namespace faas::gateway
