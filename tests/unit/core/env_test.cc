#include "faas/core/env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>

namespace faas {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, BareIntegerIsSeconds) {
  EXPECT_EQ(*parse_duration("10"), 10s);
  EXPECT_EQ(*parse_duration("0"), 0s);
}

TEST(ParseDuration, GoSyntax) {
  EXPECT_EQ(*parse_duration("1m30s"), 90s);
  EXPECT_EQ(*parse_duration("500ms"), 500ms);
  EXPECT_EQ(*parse_duration("1.5h"), 5400s);
  EXPECT_EQ(*parse_duration("2h45m"), 2h + 45min);
  EXPECT_EQ(*parse_duration("250us"), 250us);
  EXPECT_EQ(*parse_duration("250\xC2\xB5s"), 250us);
  EXPECT_EQ(*parse_duration("7ns"), 7ns);
  EXPECT_EQ(*parse_duration("+5s"), 5s);
  EXPECT_EQ(*parse_duration("0s"), 0s);
}

TEST(ParseDuration, RejectsNegativeAndMalformed) {
  for (const char* bad : {"", "-1s", "-5", "abc", "10x", "s", "1..5s", ".s", "5 s", "1e3s",
                          "99999999999h", "99999999999"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(ParseDuration, ErrorNamesTheText) {
  auto d = parse_duration("soon");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message().find("\"soon\""), std::string::npos);
}

TEST(FormatDuration, GoLikeRendering) {
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(format_duration(500ns), "500ns");
  EXPECT_EQ(format_duration(1500ns), "1us");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(30s), "30s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(1h), "1h0m0s");
  EXPECT_EQ(format_duration(2h + 3s + 40ms), "2h0m3.04s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (auto d : {std::chrono::nanoseconds(90s), std::chrono::nanoseconds(1500ms),
                 std::chrono::nanoseconds(2h + 3s), std::chrono::nanoseconds(250ms)}) {
    EXPECT_EQ(*parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

TEST(ParseBool, TrueAndOneOnly) {
  EXPECT_TRUE(parse_bool("true"));
  EXPECT_TRUE(parse_bool("TRUE"));
  EXPECT_TRUE(parse_bool("True"));
  EXPECT_TRUE(parse_bool("1"));
  EXPECT_FALSE(parse_bool("1", /*accept_one=*/false));
  EXPECT_FALSE(parse_bool("false"));
  EXPECT_FALSE(parse_bool("yes"));
  EXPECT_FALSE(parse_bool(""));
  EXPECT_FALSE(parse_bool("true "));
}

TEST(ParseInt, WholeTextInRange) {
  EXPECT_EQ(*parse_int("42", 0, 100), 42);
  EXPECT_EQ(*parse_int("-1", -1, 5), -1);
  EXPECT_EQ(*parse_int("100", 0, 100), 100);
  for (const char* bad : {"", "101", "-2", "12a", " 1", "+1", "0x10", "99999999999999999999"}) {
    EXPECT_FALSE(parse_int(bad, -1, 100)) << bad;
  }
}

TEST(Environment, LookupAndEnvp) {
  Environment env{{"B", "2"}, {"A", "1"}, {"EMPTY", ""}};
  EXPECT_EQ(lookup(env, "A"), "1");
  EXPECT_EQ(lookup(env, "EMPTY"), "");
  EXPECT_EQ(lookup(env, "MISSING"), std::nullopt);
  EXPECT_EQ(to_envp(env), (std::vector<std::string>{"A=1", "B=2", "EMPTY="}));
}

TEST(Environment, CurrentEnvironmentSplitsOnFirstEquals) {
  ASSERT_EQ(::setenv("FAAS_ENV_TEST", "a=b", 1), 0);
  auto env = current_environment();
  ::unsetenv("FAAS_ENV_TEST");
  EXPECT_EQ(lookup(env, "FAAS_ENV_TEST"), "a=b");
}

}  // namespace
}  // namespace faas
