#include "faas/gateway/auth.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "faas/core/base64.h"

namespace faas::gateway {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/faas-auth-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string header(const std::string& user, const std::string& password) {
  return "Basic " + base64_encode(user + ":" + password);
}

TEST(BasicAuth, AcceptsOnlyTheExactCredentials) {
  Credentials c{"admin", "s3cret"};
  EXPECT_TRUE(check_basic_auth(header("admin", "s3cret"), c));
  EXPECT_TRUE(check_basic_auth("basic " + base64_encode("admin:s3cret"), c));
  EXPECT_FALSE(check_basic_auth(header("admin", "s3cre"), c));
  EXPECT_FALSE(check_basic_auth(header("admin", "s3cret2"), c));
  EXPECT_FALSE(check_basic_auth(header("root", "s3cret"), c));
  EXPECT_FALSE(check_basic_auth("Bearer abc", c));
  EXPECT_FALSE(check_basic_auth("Basic !!!", c));
  EXPECT_FALSE(check_basic_auth("Basic " + base64_encode("nocolon"), c));
  EXPECT_FALSE(check_basic_auth("", c));
}

TEST(BasicAuth, PasswordMayContainColons) {
  EXPECT_TRUE(check_basic_auth(header("u", "a:b:c"), Credentials{"u", "a:b:c"}));
}

TEST(ConstantTimeEqual, ComparesLengthAndBytes) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Credentials, CreatedOnceWithPrivateModes) {
  TempDir dir;
  std::string secrets = dir.path() + "/secrets";
  bool created = false;
  auto first = load_or_create_credentials(secrets, &created);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(created);
  EXPECT_EQ(first->user, "admin");
  EXPECT_EQ(first->password.size(), 32u);
  struct stat st{};
  ASSERT_EQ(::stat((secrets + "/basic-auth-password").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = load_or_create_credentials(secrets, &created);
  ASSERT_TRUE(second);
  EXPECT_FALSE(created);
  EXPECT_EQ(second->password, first->password);
}

TEST(Credentials, TrimsAndRejectsEmpty) {
  TempDir dir;
  std::ofstream(dir.path() + "/basic-auth-user") << "  alice\n";
  std::ofstream(dir.path() + "/basic-auth-password") << "pw\n";
  auto c = load_credentials(dir.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "pw");
  std::ofstream(dir.path() + "/basic-auth-password") << "\n";
  EXPECT_FALSE(load_credentials(dir.path()));
  EXPECT_FALSE(load_credentials(dir.path() + "/missing"));
}

}  // namespace
}  // namespace faas::gateway
