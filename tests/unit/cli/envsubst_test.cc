#include "faas/cli/envsubst.h"

#include <gtest/gtest.h>

namespace faas::cli {
namespace {

std::string expand(std::string_view text, const Environment& env) {
  auto r = envsubst(text, env);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : std::string("<error>");
}

TEST(Envsubst, ExpandsPlainAndBracedNames) {
  Environment env{{"REG", "ghcr.io/me"}, {"TAG", "1.2"}};
  EXPECT_EQ(expand("image: $REG/fn:${TAG}", env), "image: ghcr.io/me/fn:1.2");
  EXPECT_EQ(expand("${REG}suffix $REGsuffix.", env), "ghcr.io/mesuffix .");
}

TEST(Envsubst, UnsetVariablesBecomeEmpty) { EXPECT_EQ(expand("a${NOPE}b$NOPE.c", {}), "ab.c"); }

TEST(Envsubst, ColonDashDefaultsApplyToUnsetAndEmpty) {
  Environment env{{"EMPTY", ""}, {"SET", "v"}};
  EXPECT_EQ(expand("${UNSET:-x}", env), "x");
  EXPECT_EQ(expand("${EMPTY:-x}", env), "x");
  EXPECT_EQ(expand("${SET:-x}", env), "v");
  EXPECT_EQ(expand("${UNSET:-}", env), "");
  EXPECT_EQ(expand("${UNSET:-http://127.0.0.1:8080}", env), "http://127.0.0.1:8080");
}

TEST(Envsubst, DashDefaultsApplyOnlyToUnset) {
  Environment env{{"EMPTY", ""}};
  EXPECT_EQ(expand("${UNSET-x}", env), "x");
  EXPECT_EQ(expand("${EMPTY-x}", env), "");
  EXPECT_EQ(expand("${UNSET:=y}|${UNSET=z}", env), "y|z");
}

TEST(Envsubst, PlusGivesTheWordOnlyWhenSet) {
  Environment env{{"EMPTY", ""}, {"SET", "v"}};
  EXPECT_EQ(expand("${SET:+yes}|${EMPTY:+yes}|${UNSET:+yes}", env), "yes||");
  EXPECT_EQ(expand("${EMPTY+yes}|${UNSET+yes}", env), "yes|");
}

TEST(Envsubst, DefaultsNest) {
  Environment env{{"B", "b"}};
  EXPECT_EQ(expand("${A:-${B}}", env), "b");
  EXPECT_EQ(expand("${A:-${C:-c}-x}", env), "c-x");
}

TEST(Envsubst, DollarDollarAndLoneDollarsAreLiteral) {
  EXPECT_EQ(expand("cost: $$5, $ 3, 100$, $1", {}), "cost: $5, $ 3, 100$, $1");
}

TEST(Envsubst, MalformedBracesAreErrors) {
  EXPECT_FALSE(envsubst("${UNCLOSED", {}));
  EXPECT_FALSE(envsubst("${}", {}));
  EXPECT_FALSE(envsubst("${1X}", {}));
  EXPECT_FALSE(envsubst("${A?msg}", {}));
}

}  // namespace
}  // namespace faas::cli
