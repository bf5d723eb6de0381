#include "faas/http/url.h"

#include <gtest/gtest.h>

namespace faas::http {
namespace {

TEST(Url, PercentDecodeKeepsMalformedEscapes) {
  EXPECT_EQ(percent_decode("/a%20b%2Fc"), "/a b/c");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", /*plus_as_space=*/true), "a b");
}

TEST(Url, QueryParametersAreDecodedAndTheFirstWins) {
  const std::string target = "/system/logs?name=fn%2Ex&namespace=a+b&follow&name=second";
  EXPECT_EQ(query_of(target), "name=fn%2Ex&namespace=a+b&follow&name=second");
  EXPECT_EQ(query_param(target, "name"), "fn.x");
  EXPECT_EQ(query_param(target, "namespace"), "a b");
  EXPECT_EQ(query_param(target, "missing"), "");
  EXPECT_TRUE(has_query_param(target, "follow"));
  EXPECT_FALSE(has_query_param("/no/query", "follow"));
  EXPECT_EQ(query_of("/no/query"), "");
}

}  // namespace
}  // namespace faas::http
