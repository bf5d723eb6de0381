// The provider error vocabulary and its one mapping to HTTP status codes (STYLE.md: map errors to
// status in exactly one function per server).
#pragma once

#include <string>
#include <system_error>

#include "faas/core/result.h"

namespace faas::provider {

enum class ProviderErrc {
  kInvalid = 1,       // 400: bad input, named in the message
  kNotFound,          // 404
  kConflict,          // 409: already exists
  kNotImplemented,    // 501
  kUnavailable,       // 503: no ready replica, backend down
  kTimeout,           // 504
  kBadGateway,        // 502: the backend answered nonsense
  kInternal,          // 500
};

const std::error_category& provider_category();
inline std::error_code make_error_code(ProviderErrc e) {
  return {static_cast<int>(e), provider_category()};
}
inline Error provider_error(ProviderErrc e, std::string message) {
  return Error{make_error_code(e), std::move(message)};
}

// The HTTP status for an error from a Provider (invalid_argument errors from decoding are 400).
unsigned http_status(const Error& error);
// The error a faas-provider HTTP status means, for the REST client.
ProviderErrc errc_for_status(unsigned status);

}  // namespace faas::provider

template <>
struct std::is_error_code_enum<faas::provider::ProviderErrc> : std::true_type {};
