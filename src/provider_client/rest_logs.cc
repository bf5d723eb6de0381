// RestProvider::logs: the NDJSON stream of GET /system/logs, delivered message by message.
#include "faas/api/json.h"
#include "faas/provider/errors.h"
#include "faas/provider_client/rest_provider.h"

#include "wire.h"

namespace faas::provider_client {

namespace bhttp = boost::beast::http;
using provider::ProviderErrc;

namespace {

QueryParams log_query(const provider::LogRequest& r) {
  QueryParams q = {{"name", r.function.name},
                   {"namespace", r.function.namespace_},
                   {"instance", r.instance},
                   {"tail", std::to_string(r.tail)},
                   {"follow", r.follow ? "true" : "false"}};
  if (r.since) q.emplace_back("since", api::format_rfc3339(*r.since, false));
  return q;
}

// One NDJSON line to the caller's sink. A line that is not a log message stops the stream and
// leaves its error in *bad. Parameters by value/pointer: this coroutine outlives the lambda that
// starts it.
boost::asio::awaitable<bool> deliver(std::string line, const provider::LogSink* sink,
                                     std::optional<Error>* bad) {
  auto message = api::parse_log_message(line);
  if (!message) {
    *bad = provider::provider_error(ProviderErrc::kBadGateway,
                                    "invalid log line from provider: " + message.error().message());
    co_return false;
  }
  co_return co_await (*sink)(*message);
}

}  // namespace

provider::Task<void> RestProvider::logs(provider::LogRequest request, provider::LogSink sink) {
  auto target = make_target("/system/logs", log_query(request));
  const std::string what = "GET " + target;
  std::optional<Error> bad_line;
  http::ChunkSink lines = [&sink, &bad_line](std::string_view line) {
    return deliver(std::string(line), &sink, &bad_line);
  };
  auto r = co_await client_.stream_lines(make_request(bhttp::verb::get, target), lines);
  if (bad_line) co_return *bad_line;
  if (!r) {
    // faasd ends a follow stream at its own read timeout; a quiet one ending here is the same.
    if (request.follow && r.error().code == http::ClientErrc::kStalled) co_return Result<void>{};
    co_return transport_error(r.error());
  }
  if (r->status == 404 || r->status == 501) {
    auto e = status_error(r->status, r->body, what);
    co_return provider::provider_error(ProviderErrc::kNotImplemented, e.context);
  }
  if (!is_success(r->status)) co_return status_error(r->status, r->body, what);
  co_return Result<void>{};
}

}  // namespace faas::provider_client
