#include "faas/gateway/router.h"

#include <gtest/gtest.h>

namespace faas::gateway {
namespace {

using boost::beast::http::verb;
using Outcome = RouteMatch::Outcome;

TEST(Router, FunctionRoutesKeepTheRestOfThePath) {
  auto m = match_route(verb::patch, "/function/figlet.dev/a/b?x=1");
  EXPECT_EQ(m.outcome, Outcome::kMatched);
  EXPECT_EQ(m.route, Route::kFunction);
  EXPECT_EQ(m.name, "figlet.dev");
  EXPECT_EQ(m.path, "/a/b");
  EXPECT_FALSE(m.requires_auth);
  EXPECT_EQ(match_route(verb::get, "/function/figlet/").path, "/");
  EXPECT_EQ(match_route(verb::get, "/function/figlet").path, "");
  EXPECT_EQ(match_route(verb::get, "/function/").outcome, Outcome::kNotFound);
  EXPECT_EQ(match_route(verb::get, "/function/bad name").outcome, Outcome::kNotFound);
}

TEST(Router, SystemRoutesNeedAuthAndTheRightMethod) {
  auto list = match_route(verb::get, "/system/functions");
  EXPECT_EQ(list.route, Route::kFunctions);
  EXPECT_TRUE(list.requires_auth);
  auto wrong = match_route(verb::patch, "/system/functions");
  EXPECT_EQ(wrong.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(wrong.allowed.size(), 4u);
  EXPECT_EQ(match_route(verb::get, "/system/scale-function/f").outcome, Outcome::kMethodNotAllowed);
  auto scale = match_route(verb::post, "/system/scale-function/f.ns");
  EXPECT_EQ(scale.route, Route::kScale);
  EXPECT_EQ(scale.name, "f.ns");
  EXPECT_EQ(match_route(verb::get, "/system/function/f?namespace=x").name, "f");
  EXPECT_EQ(match_route(verb::get, "/system/function/f/extra").outcome, Outcome::kNotFound);
}

TEST(Router, OpenRoutes) {
  EXPECT_FALSE(match_route(verb::get, "/healthz").requires_auth);
  EXPECT_EQ(match_route(verb::post, "/healthz").outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(match_route(verb::get, "/").route, Route::kRoot);
  EXPECT_EQ(match_route(verb::post, "/async-function/f/x").route, Route::kAsyncFunction);
  EXPECT_EQ(match_route(verb::get, "/async-function/f").outcome, Outcome::kMethodNotAllowed);
  EXPECT_TRUE(match_route(verb::get, "/ui/index.html").requires_auth);
  EXPECT_EQ(match_route(verb::get, "/nope").outcome, Outcome::kNotFound);
}

TEST(Router, ValidNames) {
  EXPECT_TRUE(valid_route_name("fn-1_A.ns"));
  EXPECT_FALSE(valid_route_name(""));
  EXPECT_FALSE(valid_route_name("a/b"));
  EXPECT_FALSE(valid_route_name("a b"));
}

}  // namespace
}  // namespace faas::gateway
