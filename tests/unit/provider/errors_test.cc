#include "faas/provider/errors.h"

#include <gtest/gtest.h>

#include "faas/provider/provider.h"

namespace faas::provider {
namespace {

TEST(ProviderErrors, MapToOpenFaaSStatusCodes) {
  EXPECT_EQ(http_status(provider_error(ProviderErrc::kNotFound, "f")), 404u);
  EXPECT_EQ(http_status(provider_error(ProviderErrc::kInvalid, "f")), 400u);
  EXPECT_EQ(http_status(provider_error(ProviderErrc::kConflict, "f")), 409u);
  EXPECT_EQ(http_status(provider_error(ProviderErrc::kNotImplemented, "f")), 501u);
  EXPECT_EQ(http_status(provider_error(ProviderErrc::kUnavailable, "f")), 503u);
  EXPECT_EQ(http_status(invalid_argument("service: required")), 400u);
  EXPECT_EQ(http_status(errno_error(EIO, "disk")), 500u);
}

TEST(ProviderErrors, StatusRoundTrip) {
  for (unsigned s : {400u, 404u, 409u, 501u, 502u, 503u, 504u, 500u}) {
    EXPECT_EQ(http_status(provider_error(errc_for_status(s), "x")), s);
  }
  EXPECT_EQ(errc_for_status(422), ProviderErrc::kInvalid);
}

TEST(FunctionRef, NamespaceIsAfterTheLastDot) {
  EXPECT_EQ(parse_function_ref("figlet", "openfaas-fn"), (FunctionRef{"figlet", "openfaas-fn"}));
  EXPECT_EQ(parse_function_ref("figlet.dev"), (FunctionRef{"figlet", "dev"}));
  EXPECT_EQ(parse_function_ref("a.b.c"), (FunctionRef{"a.b", "c"}));
}

}  // namespace
}  // namespace faas::provider
