#include "faas/gateway/scaling.h"

#include <gtest/gtest.h>

namespace faas::gateway {
namespace {

TEST(Scaling, DefaultsAreMinOneMaxTwentyFactorTen) {
  auto l = scale_limits(std::nullopt);
  EXPECT_EQ(l.min, 1u);
  EXPECT_EQ(l.max, 20u);
  EXPECT_EQ(l.factor, 10u);
}

TEST(Scaling, LabelsAreHonouredWithoutTheCommunityEditionCapOfFive) {
  auto l = scale_limits(api::StringMap{{"com.openfaas.scale.min", "2"},
                                       {"com.openfaas.scale.max", "50"},
                                       {"com.openfaas.scale.factor", "20"}});
  EXPECT_EQ(l.min, 2u);
  EXPECT_EQ(l.max, 50u);
  EXPECT_EQ(l.factor, 20u);
}

TEST(Scaling, BadLabelsKeepTheirDefaults) {
  auto l = scale_limits(api::StringMap{{"com.openfaas.scale.min", "x"},
                                       {"com.openfaas.scale.max", "0"},
                                       {"com.openfaas.scale.factor", "101"}});
  EXPECT_EQ(l.min, 1u);
  EXPECT_EQ(l.max, 20u);
  EXPECT_EQ(l.factor, 10u);
  // min above max is brought down to max.
  EXPECT_EQ(scale_limits(api::StringMap{{"com.openfaas.scale.min", "9"},
                                        {"com.openfaas.scale.max", "3"}}).min, 3u);
}

TEST(Scaling, FiringAddsCeilOfMaxTimesFactorUpToMax) {
  ScaleLimits l{.min = 1, .max = 20, .factor = 10};  // step 2
  EXPECT_EQ(alert_target(l, 1, true), 3u);
  EXPECT_EQ(alert_target(l, 19, true), 20u);
  EXPECT_EQ(alert_target(l, 20, true), std::nullopt);
  ScaleLimits small{.min = 1, .max = 5, .factor = 10};  // ceil(0.5) = 1
  EXPECT_EQ(alert_target(small, 1, true), 2u);
}

TEST(Scaling, ResolvedReturnsToMin) {
  ScaleLimits l{.min = 2, .max = 20, .factor = 10};
  EXPECT_EQ(alert_target(l, 9, false), 2u);
  EXPECT_EQ(alert_target(l, 2, false), std::nullopt);
}

}  // namespace
}  // namespace faas::gateway
