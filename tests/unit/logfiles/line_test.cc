#include "faas/logfiles/line.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

namespace faas::logfiles {
namespace {

using namespace std::chrono_literals;

api::Timestamp local(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

TEST(ParseLine, GoLogTimestampIsLocalTimeAndIsStripped) {
  auto p = parse_line("2026/12/02 09:30:05 Forking fprocess.");
  ASSERT_TRUE(p.timestamp);
  EXPECT_EQ(*p.timestamp, local(2026, 12, 2, 9, 30, 5));
  EXPECT_EQ(p.text, "Forking fprocess.");
}

TEST(ParseLine, MicrosecondsAreKept) {
  auto p = parse_line("2026/12/02 09:30:05.123456 x");
  ASSERT_TRUE(p.timestamp);
  EXPECT_EQ(*p.timestamp, local(2026, 12, 2, 9, 30, 5) + 123456us);
  EXPECT_EQ(p.text, "x");
  auto short_fraction = parse_line("2026/12/02 09:30:05.5 y");
  ASSERT_TRUE(short_fraction.timestamp);
  EXPECT_EQ(*short_fraction.timestamp, local(2026, 12, 2, 9, 30, 5) + 500ms);
}

TEST(ParseLine, HoursOfOneDayAndDaysDiffer) {
  // The per-hour cache must not hand one hour's start to another.
  auto a = parse_line("2026/12/02 09:59:59 a");
  auto b = parse_line("2026/12/02 10:00:00 b");
  auto c = parse_line("2026/12/03 10:00:00 c");
  ASSERT_TRUE(a.timestamp && b.timestamp && c.timestamp);
  EXPECT_EQ(*b.timestamp - *a.timestamp, 1s);
  EXPECT_EQ(*c.timestamp - *b.timestamp, 24h);
}

TEST(ParseLine, TimestampOnlyAndCarriageReturn) {
  auto p = parse_line("2026/12/02 09:30:05");
  ASSERT_TRUE(p.timestamp);
  EXPECT_EQ(p.text, "");
  auto crlf = parse_line("2026/12/02 09:30:05 hi\r");
  EXPECT_EQ(crlf.text, "hi");
}

TEST(ParseLine, LinesWithoutATimestampKeepTheirText) {
  for (std::string_view text :
       {"", "plain text", "2026/13/02 09:30:05 month 13", "2026/12/32 09:30:05 day 32",
        "2026/12/02 24:00:00 hour 24", "2026/12/02 09:60:00 minute 60", "2026-12-02 09:30:05 dashes",
        "2026/12/02 09:30 short", "1969/12/31 23:59:59 before the epoch", "2026/12/02 09:30:05. x",
        "  2026/12/02 09:30:05 indented"}) {
    auto p = parse_line(text);
    EXPECT_FALSE(p.timestamp) << text;
    EXPECT_EQ(p.text, text);
  }
}

TEST(ParseGoTimestamp, ReportsTheLengthConsumed) {
  api::Timestamp ts;
  EXPECT_EQ(parse_go_timestamp("2026/12/02 09:30:05 rest", ts), 19u);
  EXPECT_EQ(parse_go_timestamp("2026/12/02 09:30:05.000001rest", ts), 26u);
  EXPECT_EQ(parse_go_timestamp("2026/12/02 09:30:0", ts), 0u);
}

}  // namespace
}  // namespace faas::logfiles
