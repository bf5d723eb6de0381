// ProcessProvider: secrets on disk (and as files for functions), namespaces, info, health.
#include <sys/stat.h>

#include "provider_fixture.h"

namespace faas::test {
namespace {

api::Secret secret(std::string name, std::string value, std::string ns = "") {
  return api::Secret{.name = std::move(name), .namespace_ = std::move(ns), .value = std::move(value)};
}

TEST_F(ProviderTest, SecretsCreateListUpdateRemove) {
  ASSERT_TRUE(run(provider_->create_secret(secret("db", "s3cret"))));
  ASSERT_TRUE(run(provider_->create_secret(
      api::Secret{.name = "bin", .raw_value = std::string("\x00\x01\xff", 3)})));

  auto list = run(provider_->list_secrets(""));
  ASSERT_TRUE(list) << error_text(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], (api::Secret{.name = "bin", .namespace_ = "openfaas-fn"}));
  EXPECT_EQ((*list)[1], (api::Secret{.name = "db", .namespace_ = "openfaas-fn"}));

  auto path = state_->path() + "/state/secrets/openfaas-fn/db";
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  EXPECT_TRUE(has_errc(run(provider_->create_secret(secret("db", "x"))), ProviderErrc::kConflict));
  EXPECT_TRUE(has_errc(run(provider_->update_secret(secret("none", "x"))), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->remove_secret(secret("none", ""))), ProviderErrc::kNotFound));
  for (const char* bad : {"", "a/b", "..", "x..y", ".hidden"}) {
    auto r = run(provider_->create_secret(secret(bad, "x")));
    EXPECT_TRUE(has_errc(r, ProviderErrc::kInvalid)) << bad;
  }
  EXPECT_TRUE(has_errc(run(provider_->create_secret(secret("db", "x", "nowhere"))), ProviderErrc::kInvalid));

  ASSERT_TRUE(run(provider_->update_secret(secret("db", "rotated"))));
  ASSERT_TRUE(run(provider_->remove_secret(secret("bin", ""))));
  list = run(provider_->list_secrets("openfaas-fn"));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "db");
  EXPECT_TRUE((*list)[0].value.empty()) << "list must not return values";
}

TEST_F(ProviderTest, FunctionsReadTheirSecretsFromOpenfaasSecretsDir) {
  ASSERT_TRUE(run(provider_->create_secret(secret("db", "v1"))));
  ASSERT_TRUE(run(provider_->create_secret(secret("other", "not yours"))));
  auto script = state_->write("read.sh", "cat \"$OPENFAAS_SECRETS_DIR/db\"; ls \"$OPENFAAS_SECRETS_DIR\"\n");
  ASSERT_TRUE(script);
  auto spec = function("reader", "sh " + *script);
  spec.secrets = {"db"};
  ASSERT_TRUE(deploy_ready(spec));
  auto replicas = run(provider_->replicas({"reader", ""}));
  ASSERT_TRUE(replicas && replicas->size() == 1);
  auto r = invoke(replicas->front(), "");
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->body, "v1db\n") << "only the secrets the function asked for";

  ASSERT_TRUE(run(provider_->update_secret(secret("db", "v2"))));
  r = invoke(replicas->front(), "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "v2db\n") << "an updated secret is visible without a restart";
}

TEST_F(ProviderTest, Namespaces) {
  auto list = run(provider_->list_namespaces());
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, std::vector<std::string>{"openfaas-fn"});
  auto def = run(provider_->get_namespace("openfaas-fn"));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->labels.at("openfaas"), "1");

  auto unlabelled = run(provider_->create_namespace({.name = "team-a"}));
  EXPECT_TRUE(has_errc(unlabelled, ProviderErrc::kInvalid));
  EXPECT_NE(unlabelled.error().context.find("openfaas=1"), std::string::npos);
  EXPECT_TRUE(has_errc(run(provider_->create_namespace({.name = "Bad", .labels = {{"openfaas", "1"}}})),
                       ProviderErrc::kInvalid));
  ASSERT_TRUE(run(provider_->create_namespace(
      {.name = "team-a", .annotations = {{"owner", "me"}}, .labels = {{"openfaas", "1"}}})));
  EXPECT_TRUE(has_errc(run(provider_->create_namespace({.name = "team-a", .labels = {{"openfaas", "1"}}})),
                       ProviderErrc::kConflict));
  auto got = run(provider_->get_namespace("team-a"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->annotations.at("owner"), "me");
  ASSERT_TRUE(run(provider_->update_namespace(
      {.name = "team-a", .annotations = {{"owner", "you"}}, .labels = {{"openfaas", "true"}}})));
  EXPECT_EQ(run(provider_->get_namespace("team-a"))->annotations.at("owner"), "you");
  EXPECT_TRUE(has_errc(run(provider_->update_namespace({.name = "team-b", .labels = {{"openfaas", "1"}}})),
                       ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->get_namespace("team-b")), ProviderErrc::kNotFound));

  // A function and a secret in it.
  ASSERT_TRUE(run(provider_->create_secret(secret("key", "k", "team-a"))));
  auto spec = function("fn", "cat");
  spec.namespace_ = "team-a";
  spec.secrets = {"key"};
  ASSERT_TRUE(deploy_ready(spec));
  EXPECT_TRUE(run(provider_->status({"fn", "team-a"})));
  EXPECT_TRUE(has_errc(run(provider_->status({"fn", ""})), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->remove_namespace("team-a")), ProviderErrc::kConflict));
  ASSERT_TRUE(run(provider_->remove({"fn", "team-a"})));
  ASSERT_TRUE(run(provider_->remove_namespace("team-a")));
  EXPECT_TRUE(has_errc(run(provider_->remove_namespace("team-a")), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->remove_namespace("openfaas-fn")), ProviderErrc::kInvalid));
  list = run(provider_->list_namespaces());
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, std::vector<std::string>{"openfaas-fn"});
}

TEST_F(ProviderTest, InfoAndHealth) {
  auto info = run(provider_->info());
  ASSERT_TRUE(info);
  EXPECT_EQ(info->provider, "faas++ process");
  EXPECT_EQ(info->orchestration, "process");
  EXPECT_FALSE(info->version.release.empty());
  EXPECT_FALSE(info->version.sha.empty());
  EXPECT_TRUE(run(provider_->health()));
  ASSERT_TRUE(run(provider_->shutdown()));
  EXPECT_TRUE(has_errc(run(provider_->health()), ProviderErrc::kUnavailable));
}

}  // namespace
}  // namespace faas::test
