// WatchdogConfig: everything fwatchdog reads from its environment, parsed by one pure function.
// Variable names and defaults are OpenFaaS's (classic watchdog and of-watchdog); the few additions
// are marked "faas++" and documented in src/watchdog/README.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::watchdog {

enum class Mode { kStreaming, kSerializing, kHttp, kStatic, kClassic };

std::string_view to_string(Mode mode);

struct WatchdogConfig {
  Mode mode = Mode::kStreaming;
  std::vector<std::string> fprocess;  // split on spaces; empty only in static mode
  std::string upstream_url;           // http mode
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 8080;
  int metrics_port = 8081;  // faas++: -1 disables, 0 picks a free port

  std::chrono::nanoseconds read_timeout = std::chrono::seconds(30);
  std::chrono::nanoseconds write_timeout = std::chrono::seconds(30);
  std::chrono::nanoseconds exec_timeout = std::chrono::seconds(30);  // 0 disables
  std::chrono::nanoseconds healthcheck_interval = std::chrono::seconds(30);

  int max_inflight = 0;  // 0: unlimited
  std::string content_type;  // fork modes; empty in classic means "echo the request's"
  bool suppress_lock = false;
  bool buffer_http = false;
  bool prefix_logs = true;
  long long log_buffer_size = 65536;  // -1: unbounded
  bool log_callid = false;
  std::string static_path = "/home/app/public";
  std::string ready_path;
  std::string lock_path = "/tmp/.lock";
  std::size_t max_buffered_body = 512ULL << 20;  // faas++: cap for bodies a mode must buffer

  // Classic semantics.
  bool combine_output = true;
  bool marshal_request = false;
  bool cgi_headers = true;
  bool write_debug = false;
  bool debug_headers = false;
};

// Parses the environment. Unknown variables are ignored; a bad value of a known one is an error
// naming the variable, except durations, which (like OpenFaaS) fall back to the default with a
// warning in `warnings`.
Result<WatchdogConfig> parse_config(const Environment& env, std::vector<std::string>* warnings);

}  // namespace faas::watchdog
