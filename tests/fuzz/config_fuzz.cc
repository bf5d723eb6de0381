// Bytes -> KEY=VALUE lines -> Environment -> parse_config, checking the invariants a parsed
// config promises to the server.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "faas/watchdog/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  faas::Environment env;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    env.insert_or_assign(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  std::vector<std::string> warnings;
  auto c = faas::watchdog::parse_config(env, &warnings);
  if (!c) {
    if (c.error().message().empty()) std::abort();  // errors must say what is wrong
    return 0;
  }
  using faas::watchdog::Mode;
  if (c->write_timeout.count() <= 0 || c->read_timeout.count() <= 0) std::abort();
  if (c->exec_timeout.count() < 0 || c->healthcheck_interval.count() < 0) std::abort();
  if (c->mode != Mode::kStatic && c->fprocess.empty()) std::abort();
  for (const auto& arg : c->fprocess) {
    if (arg.empty() || arg.find(' ') != std::string::npos) std::abort();
  }
  if (c->mode == Mode::kHttp && c->upstream_url.empty()) std::abort();
  if (c->max_inflight < 0 || c->log_buffer_size == 0 || c->log_buffer_size < -1) std::abort();
  (void)faas::watchdog::to_string(c->mode);
  return 0;
}
