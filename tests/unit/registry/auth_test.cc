#include "faas/registry/auth.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "faas/core/base64.h"

namespace faas::registry {
namespace {

std::string auths(const std::string& key, const std::string& entry) {
  return R"({"auths":{")" + key + R"(":)" + entry + "}}";
}

TEST(AuthConfig, BasicAuthFieldIsBase64UserColonPassword) {
  auto text = auths("127.0.0.1:5000", R"({"auth":")" + base64_encode("alice:s3:cret") + R"("})");
  auto c = credentials_from_config(text, "127.0.0.1:5000");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ(**c, (Credentials{"alice", "s3:cret", ""}));
}

TEST(AuthConfig, UsernamePasswordAndIdentityToken) {
  auto c =
      credentials_from_config(auths("ghcr.io", R"({"username":"u","password":"p"})"), "ghcr.io");
  ASSERT_TRUE(c && *c);
  EXPECT_EQ(**c, (Credentials{"u", "p", ""}));
  c = credentials_from_config(auths("ghcr.io", R"({"auth":"","identitytoken":"rt"})"), "ghcr.io");
  ASSERT_TRUE(c && *c);
  EXPECT_EQ(**c, (Credentials{"", "", "rt"}));
}

TEST(AuthConfig, DockerHubKeysAreNormalized) {
  auto entry = R"({"auth":")" + base64_encode("hub:pw") + R"("})";
  for (std::string key : {"https://index.docker.io/v1/", "index.docker.io", "docker.io",
                          "registry-1.docker.io", "http://docker.io/v2/"}) {
    auto c = credentials_from_config(auths(key, entry), "docker.io");
    ASSERT_TRUE(c && *c) << key;
    EXPECT_EQ((*c)->username, "hub") << key;
  }
  // A scheme and path around another host are dropped too.
  auto c = credentials_from_config(auths("https://ghcr.io/v2/", entry), "ghcr.io");
  ASSERT_TRUE(c && *c);
}

TEST(AuthConfig, NoEntryIsNotAnError) {
  auto entry = R"({"auth":")" + base64_encode("a:b") + R"("})";
  auto c = credentials_from_config(auths("ghcr.io", entry), "127.0.0.1:5000");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->has_value());
  c = credentials_from_config(R"({"credsStore":"desktop"})", "ghcr.io");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->has_value());
  // An entry with nothing usable (a credential helper holds the secret).
  c = credentials_from_config(auths("ghcr.io", "{}"), "ghcr.io");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->has_value());
  // Port matters: 127.0.0.1 is not 127.0.0.1:5000.
  c = credentials_from_config(auths("127.0.0.1", entry), "127.0.0.1:5000");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->has_value());
}

TEST(AuthConfig, MalformedIsAnError) {
  EXPECT_FALSE(credentials_from_config("{", "ghcr.io"));
  EXPECT_FALSE(credentials_from_config("[]", "ghcr.io"));
  EXPECT_FALSE(credentials_from_config(R"({"auths":[]})", "ghcr.io"));
  EXPECT_FALSE(credentials_from_config(auths("ghcr.io", "3"), "ghcr.io"));
  auto c = credentials_from_config(auths("ghcr.io", R"({"auth":"!!!"})"), "ghcr.io");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("auths.ghcr.io.auth"), std::string::npos)
      << c.error().message();
  EXPECT_FALSE(credentials_from_config(
      auths("ghcr.io", R"({"auth":")" + base64_encode("nocolon") + R"("})"), "ghcr.io"));
}

class AuthFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("registry_auth_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    for (const char* v : {"REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "HOME", "XDG_RUNTIME_DIR"}) {
      const char* old = std::getenv(v);
      saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
      ::unsetenv(v);
    }
  }
  void TearDown() override {
    for (const auto& [k, v] : saved_) {
      if (v) ::setenv(k.c_str(), v->c_str(), 1);
    }
    std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& rel, const std::string& user) {
    auto path = dir_ / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << auths("127.0.0.1:5000",
                                 R"({"auth":")" + base64_encode(user + ":pw") + R"("})");
    return path.string();
  }
  std::filesystem::path dir_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(AuthFiles, SearchOrderFirstExistingFileWins) {
  ::setenv("HOME", (dir_ / "home").c_str(), 1);
  ::setenv("XDG_RUNTIME_DIR", (dir_ / "run").c_str(), 1);
  ::setenv("DOCKER_CONFIG", (dir_ / "dc").c_str(), 1);
  ::setenv("REGISTRY_AUTH_FILE", (dir_ / "explicit.json").c_str(), 1);
  EXPECT_EQ(auth_file_candidates(),
            (std::vector<std::string>{(dir_ / "explicit.json").string(),
                                      (dir_ / "dc/config.json").string(),
                                      (dir_ / "home/.docker/config.json").string(),
                                      (dir_ / "run/containers/auth.json").string()}));
  auto none = find_credentials("127.0.0.1:5000", "");
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());

  write("run/containers/auth.json", "podman");
  EXPECT_EQ((*find_credentials("127.0.0.1:5000", ""))->username, "podman");
  write("home/.docker/config.json", "home");
  EXPECT_EQ((*find_credentials("127.0.0.1:5000", ""))->username, "home");
  write("dc/config.json", "dockerconfig");
  EXPECT_EQ((*find_credentials("127.0.0.1:5000", ""))->username, "dockerconfig");
  write("explicit.json", "explicit");
  EXPECT_EQ((*find_credentials("127.0.0.1:5000", ""))->username, "explicit");
  // An explicit file in the options beats the search.
  auto other = write("other.json", "other");
  EXPECT_EQ((*find_credentials("127.0.0.1:5000", other))->username, "other");
}

TEST_F(AuthFiles, ExplicitMissingOrBadFileIsAnError) {
  auto missing = find_credentials("ghcr.io", (dir_ / "nope.json").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("nope.json"), std::string::npos);
  std::ofstream(dir_ / "bad.json") << "{not json";
  auto bad = find_credentials("ghcr.io", (dir_ / "bad.json").string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("bad.json"), std::string::npos) << bad.error().message();
}

TEST(WwwAuthenticate, BearerChallenge) {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].scheme, AuthScheme::kBearer);
  EXPECT_EQ((*c)[0].param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ((*c)[0].param("service"), "registry.docker.io");
  EXPECT_EQ((*c)[0].param("scope"), "repository:library/alpine:pull");
  EXPECT_EQ((*c)[0].param("error"), "");
}

TEST(WwwAuthenticate, BasicCaseSpacingEscapesAndSeveralChallenges) {
  auto c = parse_www_authenticate(
      R"(basic REALM = "Registry \"R\"" ,  Bearer realm=tok,error=insufficient_scope)");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].scheme, AuthScheme::kBasic);
  EXPECT_EQ((*c)[0].param("realm"), "Registry \"R\"");
  EXPECT_EQ((*c)[1].scheme, AuthScheme::kBearer);
  EXPECT_EQ((*c)[1].param("realm"), "tok");
  EXPECT_EQ((*c)[1].param("error"), "insufficient_scope");

  auto bare = parse_www_authenticate("Basic");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ((*bare)[0].scheme, AuthScheme::kBasic);
  auto other = parse_www_authenticate("Negotiate abc==, Basic realm=\"x\"");
  ASSERT_TRUE(other.has_value()) << other.error().message();
  ASSERT_EQ(other->size(), 2u);
  EXPECT_EQ((*other)[0].scheme, AuthScheme::kOther);
  EXPECT_EQ((*other)[0].param(""), "abc==");
  EXPECT_EQ((*other)[1].param("realm"), "x");
  // "realm=" with nothing after it is a token68 (RFC 9110), and so no realm.
  auto empty = parse_www_authenticate("Bearer realm=");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ((*empty)[0].param("realm"), "");
}

TEST(WwwAuthenticate, MalformedIsAnError) {
  EXPECT_FALSE(parse_www_authenticate(""));
  EXPECT_FALSE(parse_www_authenticate("  ,, "));
  EXPECT_FALSE(parse_www_authenticate(R"(Bearer realm="open)"));
  EXPECT_FALSE(parse_www_authenticate("Bearer realm=\"a\" scope"));
  EXPECT_FALSE(parse_www_authenticate("Bearer realm=a b=c"));
  EXPECT_FALSE(parse_www_authenticate("\"Bearer\""));
  EXPECT_FALSE(parse_www_authenticate("Bearer\x01realm=a"));
}

TEST(TokenResponse, TokenOrAccessToken) {
  EXPECT_EQ(*parse_token_response(R"({"token":"t1","access_token":"t2","expires_in":300})"), "t1");
  EXPECT_EQ(*parse_token_response(R"({"access_token":"t2"})"), "t2");
  EXPECT_FALSE(parse_token_response(R"({"expires_in":300})"));
  EXPECT_FALSE(parse_token_response(R"({"token":5})"));
  EXPECT_FALSE(parse_token_response("<html>"));
}

TEST(BasicAuthorization, EncodesUserColonPassword) {
  EXPECT_EQ(basic_authorization({"Aladdin", "open sesame", ""}),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

}  // namespace
}  // namespace faas::registry
