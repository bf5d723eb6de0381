// The registry client's error codes (category "registry"), so callers can tell a missing image
// from a refused login from a registry that is down. Error::context carries the one-line detail
// ("pull 127.0.0.1:5000/x:1: manifest unknown (404)"); the code's message is appended to it.
#pragma once

#include <system_error>

namespace faas::registry {

enum class Errc {
  kNotFound = 1,  // 404 for a manifest or blob: no such repository, tag or digest
  kUnauthorized,  // 401/403 after authenticating (or no credentials to authenticate with)
  kBadImage,      // digest or size mismatch, schema 1, unsupported or malformed documents
  kUnavailable,   // cannot connect, timed out, 5xx, or another unexpected answer
};

const std::error_category& registry_category();
inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), registry_category()};
}

}  // namespace faas::registry

template <>
struct std::is_error_code_enum<faas::registry::Errc> : std::true_type {};
