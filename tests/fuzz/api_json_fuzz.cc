// Every OpenFaaS JSON decoder, the route table and the query decoder on arbitrary bytes: a value or a named error, never a crash; and a
// decoded value encodes to JSON that decodes to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faas/api/json.h"
#include "faas/gateway/router.h"
#include "replies.h"  // src/gateway: query-string decoding

namespace {

template <class Parse>
void round_trip(std::string_view text, Parse parse) {
  auto v = parse(text);
  if (!v) {
    if (v.error().message().empty()) std::abort();
    return;
  }
  auto again = parse(faas::api::to_json(*v));
  if (!again || !(*again == *v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace faas::api;
  round_trip(text, parse_deployment);
  round_trip(text, parse_scale_request);
  round_trip(text, parse_delete_request);
  round_trip(text, parse_namespace);
  round_trip(text, parse_provider_info);
  round_trip(text, parse_gateway_info);
  (void)parse_function_status(text);
  (void)parse_function_list(text);
  (void)parse_secret(text);
  (void)parse_secret_list(text);
  (void)parse_string_list(text);
  (void)parse_log_message(text);
  (void)parse_alert(text);
  (void)faas::gateway::query_param(text, "namespace");
  (void)faas::gateway::has_query_param(text, "follow");
  (void)parse_rfc3339(text);
  for (auto method : {boost::beast::http::verb::get, boost::beast::http::verb::post}) {
    (void)faas::gateway::match_route(method, text);
  }
  return 0;
}
