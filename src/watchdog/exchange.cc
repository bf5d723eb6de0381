#include "exchange.h"

namespace faas::watchdog {

http::awaitable<void> respond_internal(Exchange& x, http::bhttp::status status, std::string body) {
  co_await http::respond_internal(x, status, std::move(body), "fwatchdog");
}

}  // namespace faas::watchdog
