#include "faas/gateway/config.h"

namespace faas::gateway {

Result<GatewayConfig> parse_config(const Environment& env, std::vector<std::string>* warnings) {
  GatewayConfig c;
  auto get = [&](std::string_view key) -> std::optional<std::string> {
    auto v = lookup(env, key);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  auto duration = [&](std::string_view key, std::chrono::nanoseconds& out) {
    auto v = get(key);
    if (!v) return;
    if (auto d = parse_duration(*v)) {
      out = *d;
    } else if (warnings) {
      warnings->push_back(std::string(key) + ": " + d.error().message() + ", using default " +
                          format_duration(out));
    }
  };
  if (auto v = get("bind_address")) c.bind_address = *v;
  if (auto v = get("port")) {
    auto p = parse_int(*v, 0, 65535);
    if (!p) return invalid_argument("port: " + p.error().message());
    c.port = static_cast<std::uint16_t>(*p);
  }
  duration("read_timeout", c.read_timeout);
  duration("write_timeout", c.write_timeout);
  duration("upstream_timeout", c.upstream_timeout);
  if (auto v = get("functions_provider_url")) c.functions_provider_url = *v;
  c.logs_provider_url = get("logs_provider_url").value_or(c.functions_provider_url);
  if (auto v = get("basic_auth")) c.basic_auth = parse_bool(*v, false);
  if (auto v = get("secret_mount_path")) c.secret_mount_path = *v;
  if (auto v = get("scale_from_zero")) c.scale_from_zero = parse_bool(*v, false);
  if (auto v = get("function_namespace")) c.function_namespace = *v;
  if (auto v = get("max_idle_conns_per_host")) {
    auto n = parse_int(*v, 0, 1'000'000);
    if (!n) return invalid_argument("max_idle_conns_per_host: " + n.error().message());
    c.max_idle_conns_per_host = static_cast<int>(*n);
  }
  return c;
}

}  // namespace faas::gateway
