// Which gateway a command talks to and with which credentials, resolved as faas-cli does
// (../shared/openfaas-reference.md §7.1). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "faas/cli/config_file.h"
#include "faas/core/env.h"

namespace faas::cli {

// Lower-cases scheme and host, trims trailing '/', adds "http://" when no scheme is given.
std::string normalize_gateway(std::string_view url);

// -g/--gateway (when given and not the default) -> provider.gateway from the stack (when not the
// default) -> $OPENFAAS_URL -> http://127.0.0.1:8080; then normalised.
std::string resolve_gateway(std::string_view flag, std::string_view stack_gateway,
                            const Environment& env);

// The Authorization header for calls to `gateway`: --token as a Bearer token, else the saved
// credentials for that gateway, else none.
std::optional<std::string> resolve_authorization(std::string_view gateway, std::string_view token,
                                                 const ConfigFile& config);

}  // namespace faas::cli
