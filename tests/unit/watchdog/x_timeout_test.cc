// parse_x_timeout: the per-request X-Timeout header of http mode.
#include <gtest/gtest.h>

#include "http_handler.h"

namespace faas::watchdog {
namespace {

using namespace std::chrono_literals;

TEST(ParseXTimeout, GoDurationOrSeconds) {
  EXPECT_EQ(parse_x_timeout("5s"), std::chrono::nanoseconds(5s));
  EXPECT_EQ(parse_x_timeout("10"), std::chrono::nanoseconds(10s));
  EXPECT_EQ(parse_x_timeout("250ms"), std::chrono::nanoseconds(250ms));
  EXPECT_EQ(parse_x_timeout("1m30s"), std::chrono::nanoseconds(90s));
}

TEST(ParseXTimeout, AbsentZeroOrInvalidIsIgnored) {
  for (std::string_view v : {"", "0", "0s", "soon", "-1s", "5 s", "1e3"}) {
    EXPECT_EQ(parse_x_timeout(v), std::nullopt) << v;
  }
}

}  // namespace
}  // namespace faas::watchdog
