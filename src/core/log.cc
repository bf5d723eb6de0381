#include "faas/core/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <string>

namespace faas {

namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};

struct Batch {
  std::mutex mu;
  std::string pending;  // guarded by mu
  std::chrono::steady_clock::time_point oldest{};  // guarded by mu
};
Batch& batch() {
  static Batch b;
  return b;
}
constexpr std::size_t kBatchBytes = 16 * 1024;
constexpr auto kBatchAge = std::chrono::milliseconds(100);

// Writes and clears `pending`. REQUIRES: the batch mutex is held.
void write_pending(std::string& pending) {
  if (pending.empty()) return;
  write_line(STDERR_FILENO, pending);
  pending.clear();
}
}  // namespace

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
  line += '\n';
  // Batched lines go first, so the log keeps its order.
  auto& b = batch();
  std::lock_guard lock(b.mu);
  if (!b.pending.empty()) {
    line.insert(0, b.pending);
    b.pending.clear();
  }
  write_line(STDERR_FILENO, line);
}

void log_info_batched(std::string_view message) {
  if (LogLevel::kInfo < g_level.load(std::memory_order_relaxed)) return;
  char buf[32];
  auto stamp = log_timestamp(buf);
  auto now = std::chrono::steady_clock::now();
  auto& b = batch();
  std::lock_guard lock(b.mu);
  if (b.pending.empty()) b.oldest = now;
  b.pending.append(stamp).append(" ").append(message).append("\n");
  if (b.pending.size() >= kBatchBytes || now - b.oldest >= kBatchAge) write_pending(b.pending);
}

void flush_log() {
  auto& b = batch();
  std::lock_guard lock(b.mu);
  write_pending(b.pending);
}

}  // namespace faas
