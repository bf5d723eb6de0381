#include "faas/core/env.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in unistd.h by default

namespace faas {

Environment current_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::vector<std::string> to_envp(const Environment& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::optional<std::string> lookup(const Environment& env, std::string_view key) {
  auto it = env.find(key);
  if (it == env.end()) return std::nullopt;
  return it->second;
}

namespace {

// Nanoseconds per unit for Go's duration suffixes.
std::optional<double> unit_scale(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  if (unit == "m") return 60e9;
  if (unit == "h") return 3600e9;
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Result<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  const auto bad = [&] { return invalid_argument("invalid duration \"" + std::string(s) + "\""); };
  std::string_view rest = s;
  if (!rest.empty() && rest.front() == '+') rest.remove_prefix(1);
  if (rest == "0") return std::chrono::nanoseconds(0);
  if (rest.empty()) return bad();
  double total = 0;
  while (!rest.empty()) {
    size_t n = 0;
    while (n < rest.size() && (is_digit(rest[n]) || rest[n] == '.')) ++n;
    if (n == 0) return bad();
    double value = 0;
    auto num = rest.substr(0, n);
    if (std::count(num.begin(), num.end(), '.') > 1 || num == ".") return bad();
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
    if (ec != std::errc() || p != num.data() + num.size()) return bad();
    rest.remove_prefix(n);
    size_t u = 0;
    while (u < rest.size() && !is_digit(rest[u]) && rest[u] != '.') ++u;
    auto scale = unit_scale(rest.substr(0, u));
    if (!scale) return bad();
    rest.remove_prefix(u);
    total += value * *scale;
  }
  if (!std::isfinite(total) || total > 9.2e18) return bad();
  return std::chrono::nanoseconds(static_cast<long long>(total));
}

}  // namespace

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_digit)) {
    auto secs = parse_int(text, 0, 9'000'000'000LL);
    if (!secs) return invalid_argument("invalid duration \"" + std::string(text) + "\"");
    return std::chrono::seconds(*secs);
  }
  if (!text.empty() && text.front() == '-') {
    return invalid_argument("negative duration \"" + std::string(text) + "\"");
  }
  return parse_go_duration(text);
}

std::string format_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  auto ns = d.count();
  if (ns == 0) return "0s";
  if (ns < 1'000) return std::to_string(ns) + "ns";
  if (ns < 1'000'000) return std::to_string(ns / 1'000) + "us";
  if (ns < 1'000'000'000) return std::to_string(ns / 1'000'000) + "ms";
  std::string out;
  auto h = ns / 3'600'000'000'000LL;
  ns %= 3'600'000'000'000LL;
  auto m = ns / 60'000'000'000LL;
  ns %= 60'000'000'000LL;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  auto s = ns / 1'000'000'000LL;
  auto ms = (ns % 1'000'000'000LL) / 1'000'000;
  out += std::to_string(s);
  if (ms) {
    std::string frac = std::to_string(1000 + ms).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + "s";
}

bool parse_bool(std::string_view text, bool accept_one) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "true" || (accept_one && lower == "1");
}

Result<long long> parse_int(std::string_view text, long long min, long long max) {
  long long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
    return invalid_argument("not an integer: \"" + std::string(text) + "\"");
  }
  if (v < min || v > max) {
    return invalid_argument("out of range [" + std::to_string(min) + ", " + std::to_string(max) +
                            "]: " + std::string(text));
  }
  return v;
}

}  // namespace faas
