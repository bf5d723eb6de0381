#include "wire.h"

#include "faas/http/client.h"
#include "faas/provider/errors.h"

namespace faas::provider_client {

using provider::ProviderErrc;

namespace {
bool unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}
}  // namespace

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (unreserved(c)) {
      out += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

std::string make_target(std::string_view path, const QueryParams& params) {
  std::string out(path);
  char sep = '?';
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += sep;
    out += percent_encode(key) + "=" + percent_encode(value);
    sep = '&';
  }
  return out;
}

bool is_success(unsigned status) { return status == 200 || status == 201 || status == 202; }

Error status_error(unsigned status, std::string_view body, std::string_view what) {
  auto text = trim(body);
  std::string message =
      text.empty() ? "provider answered " + std::to_string(status) + " to " + std::string(what)
                   : std::string(text);
  return provider::provider_error(provider::errc_for_status(status), std::move(message));
}

Error transport_error(const Error& error) {
  ProviderErrc errc = ProviderErrc::kBadGateway;
  if (error.code == http::ClientErrc::kConnect) {
    errc = ProviderErrc::kUnavailable;
  } else if (error.code == http::ClientErrc::kTimeout || error.code == http::ClientErrc::kStalled) {
    errc = ProviderErrc::kTimeout;
  }
  return provider::provider_error(errc, "provider: " + error.context);
}

Error decode_error(const Error& error, std::string_view what) {
  return provider::provider_error(
      ProviderErrc::kBadGateway,
      "invalid response from provider to " + std::string(what) + ": " + error.message());
}

}  // namespace faas::provider_client
