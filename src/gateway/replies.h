// Small response writers shared by the gateway's handlers: JSON, plain text, and the one mapping
// from an Error to an HTTP answer (STYLE.md: errors become status codes in exactly one place).
#pragma once

#include <string>

#include "faas/core/result.h"
#include "faas/http/exchange.h"
#include "faas/http/url.h"

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

using http::has_query_param;  // faas/http/url.h
using http::query_of;
using http::query_param;

}  // namespace faas::gateway
