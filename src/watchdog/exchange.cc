#include "exchange.h"

#include "faas/http/body.h"

namespace faas::watchdog {

http::awaitable<void> respond_internal(Exchange& x, http::bhttp::status status, std::string body) {
  x.status = static_cast<unsigned>(status);
  x.keep_alive = false;
  http::TextResponse r{.status = status, .body = std::move(body)};
  r.version = x.version();
  r.keep_alive = false;
  r.headers.emplace_back("X-OpenFaaS-Internal", "fwatchdog");
  x.watch.expires_after(std::chrono::seconds(30));
  co_await http::write_response(x.stream, std::move(r));
}

}  // namespace faas::watchdog
