#include "state_db.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace faas::containerd_provider::detail {
namespace {

class StateDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/faas-statedb-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return dir_ + "/state.db"; }
  std::string dir_;
};

StoredFunction sample(std::string name) {
  api::FunctionDeployment spec{.service = std::move(name), .image = "127.0.0.1:5000/fn:1", .namespace_ = "openfaas-fn",
                               .env_process = "cat"};
  spec.env_vars = {{"a", "1"}};
  spec.secrets = {"token"};
  spec.labels = api::StringMap{{"com.openfaas.scale.min", "2"}};
  return StoredFunction{.spec = spec, .replicas = 3,
                        .created_at = api::Timestamp(std::chrono::microseconds(1'700'000'000'123'456)),
                        .generation = 4};
}

TEST_F(StateDbTest, FunctionsSurviveReopen) {
  {
    auto db = StateDb::open(path());
    ASSERT_TRUE(db) << db.error().message();
    ASSERT_TRUE((*db)->put_function(sample("a")));
    ASSERT_TRUE((*db)->put_function(sample("b")));
    ASSERT_TRUE((*db)->set_replicas("openfaas-fn", "b", 0));
    ASSERT_TRUE((*db)->delete_function("openfaas-fn", "a"));
  }
  auto db = StateDb::open(path());
  ASSERT_TRUE(db) << db.error().message();
  auto fns = (*db)->functions();
  ASSERT_TRUE(fns) << fns.error().message();
  ASSERT_EQ(fns->size(), 1u);
  const auto& b = fns->front();
  EXPECT_EQ(b.spec.service, "b");
  EXPECT_EQ(b.spec.namespace_, "openfaas-fn");
  EXPECT_EQ(b.spec.env_vars.at("a"), "1");
  EXPECT_EQ(b.spec.secrets, std::vector<std::string>{"token"});
  EXPECT_EQ(b.replicas, 0u);
  EXPECT_EQ(b.generation, 4u);
  EXPECT_EQ(b.created_at, sample("b").created_at);
}

TEST_F(StateDbTest, PutReplacesByNamespaceAndName) {
  auto db = StateDb::open(path());
  ASSERT_TRUE(db);
  auto fn = sample("a");
  ASSERT_TRUE((*db)->put_function(fn));
  fn.generation = 5;
  fn.spec.image = "other:2";
  ASSERT_TRUE((*db)->put_function(fn));
  auto fns = (*db)->functions();
  ASSERT_EQ(fns->size(), 1u);
  EXPECT_EQ(fns->front().generation, 5u);
  EXPECT_EQ(fns->front().spec.image, "other:2");
}

TEST_F(StateDbTest, NamespacesAndUploads) {
  auto db = StateDb::open(path());
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->put_namespace({.name = "team-a", .labels = {{"openfaas", "1"}, {"team", "a"}}}));
  auto nss = (*db)->namespaces();
  ASSERT_TRUE(nss);
  ASSERT_EQ(nss->size(), 1u);
  EXPECT_EQ(nss->front().labels.at("team"), "a");
  ASSERT_TRUE((*db)->delete_namespace("team-a"));
  EXPECT_TRUE((*db)->namespaces()->empty());

  EXPECT_FALSE(*(*db)->is_uploaded("openfaas-fn", "docker.io/library/fn:latest"));
  ASSERT_TRUE((*db)->mark_uploaded("openfaas-fn", "docker.io/library/fn:latest"));
  ASSERT_TRUE((*db)->mark_uploaded("openfaas-fn", "docker.io/library/fn:latest"));  // idempotent
  EXPECT_TRUE(*(*db)->is_uploaded("openfaas-fn", "docker.io/library/fn:latest"));
  EXPECT_FALSE(*(*db)->is_uploaded("other", "docker.io/library/fn:latest"));
}

TEST_F(StateDbTest, UnwritablePathIsAnError) {
  auto db = StateDb::open(dir_ + "/missing/dir/state.db");
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message().find("state db"), std::string::npos) << db.error().message();
}

TEST_F(StateDbTest, CorruptFileIsAnError) {
  {
    std::FILE* f = std::fopen(path().c_str(), "w");
    std::fputs("this is not a database, but long enough to look like a header.......", f);
    std::fclose(f);
  }
  auto db = StateDb::open(path());
  ASSERT_FALSE(db);
}

}  // namespace
}  // namespace faas::containerd_provider::detail
