#include "faas/http/url.h"

namespace faas::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls f(key, raw value) for each parameter until f returns true.
template <class F>
bool each_param(std::string_view target, F f) {
  auto q = query_of(target);
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    auto eq = part.find('=');
    auto key = part.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    if (f(key, value)) return true;
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace

std::string percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

std::string_view query_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string query_param(std::string_view target, std::string_view key) {
  std::string out;
  each_param(target, [&](std::string_view k, std::string_view v) {
    if (percent_decode(k, true) != key) return false;
    out = percent_decode(v, true);
    return true;
  });
  return out;
}

bool has_query_param(std::string_view target, std::string_view key) {
  return each_param(target,
                    [&](std::string_view k, std::string_view) { return percent_decode(k, true) == key; });
}

}  // namespace faas::http
