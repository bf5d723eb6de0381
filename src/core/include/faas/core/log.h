// A minimal process logger: one line per call, written with a single write(2) to stderr so lines
// from several threads never interleave. Format follows Go's log package ("2006/01/02 15:04:05 msg"),
// which is what OpenFaaS components print and what log collectors around them expect.
// No fmt/spdlog dependency: fwatchdog links fully static and Debian ships no static libfmt.
#pragma once

#include <string_view>

namespace faas {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void set_log_level(LogLevel level);
void log(LogLevel level, std::string_view message);
inline void log_info(std::string_view m) { log(LogLevel::kInfo, m); }
inline void log_warn(std::string_view m) { log(LogLevel::kWarn, m); }
inline void log_error(std::string_view m) { log(LogLevel::kError, m); }
inline void log_debug(std::string_view m) { log(LogLevel::kDebug, m); }

// Per-request lines on hot paths (access logs): appended to a process-wide buffer that goes to
// stderr in one write when it holds 16 KiB or its oldest line is 100 ms old, or at flush_log().
// Saves a write(2) per request; a line can wait until the next one or the next flush_log(), so
// servers call flush_log() periodically and before they exit. Thread-safe.
void log_info_batched(std::string_view message);
void flush_log();

// Writes `line` (a newline is added if missing) to fd with one write, for function output lines.
void write_line(int fd, std::string_view line);

// "2006/01/02 15:04:05" in local time, the prefix of every log line.
std::string_view log_timestamp(char (&buf)[32]);

}  // namespace faas
