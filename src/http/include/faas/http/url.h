// Request-target helpers: percent-decoding and query parameters, shared by fwatchdog (CGI
// Http_Path) and the gateway (?namespace=, /system/logs parameters). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace faas::http {

// "%41" -> "A"; malformed escapes are kept as they are. With plus_as_space (query strings, as
// application/x-www-form-urlencoded has it), '+' is a space.
std::string percent_decode(std::string_view s, bool plus_as_space = false);

// The raw query string of a request target ("" when none).
std::string_view query_of(std::string_view target);
// One query parameter, percent-decoded ("" when absent); the first one of that name wins.
std::string query_param(std::string_view target, std::string_view key);
bool has_query_param(std::string_view target, std::string_view key);

}  // namespace faas::http
