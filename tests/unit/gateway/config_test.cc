#include "faas/gateway/config.h"

#include <gtest/gtest.h>

namespace faas::gateway {
namespace {

TEST(GatewayConfig, DefaultsMatchFaasd) {
  auto c = parse_config({}, nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->upstream_timeout, std::chrono::seconds(60));
  EXPECT_TRUE(c->basic_auth);
  EXPECT_TRUE(c->scale_from_zero);
  EXPECT_EQ(c->function_namespace, "openfaas-fn");
}

TEST(GatewayConfig, ReadsOpenFaaSVariables) {
  std::vector<std::string> warnings;
  auto c = parse_config({{"functions_provider_url", "http://127.0.0.1:8081/"},
                         {"upstream_timeout", "1m30s"},
                         {"read_timeout", "bogus"},
                         {"basic_auth", "false"},
                         {"port", "0"}},
                        &warnings);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->functions_provider_url, "http://127.0.0.1:8081/");
  EXPECT_EQ(c->logs_provider_url, "http://127.0.0.1:8081/");
  EXPECT_EQ(c->upstream_timeout, std::chrono::seconds(90));
  EXPECT_EQ(c->read_timeout, std::chrono::seconds(60));
  EXPECT_FALSE(c->basic_auth);
  EXPECT_EQ(c->port, 0);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("read_timeout"), std::string::npos);
}

TEST(GatewayConfig, BadPortIsAnError) {
  auto c = parse_config({{"port", "http"}}, nullptr);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("port"), std::string::npos);
}

}  // namespace
}  // namespace faas::gateway
