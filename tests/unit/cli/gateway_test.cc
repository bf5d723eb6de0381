#include "faas/cli/gateway.h"

#include <gtest/gtest.h>

namespace faas::cli {
namespace {

TEST(Gateway, FlagThenStackThenEnvironmentThenDefault) {
  Environment env{{"OPENFAAS_URL", "http://env:1"}};
  EXPECT_EQ(resolve_gateway("http://flag:1", "http://stack:1", env), "http://flag:1");
  EXPECT_EQ(resolve_gateway("", "http://stack:1", env), "http://stack:1");
  EXPECT_EQ(resolve_gateway("", "", env), "http://env:1");
  EXPECT_EQ(resolve_gateway("", "", {}), "http://127.0.0.1:8080");
}

TEST(Gateway, TheDefaultValueDoesNotOverride) {
  // faas-cli cannot tell "-g http://127.0.0.1:8080" from no flag; neither can we.
  Environment env{{"OPENFAAS_URL", "http://env:1"}};
  EXPECT_EQ(resolve_gateway("http://127.0.0.1:8080", "http://stack:1", env), "http://stack:1");
  EXPECT_EQ(resolve_gateway("http://127.0.0.1:8080", "http://127.0.0.1:8080", env), "http://env:1");
}

TEST(Gateway, Normalises) {
  EXPECT_EQ(normalize_gateway("127.0.0.1:8080/"), "http://127.0.0.1:8080");
  EXPECT_EQ(normalize_gateway("HTTPS://GW.Example.com//"), "https://gw.example.com");
  EXPECT_EQ(normalize_gateway("http://Host/Prefix/"), "http://host/Prefix");
}

TEST(Gateway, TokenWinsOverSavedCredentials) {
  ConfigFile c;
  upsert_auth(c, {"http://gw:1", kBasicAuth, "dTpw", {}});
  EXPECT_EQ(resolve_authorization("http://gw:1", "jwt", c), "Bearer jwt");
  EXPECT_EQ(resolve_authorization("http://gw:1", "", c), "Basic dTpw");
  EXPECT_EQ(resolve_authorization("http://other:1", "", c), std::nullopt);
}

}  // namespace
}  // namespace faas::cli
