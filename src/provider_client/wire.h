// Private helpers of RestProvider: how targets are spelled and how HTTP outcomes become
// ProviderErrc errors. Pure functions, so they are easy to reason about and test.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faas/core/result.h"

namespace faas::provider_client {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percent_encode(std::string_view text);
// path + "?k=v&..." with keys and values encoded; parameters with an empty value are left out.
std::string make_target(std::string_view path, const QueryParams& params);

// 200, 201 and 202: what faas-cli and the gateway treat as success.
bool is_success(unsigned status);
// A non-success status: errc_for_status(status), the body text trimmed as the message (or a
// description of the call when the body is empty).
Error status_error(unsigned status, std::string_view body, std::string_view what);
// A failure of the HTTP exchange itself (an http::ClientErrc error) as a ProviderErrc:
// connect -> kUnavailable, timeout/stalled -> kTimeout, anything else -> kBadGateway.
Error transport_error(const Error& error);
// A 2xx response the codecs could not read.
Error decode_error(const Error& error, std::string_view what);

}  // namespace faas::provider_client
