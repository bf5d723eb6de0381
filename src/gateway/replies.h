// Small response writers shared by the gateway's handlers: JSON, plain text, and the one mapping
// from an Error to an HTTP answer (STYLE.md: errors become status codes in exactly one place).
#pragma once

#include <string>

#include "faas/core/result.h"
#include "faas/http/exchange.h"

namespace faas::gateway {

// Writes a complete response; keeps the connection only if the request body was fully read.
http::awaitable<void> reply(http::Exchange& x, unsigned status, std::string body,
                            std::string content_type = "text/plain; charset=utf-8",
                            http::HeaderList headers = {});
inline http::awaitable<void> reply_json(http::Exchange& x, unsigned status, std::string json) {
  return reply(x, status, std::move(json), "application/json");
}
// The status for `error` (provider::http_status) with its message as a plain-text body.
http::awaitable<void> reply_error(http::Exchange& x, const Error& error);

// The raw query string of the request target ("" when none).
std::string_view query_of(std::string_view target);
// One query parameter, percent-decoded ("" when absent).
std::string query_param(std::string_view target, std::string_view key);
bool has_query_param(std::string_view target, std::string_view key);

}  // namespace faas::gateway
