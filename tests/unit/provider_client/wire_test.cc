#include "wire.h"

#include <gtest/gtest.h>

#include "faas/http/client.h"
#include "faas/provider/errors.h"

namespace faas::provider_client {
namespace {

using provider::ProviderErrc;

TEST(Wire, PercentEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("echo-1.dev_x~"), "echo-1.dev_x~");
  EXPECT_EQ(percent_encode("a b&c=d/e?"), "a%20b%26c%3Dd%2Fe%3F");
  EXPECT_EQ(percent_encode("2023-11-14T22:13:20+01:00"), "2023-11-14T22%3A13%3A20%2B01%3A00");
}

TEST(Wire, MakeTargetLeavesOutEmptyValues) {
  EXPECT_EQ(make_target("/system/functions", {{"namespace", ""}}), "/system/functions");
  EXPECT_EQ(make_target("/system/logs", {{"name", "echo"}, {"instance", ""}, {"tail", "-1"}}),
            "/system/logs?name=echo&tail=-1");
}

TEST(Wire, OnlyTwoHundredTwoHundredOneAndTwoHundredTwoAreSuccess) {
  EXPECT_TRUE(is_success(200));
  EXPECT_TRUE(is_success(201));
  EXPECT_TRUE(is_success(202));
  EXPECT_FALSE(is_success(204));
  EXPECT_FALSE(is_success(301));
}

TEST(Wire, StatusErrorUsesTheTrimmedBodyOrNamesTheCall) {
  auto e = status_error(409, "\n  function exists \r\n", "POST /system/functions");
  EXPECT_EQ(e.code, ProviderErrc::kConflict);
  EXPECT_EQ(e.context, "function exists");
  auto empty = status_error(500, " \n", "GET /system/info");
  EXPECT_EQ(empty.code, ProviderErrc::kInternal);
  EXPECT_EQ(empty.context, "provider answered 500 to GET /system/info");
}

TEST(Wire, TransportErrorsMapToUnavailableTimeoutOrBadGateway) {
  auto map = [](http::ClientErrc e) {
    return transport_error(Error{make_error_code(e), "x"}).code;
  };
  EXPECT_EQ(map(http::ClientErrc::kConnect), ProviderErrc::kUnavailable);
  EXPECT_EQ(map(http::ClientErrc::kTimeout), ProviderErrc::kTimeout);
  EXPECT_EQ(map(http::ClientErrc::kStalled), ProviderErrc::kTimeout);
  EXPECT_EQ(map(http::ClientErrc::kBadResponse), ProviderErrc::kBadGateway);
  EXPECT_EQ(map(http::ClientErrc::kTooLarge), ProviderErrc::kBadGateway);
  EXPECT_EQ(map(http::ClientErrc::kIo), ProviderErrc::kBadGateway);
}

}  // namespace
}  // namespace faas::provider_client
