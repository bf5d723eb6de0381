// Replica targets from the com.openfaas.scale.* labels (reference §11.1, §11.2), as pure functions.
// Unlike OpenFaaS CE, max is not capped at 5: the default is 20 (as OpenFaaS Pro documents it) and
// any larger value is honoured.
#pragma once

#include <cstdint>
#include <optional>

#include "faas/api/types.h"

namespace faas::gateway {

struct ScaleLimits {
  std::uint64_t min = 1;
  std::uint64_t max = 20;
  std::uint64_t factor = 10;  // percent of max added per firing alert (OpenFaaS CE's code default)
};

// Limits from a function's labels; unparseable or out-of-range values keep their defaults
// (factor must be 1..100, min <= max).
ScaleLimits scale_limits(const std::optional<api::StringMap>& labels);

// The replica count an AlertManager alert asks for: firing adds ceil(max * factor / 100) up to max;
// resolved goes back to min. nullopt when the count would not change.
std::optional<std::uint64_t> alert_target(const ScaleLimits& limits, std::uint64_t current,
                                          bool firing);

}  // namespace faas::gateway
