#include "faas/provider/secret_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "faas/provider/errors.h"

namespace faas::provider {
namespace {

namespace fs = std::filesystem;

class SecretStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "secret-store-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static unsigned mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  std::string root_;
};

TEST_F(SecretStoreTest, CreateWritesA0600FileInA0700Directory) {
  SecretStore store(root_ + "/secrets");
  ASSERT_TRUE(store.create({.name = "db-pass", .namespace_ = "openfaas-fn", .value = "s3cret"}));
  std::string file = store.path("openfaas-fn", "db-pass");
  EXPECT_EQ(file, root_ + "/secrets/openfaas-fn/db-pass");
  EXPECT_EQ(slurp(file), "s3cret");
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(store.directory("openfaas-fn")), 0700u);
  EXPECT_TRUE(store.exists("openfaas-fn", "db-pass"));
  EXPECT_FALSE(store.exists("other", "db-pass"));
}

TEST_F(SecretStoreTest, CreateTwiceIsAConflictAndKeepsTheValue) {
  SecretStore store(root_);
  ASSERT_TRUE(store.create({.name = "k", .namespace_ = "ns", .value = "one"}));
  auto again = store.create({.name = "k", .namespace_ = "ns", .value = "two"});
  ASSERT_FALSE(again);
  EXPECT_EQ(http_status(again.error()), 409u);
  EXPECT_EQ(slurp(store.path("ns", "k")), "one");
}

TEST_F(SecretStoreTest, UpdateReplacesTheValueAndNeedsAnExistingSecret) {
  SecretStore store(root_);
  auto missing = store.update({.name = "k", .namespace_ = "ns", .value = "x"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(http_status(missing.error()), 404u);
  ASSERT_TRUE(store.create({.name = "k", .namespace_ = "ns", .value = "one"}));
  // raw_value is used when value is empty (binary secrets).
  ASSERT_TRUE(store.update({.name = "k", .namespace_ = "ns", .raw_value = std::string("a\0b", 3)}));
  EXPECT_EQ(slurp(store.path("ns", "k")), std::string("a\0b", 3));
  EXPECT_EQ(mode_of(store.path("ns", "k")), 0600u);
}

TEST_F(SecretStoreTest, ListIsSortedAndSkipsTemporaryFiles) {
  SecretStore store(root_);
  auto empty = store.list("nowhere");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(store.create({.name = "b", .namespace_ = "ns", .value = "1"}));
  ASSERT_TRUE(store.create({.name = "a", .namespace_ = "ns", .value = "2"}));
  std::ofstream(store.directory("ns") + "/.tmp-c") << "half";
  auto listed = store.list("ns");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "a");
  EXPECT_EQ((*listed)[1].name, "b");
  EXPECT_EQ((*listed)[0].namespace_, "ns");
  EXPECT_TRUE((*listed)[0].value.empty());  // names only
}

TEST_F(SecretStoreTest, RemoveAndRemoveNamespace) {
  SecretStore store(root_);
  auto missing = store.remove("ns", "k");
  ASSERT_FALSE(missing);
  EXPECT_EQ(http_status(missing.error()), 404u);
  ASSERT_TRUE(store.create({.name = "k", .namespace_ = "ns", .value = "1"}));
  ASSERT_TRUE(store.create({.name = "j", .namespace_ = "ns", .value = "1"}));
  ASSERT_TRUE(store.remove("ns", "k"));
  EXPECT_FALSE(store.exists("ns", "k"));
  store.remove_namespace("ns");
  EXPECT_FALSE(fs::exists(store.directory("ns")));
  store.remove_namespace("never-existed");  // not an error
}

TEST_F(SecretStoreTest, ValidateNameRejectsPathTricks) {
  EXPECT_TRUE(SecretStore::validate_name("api-key_1.txt"));
  std::vector<std::string> bads{"", "a/b", "..", "x..y", ".hidden", std::string("a\0b", 3)};
  for (const auto& bad : bads) {
    auto v = SecretStore::validate_name(bad);
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(http_status(v.error()), 400u) << bad;
  }
}

}  // namespace
}  // namespace faas::provider
