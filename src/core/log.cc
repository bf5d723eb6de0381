#include "faas/core/log.h"

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <string>

namespace faas {

namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};
}

void set_log_level(LogLevel level) { g_level = level; }

std::string_view log_timestamp(char (&buf)[32]) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  size_t n = std::strftime(buf, sizeof buf, "%Y/%m/%d %H:%M:%S", &tm);
  return {buf, n};
}

void write_line(int fd, std::string_view line) {
  std::string out(line);
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  size_t off = 0;
  while (off < out.size()) {
    ssize_t n = ::write(fd, out.data() + off, out.size() - off);
    if (n <= 0) return;  // logging never fails the caller
    off += static_cast<size_t>(n);
  }
}

void log(LogLevel level, std::string_view message) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  char buf[32];
  std::string line(log_timestamp(buf));
  line += ' ';
  if (level == LogLevel::kWarn) line += "warning: ";
  if (level == LogLevel::kError) line += "error: ";
  line += message;
  write_line(STDERR_FILENO, line);
}

}  // namespace faas
