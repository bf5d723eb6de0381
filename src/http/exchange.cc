#include "faas/http/exchange.h"

namespace faas::http {

awaitable<void> respond_internal(Exchange& x, bhttp::status status, std::string body,
                                 std::string_view who, HeaderList extra) {
  x.status = static_cast<unsigned>(status);
  x.keep_alive = false;
  TextResponse r{.status = status, .body = std::move(body), .headers = std::move(extra)};
  r.version = x.version();
  r.keep_alive = false;
  r.headers.emplace_back("X-OpenFaaS-Internal", std::string(who));
  x.watch.expires_after(std::chrono::seconds(30));
  co_await write_response(x.stream, std::move(r));
}

}  // namespace faas::http
