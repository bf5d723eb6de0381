// Standard base64 (RFC 4648, with padding), as Go's encoding/json uses for []byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace faas {

std::string base64_encode(std::string_view bytes);
// nullopt on any character outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace faas
