#include "faas/logfiles/line.h"

#include <ctime>

namespace faas::logfiles {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// mktime() per line is slow (it takes a lock and checks TZ each call); lines of one hour share the
// start of that hour. Keyed by hour, not day, because DST changes the offset at an hour boundary.
std::time_t hour_start(int year, int month, int day, int hour) {
  thread_local struct {
    int key[4] = {-1, -1, -1, -1};
    std::time_t value = 0;
  } cache;
  if (cache.key[0] == year && cache.key[1] == month && cache.key[2] == day && cache.key[3] == hour) {
    return cache.value;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  cache.key[0] = year, cache.key[1] = month, cache.key[2] = day, cache.key[3] = hour;
  cache.value = t;
  return t;
}

}  // namespace

std::size_t parse_go_timestamp(std::string_view s, api::Timestamp& out) {
  int year, month, day, hour, minute, second;
  if (s.size() < 19 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[13] != ':' || s[16] != ':') {
    return 0;
  }
  if (!digits(s, 0, 4, year) || !digits(s, 5, 2, month) || !digits(s, 8, 2, day) ||
      !digits(s, 11, 2, hour) || !digits(s, 14, 2, minute) || !digits(s, 17, 2, second)) {
    return 0;
  }
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return 0;
  }
  std::size_t used = 19;
  long micros = 0;
  if (s.size() > 19 && s[19] == '.') {
    std::size_t i = 20;
    long scale = 100000;
    for (; i < s.size() && i < 26 && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) {
      micros += (s[i] - '0') * scale;
    }
    if (i == 20) return 0;
    used = i;
  }
  std::time_t hour_t = hour_start(year, month, day, hour);
  if (hour_t == static_cast<std::time_t>(-1)) return 0;
  out = std::chrono::system_clock::from_time_t(hour_t) +
        std::chrono::seconds(minute * 60 + second) + std::chrono::microseconds(micros);
  return used;
}

ParsedLine parse_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ParsedLine out{.timestamp = std::nullopt, .text = line};
  api::Timestamp ts;
  std::size_t used = parse_go_timestamp(line, ts);
  if (used == 0) return out;
  out.timestamp = ts;
  // Go's log writes one space after the timestamp.
  if (used < line.size() && line[used] == ' ') ++used;
  out.text = line.substr(used);
  return out;
}

}  // namespace faas::logfiles
