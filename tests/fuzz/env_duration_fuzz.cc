// parse_duration / parse_int / parse_bool on arbitrary bytes, plus the round trip:
// format_duration(parse_duration(x)) parses again to (almost) the same duration.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faas/core/env.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto n = faas::parse_int(text, -1000, 1000); n && (*n < -1000 || *n > 1000)) std::abort();
  (void)faas::parse_bool(text);
  if (faas::parse_bool(text, /*accept_one=*/false) && text.size() != 4) std::abort();

  auto d = faas::parse_duration(text);
  if (!d) return 0;
  if (d->count() < 0) std::abort();
  std::string formatted = faas::format_duration(*d);
  auto again = faas::parse_duration(formatted);
  if (!again) std::abort();  // everything we print must parse
  // format_duration truncates below the millisecond; double arithmetic adds a few ulps at 9e18ns.
  auto diff = *d - *again;
  if (diff < -std::chrono::microseconds(10) || diff > std::chrono::milliseconds(1) + std::chrono::microseconds(10)) {
    std::abort();
  }
  return 0;
}
