// Environment variables and the value syntax OpenFaaS components use for them.
// Pure functions: configuration code takes an Environment, never reads ::environ itself, so it can be
// tested and fuzzed without touching the process.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faas/core/result.h"

namespace faas {

using Environment = std::map<std::string, std::string, std::less<>>;

// The current process environment.
Environment current_environment();
// "KEY=VALUE" strings, as envp wants them.
std::vector<std::string> to_envp(const Environment& env);

std::optional<std::string> lookup(const Environment& env, std::string_view key);

// OpenFaaS duration syntax: a bare non-negative integer is seconds; otherwise a Go duration
// ("1m30s", "500ms", "1.5h"). Negative values are rejected.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);
// Go's time.Duration.String()-like rendering used in logs ("1m30s", "250ms").
std::string format_duration(std::chrono::nanoseconds d);

// "true" (any case) is true; with accept_one, also "1". Anything else is false.
bool parse_bool(std::string_view text, bool accept_one = true);

// A decimal integer, all of the text, in [min, max].
Result<long long> parse_int(std::string_view text, long long min, long long max);

}  // namespace faas
