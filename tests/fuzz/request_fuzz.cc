// An HTTP request head from arbitrary bytes, parsed by Beast as the server does, then turned into
// the CGI environment and the classic marshal_request document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "faas/watchdog/cgi_env.h"
#include "fork_handler.h"

namespace bhttp = faas::http::bhttp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  faas::http::RequestParser parser;
  parser.header_limit(1 << 20);  // as the server
  parser.eager(false);
  boost::system::error_code ec;
  auto used = parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const faas::http::RequestHeader& req = parser.get();

  static const faas::Environment base{{"PATH", "/usr/bin"}, {"fprocess", "cat"}};
  for (bool classic : {false, true}) {
    auto env = faas::watchdog::cgi_environment(base, req, {.classic = classic});
    for (const auto& kv : env) {
      if (kv.find('=') == std::string::npos) std::abort();  // every entry is KEY=VALUE
      if (kv.starts_with("Http_") && kv.substr(0, kv.find('=')).find('-') != std::string::npos) {
        std::abort();  // header names are exported with '-' -> '_'
      }
    }
  }
  std::string_view rest(reinterpret_cast<const char*>(data) + used, size - used);
  std::string doc = faas::watchdog::marshal_request(req, rest);
  if (!doc.starts_with("{\"header\":{\"header\":{") || !doc.ends_with("\"}}")) std::abort();
  for (unsigned char c : doc) {
    if (c < 0x20) std::abort();  // control characters are escaped
  }
  return 0;
}
