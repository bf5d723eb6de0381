// parse_endpoint (upstream_url) on arbitrary bytes: an error or a usable endpoint.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faas/http/listener.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view url(reinterpret_cast<const char*>(data), size);
  auto ep = faas::http::parse_endpoint(url, 8080);
  if (!ep) {
    if (ep.error().message().empty()) std::abort();
    return 0;
  }
  if (ep->port() == 0) std::abort();
  // Whatever address came out prints and parses back to itself.
  boost::system::error_code ec;
  auto again = boost::asio::ip::make_address(ep->address().to_string(), ec);
  if (ec || again != ep->address()) std::abort();
  return 0;
}
