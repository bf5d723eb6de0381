// Log lines as the containerd shim writes them: raw bytes from a replica's stdout and stderr.
// fwatchdog (and Go's log package, so OpenFaaS's of-watchdog too) starts each line with
// "2006/01/02 15:04:05 " in local time, optionally with ".000000" microseconds; parse_line splits
// that timestamp off. Pure functions, no I/O; safe on any bytes (fuzzed).
#pragma once

#include <optional>
#include <string_view>

#include "faas/api/types.h"

namespace faas::logfiles {

struct ParsedLine {
  std::optional<api::Timestamp> timestamp;  // set when the line starts with a Go-log timestamp
  std::string_view text;                    // the rest: without the timestamp and its space
};

// `line` without its '\n'; a trailing '\r' is dropped from the text.
ParsedLine parse_line(std::string_view line);

// "YYYY/MM/DD hh:mm:ss[.ffffff]" at the start of `text` (local time); the length consumed, or 0.
// The fields must be in range (month 1-12, day 1-31, hour 0-23, minute 0-59, second 0-60).
std::size_t parse_go_timestamp(std::string_view text, api::Timestamp& out);

}  // namespace faas::logfiles
