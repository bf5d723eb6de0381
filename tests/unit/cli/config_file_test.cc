#include "faas/cli/config_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.h"

namespace faas::cli {
namespace {

using testing::TempDir;

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST(ConfigFile, PathHonoursOpenfaasConfigThenCiThenHome) {
  EXPECT_EQ(config_path({{"HOME", "/home/u"}}), "/home/u/.openfaas/config.yml");
  EXPECT_EQ(config_path({{"HOME", "/home/u"}, {"CI", "true"}}), ".openfaas/config.yml");
  EXPECT_EQ(config_path({{"HOME", "/home/u"}, {"CI", "1"}}), ".openfaas/config.yml");
  EXPECT_EQ(config_path({{"HOME", "/home/u"}, {"CI", "false"}}), "/home/u/.openfaas/config.yml");
  EXPECT_EQ(config_path({{"HOME", "/home/u"}, {"CI", "true"}, {"OPENFAAS_CONFIG", "/etc/of"}}),
            "/etc/of/config.yml");
}

TEST(ConfigFile, MissingFileReadsAsEmpty) {
  TempDir dir;
  auto c = read_config(dir.path() / "none" / "config.yml");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(c->auths.empty());
}

TEST(ConfigFile, RoundTripsWithPrivateModes) {
  TempDir dir;
  auto file = dir.path() / ".openfaas" / "config.yml";
  ConfigFile c;
  upsert_auth(c, {"http://127.0.0.1:8080", kBasicAuth, "YWRtaW46cGFzcw==", {}});
  upsert_auth(c, {"https://gw.example", kOauth2Auth, "jwt", {{"client_id", "abc"}}});
  ASSERT_TRUE(write_config(file, c));
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(file.parent_path()), 0700u);
  auto back = read_config(file);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, c);
}

TEST(ConfigFile, ReadsTheFormatFaasCliWrites) {
  TempDir dir;
  auto file = dir.write("config.yml",
                        "auths:\n- gateway: http://127.0.0.1:8080\n  auth: basic\n"
                        "  token: YWRtaW46c2VjcmV0\n");
  auto c = read_config(file);
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_EQ(c->auths.size(), 1u);
  EXPECT_EQ(c->auths[0].token, "YWRtaW46c2VjcmV0");
  EXPECT_EQ(authorization_header(c->auths[0]), "Basic YWRtaW46c2VjcmV0");
}

TEST(ConfigFile, UpsertReplacesAndRemoveForgets) {
  ConfigFile c;
  upsert_auth(c, {"http://a", kBasicAuth, "one", {}});
  upsert_auth(c, {"http://b", kBasicAuth, "two", {}});
  upsert_auth(c, {"http://a", kOauth2Auth, "three", {}});
  ASSERT_EQ(c.auths.size(), 2u);
  EXPECT_EQ(find_auth(c, "http://a")->token, "three");
  EXPECT_EQ(authorization_header(*find_auth(c, "http://a")), "Bearer three");
  EXPECT_TRUE(remove_auth(c, "http://a"));
  EXPECT_FALSE(remove_auth(c, "http://a"));
  EXPECT_FALSE(find_auth(c, "http://a"));
  EXPECT_TRUE(find_auth(c, "http://b"));
}

TEST(ConfigFile, BadYamlIsAnErrorWithTheFile) {
  TempDir dir;
  auto file = dir.write("config.yml", "auths: [\n");
  auto c = read_config(file);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find(file.string()), std::string::npos);
}

}  // namespace
}  // namespace faas::cli
