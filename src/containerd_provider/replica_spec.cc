#include "replica_spec.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>

#include "faas/provider/errors.h"

namespace faas::containerd_provider::detail {

using provider::ProviderErrc;
using provider::provider_error;

namespace {

// Splits "1.5Gi" into 1.5 and "Gi"; nullopt unless the number part is a plain decimal.
struct Quantity {
  double value = 0;
  std::string suffix;
};
std::optional<Quantity> split_quantity(std::string_view text) {
  std::string s(text);
  if (s.empty() || s.size() > 64) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || errno != 0 || !std::isfinite(v) || v < 0) return std::nullopt;
  // strtod also accepts "inf", hex and leading spaces; quantities are digits, '.', an exponent.
  if (!std::isdigit(static_cast<unsigned char>(s[0])) && s[0] != '.') return std::nullopt;
  for (const char* p = s.c_str(); p != end; ++p) {
    if (!std::isdigit(static_cast<unsigned char>(*p)) && !std::strchr(".eE+-", *p)) return std::nullopt;
  }
  return Quantity{v, std::string(end)};
}

Error bad(std::string_view field, std::string_view text, std::string_view why) {
  return provider_error(ProviderErrc::kInvalid, "limits." + std::string(field) + ": \"" +
                                                    std::string(text) + "\" " + std::string(why));
}

}  // namespace

Result<std::int64_t> parse_memory(std::string_view text) {
  static const std::map<std::string, double> kUnits = {
      {"", 1},        {"k", 1e3},           {"M", 1e6},           {"G", 1e9},
      {"T", 1e12},    {"P", 1e15},          {"E", 1e18},          {"Ki", 1024.0},
      {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0},
      {"Ei", 1152921504606846976.0}};
  auto q = split_quantity(text);
  if (!q) return bad("memory", text, "is not a quantity (e.g. 128Mi, 1Gi, 512M)");
  auto unit = kUnits.find(q->suffix);
  if (unit == kUnits.end()) return bad("memory", text, "has an unknown unit (Ki, Mi, Gi, k, M, G...)");
  double bytes = std::ceil(q->value * unit->second);
  // The kernel needs room for the process at all; 1 MiB is far below any working fwatchdog.
  if (bytes < 1048576.0) return bad("memory", text, "is below 1Mi");
  if (bytes > 9.0e18) return bad("memory", text, "is too large");
  return static_cast<std::int64_t>(bytes);
}

Result<std::int64_t> parse_cpu(std::string_view text) {
  auto q = split_quantity(text);
  if (!q) return bad("cpu", text, "is not a quantity (e.g. 0.5, 2, 500m)");
  double millis;
  if (q->suffix == "m") {
    millis = q->value;
  } else if (q->suffix.empty()) {
    millis = q->value * 1000.0;
  } else {
    return bad("cpu", text, "has an unknown unit (cores, or millicores with m)");
  }
  millis = std::ceil(millis);
  // CFS quota is at least 1 ms per 100 ms period: 10 millicores.
  if (millis < 10) return bad("cpu", text, "is below 10m");
  if (millis > 1e9) return bad("cpu", text, "is too large");
  return static_cast<std::int64_t>(millis);
}

Result<containerd::SpecOptions> replica_spec(const api::FunctionDeployment& spec,
                                             const containerd::ImageConfig& image,
                                             const ReplicaSpecInput& input) {
  auto options = containerd::spec_from_image(image);
  if (!options) return provider_error(ProviderErrc::kInvalid, "image config: " + options.error().message());
  // Image env first, then the deployment's (same key: the deployment wins), as faasd does.
  std::map<std::string, std::string> env;
  std::vector<std::string> order;
  auto put = [&](const std::string& key, const std::string& value) {
    if (!env.contains(key)) order.push_back(key);
    env[key] = value;
  };
  for (const auto& kv : options->env) {
    auto eq = kv.find('=');
    put(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
  }
  // A stopping replica leaves replicas() at once, so the watchdog's drain delay before it closes
  // its listener (of-watchdog and ours wait healthcheck_interval, 10-30 s by default, for load
  // balancers that poll) only makes scale-down, updates and faasd's exit slow. As the process
  // runtime does; the image or the deployment can still set it.
  if (!env.contains("healthcheck_interval")) put("healthcheck_interval", "1s");
  for (const auto& [k, v] : spec.env_vars) put(k, v);
  if (!spec.env_process.empty()) put("fprocess", spec.env_process);
  options->env.clear();
  for (const auto& k : order) options->env.push_back(k + "=" + env[k]);

  if (spec.limits && !spec.limits->memory.empty()) {
    auto m = parse_memory(spec.limits->memory);
    if (!m) return m.error();
    options->memory_limit_bytes = *m;
  }
  if (spec.limits && !spec.limits->cpu.empty()) {
    auto c = parse_cpu(spec.limits->cpu);
    if (!c) return c.error();
    options->cpu_millis = *c;
  }
  options->read_only_rootfs = spec.read_only_root_filesystem;
  if (!input.secrets_dir.empty()) {
    options->mounts.push_back({input.secrets_dir, "/var/openfaas/secrets", true});
  }
  options->cgroups_path = input.cgroups_path;
  options->hostname = input.hostname;
  return options;
}

}  // namespace faas::containerd_provider::detail
