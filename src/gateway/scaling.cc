#include "faas/gateway/scaling.h"

#include <algorithm>

#include "faas/core/env.h"

namespace faas::gateway {

namespace {

std::optional<std::uint64_t> label(const std::optional<api::StringMap>& labels, const char* key,
                                   long long lo, long long hi) {
  if (!labels) return std::nullopt;
  auto it = labels->find(key);
  if (it == labels->end()) return std::nullopt;
  auto n = parse_int(it->second, lo, hi);
  if (!n) return std::nullopt;
  return static_cast<std::uint64_t>(*n);
}

}  // namespace

ScaleLimits scale_limits(const std::optional<api::StringMap>& labels) {
  ScaleLimits l;
  constexpr long long kMany = 1'000'000;
  l.min = label(labels, "com.openfaas.scale.min", 0, kMany).value_or(l.min);
  l.max = label(labels, "com.openfaas.scale.max", 1, kMany).value_or(l.max);
  l.factor = label(labels, "com.openfaas.scale.factor", 1, 100).value_or(l.factor);
  if (l.min > l.max) l.min = l.max;
  return l;
}

std::optional<std::uint64_t> alert_target(const ScaleLimits& limits, std::uint64_t current,
                                          bool firing) {
  std::uint64_t target = limits.min;
  if (firing) {
    const std::uint64_t step = (limits.max * limits.factor + 99) / 100;  // ceil
    target = std::min(current + std::max<std::uint64_t>(step, 1), limits.max);
  }
  if (target == current) return std::nullopt;
  return target;
}

}  // namespace faas::gateway
