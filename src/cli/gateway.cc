#include "faas/cli/gateway.h"

#include <cctype>

#include "faas/cli/stack.h"

namespace faas::cli {

std::string normalize_gateway(std::string_view url) {
  std::string out(url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (out.find("://") == std::string::npos) out = "http://" + out;
  // Scheme and host are case-insensitive; a path prefix (reverse proxies) is not.
  size_t host_end = out.find('/', out.find("://") + 3);
  for (size_t i = 0; i < out.size() && i < host_end; ++i) {
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

std::string resolve_gateway(std::string_view flag, std::string_view stack_gateway,
                            const Environment& env) {
  std::string_view chosen = kDefaultGateway;
  auto from_env = lookup(env, "OPENFAAS_URL");
  if (!flag.empty() && flag != kDefaultGateway) {
    chosen = flag;
  } else if (!stack_gateway.empty() && stack_gateway != kDefaultGateway) {
    chosen = stack_gateway;
  } else if (from_env && !from_env->empty()) {
    chosen = *from_env;
  }
  return normalize_gateway(chosen);
}

std::optional<std::string> resolve_authorization(std::string_view gateway, std::string_view token,
                                                 const ConfigFile& config) {
  if (!token.empty()) return "Bearer " + std::string(token);
  if (auto auth = find_auth(config, gateway)) return authorization_header(*auth);
  return std::nullopt;
}

}  // namespace faas::cli
