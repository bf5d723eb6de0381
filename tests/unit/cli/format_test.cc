#include "faas/cli/format.h"

#include <gtest/gtest.h>

#include "faas/api/json.h"

namespace faas::cli {
namespace {

std::vector<api::FunctionStatus> sample() {
  api::FunctionStatus a{.name = "b-fn", .image = "img/b:1"};
  a.invocation_count = 5;
  a.replicas = 1;
  api::FunctionStatus b{.name = "a-fn", .image = "img/a:1"};
  b.invocation_count = 12;
  b.replicas = 2;
  b.created_at = *api::parse_rfc3339("2024-01-02T03:04:05Z");
  return {a, b};
}

TEST(Format, ListColumnsAsFaasCli) {
  auto fns = sample();
  ASSERT_TRUE(sort_functions(fns, "name"));
  EXPECT_EQ(format_function_list(fns, false, false),
            "Function                      \tInvocations    \tReplicas\n"
            "a-fn                          \t12             \t2    \n"
            "b-fn                          \t5              \t1    \n");
  EXPECT_EQ(format_function_list(fns, false, true), "a-fn\nb-fn\n");
  std::string verbose = format_function_list(fns, true, false);
  EXPECT_NE(verbose.find("Image"), std::string::npos);
  EXPECT_NE(verbose.find("img/a:1"), std::string::npos);
  EXPECT_NE(verbose.find("2024-01-02T03:04:05Z"), std::string::npos);
}

TEST(Format, SortsByInvocationsAndCreation) {
  auto fns = sample();
  ASSERT_TRUE(sort_functions(fns, "invocations"));
  EXPECT_EQ(fns[0].name, "a-fn");
  ASSERT_TRUE(sort_functions(fns, "creation"));
  EXPECT_EQ(fns[0].name, "b-fn");  // zero time first
  EXPECT_FALSE(sort_functions(fns, "size"));
}

TEST(Format, DescribeShowsStatusAndUrls) {
  api::FunctionStatus f{.name = "fn", .image = "img", .namespace_ = "dev"};
  f.available_replicas = 1;
  f.labels = api::StringMap{{"team", "a"}};
  std::string out = format_describe(f, "http://gw", "dev");
  EXPECT_NE(out.find("Name:               fn\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Status:             Ready\n"), std::string::npos);
  EXPECT_NE(out.find("Function Process:   <default>\n"), std::string::npos);
  EXPECT_NE(out.find("URL:                http://gw/function/fn.dev\n"), std::string::npos);
  EXPECT_NE(out.find("Async URL:          http://gw/async-function/fn.dev\n"), std::string::npos);
  EXPECT_NE(out.find("Labels:\n  team: a\n"), std::string::npos);
  f.available_replicas = 0;
  std::string plain = format_describe(f, "http://gw", "");
  EXPECT_NE(plain.find("Not Ready"), std::string::npos);
  EXPECT_NE(plain.find("URL:                http://gw/function/fn\n"), std::string::npos);
}

TEST(Format, LogOutputs) {
  api::LogMessage m{"fn", "openfaas-fn", "fn-1", *api::parse_rfc3339("2024-01-02T03:04:05Z"),
                    "hello\n"};
  EXPECT_EQ(*format_log(m, "plain"), "2024-01-02T03:04:05Z fn (fn-1) hello\n");
  EXPECT_EQ(*format_log(m, "keyvalue"),
            "timestamp=2024-01-02T03:04:05Z name=fn instance=fn-1 text=hello\n");
  auto json = format_log(m, "json");
  ASSERT_TRUE(json);
  EXPECT_EQ(*api::parse_log_message(*json), m);
  EXPECT_FALSE(format_log(m, "xml"));
}

}  // namespace
}  // namespace faas::cli
