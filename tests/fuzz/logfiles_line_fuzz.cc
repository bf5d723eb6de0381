// parse_line on arbitrary bytes: never crashes, the text is a suffix of the input, and a timestamp
// is only found at the start of the line (and then the text starts after it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faas/logfiles/line.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto parsed = faas::logfiles::parse_line(line);
  const char* end = line.data() + line.size();
  if (parsed.text.data() < line.data() || parsed.text.data() + parsed.text.size() > end) std::abort();
  if (parsed.timestamp) {
    faas::api::Timestamp again;
    std::size_t used = faas::logfiles::parse_go_timestamp(line, again);
    if (used < 19 || again != *parsed.timestamp) std::abort();
    if (parsed.text.data() < line.data() + used) std::abort();
  } else if (parsed.text.data() != line.data()) {
    std::abort();
  }
  return 0;
}
