// Bad input, secrets, namespaces, limits and images (pull through an injected puller, oci-archive).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.h"

namespace faas::test {
namespace {

template <class T>
void expect_error(const Result<T>& r, ProviderErrc errc, const std::string& text) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, provider::make_error_code(errc)) << r.error().message();
  EXPECT_NE(r.error().message().find(text), std::string::npos) << r.error().message();
}

TEST_F(ContainerdProviderTest, BadInputIsRejectedWithClearText) {
  auto spec = function("nope");
  spec.image = "127.0.0.1:1/not-there:1";
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "image 127.0.0.1:1/not-there:1");
  spec = function("Bad_Name");
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "service");
  spec = function("secretive");
  spec.secrets = {"absent"};
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "unable to find secret: absent");
  spec = function("elsewhere");
  spec.namespace_ = "no-such-ns";
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "no-such-ns");
  spec = function("greedy");
  spec.limits = api::Resources{.memory = "lots"};
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "limits.memory");
  spec = function("badref");
  spec.image = "UPPER/case";
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "image UPPER/case");
  expect_error(run(provider_->status({"ghost", ""})), ProviderErrc::kNotFound, "ghost");
  expect_error(run(provider_->scale({"ghost", ""}, 1)), ProviderErrc::kNotFound, "ghost");
  expect_error(run(provider_->update(function("ghost"))), ProviderErrc::kNotFound, "ghost");
  expect_error(run(provider_->list("no-such-ns")), ProviderErrc::kInvalid, "no-such-ns");
  auto none = run(provider_->list(""));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty()) << "nothing was deployed by the bad requests";
}

TEST_F(ContainerdProviderTest, SecretsAreReadOnlyFilesOfTheFunctionsUser) {
  ASSERT_TRUE(run(provider_->create_secret({.name = "token", .value = "s3cret"})));
  ASSERT_TRUE(run(provider_->create_secret({.name = "other", .value = "not for you"})));
  auto spec = function("reader", "/bin/report-secrets");
  spec.secrets = {"token"};
  ASSERT_TRUE(deploy_ready(spec));
  auto rs = replicas("reader");
  ASSERT_EQ(rs.size(), 1u);
  auto response = invoke(rs[0], "");
  ASSERT_TRUE(is_ok(response)) << error_text(response);
  EXPECT_NE(response->find("s3cret"), std::string::npos) << *response;
  EXPECT_EQ(response->find("other"), std::string::npos) << "only the secrets it lists\n" << *response;
  // An update of the secret is visible to the running replica.
  ASSERT_TRUE(run(provider_->update_secret({.name = "token", .value = "rotated"})));
  response = invoke(rs[0], "");
  ASSERT_TRUE(is_ok(response));
  EXPECT_NE(response->find("rotated"), std::string::npos) << *response;
  auto listed = run(provider_->list_secrets(""));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);
  auto mode = std::filesystem::status(state_->path() + "/state/secrets/openfaas-fn/token").permissions();
  EXPECT_EQ(mode, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(ContainerdProviderTest, LimitsAndReadOnlyRootReachTheContainer) {
  auto spec = function("tight", "/bin/report-limits");
  spec.limits = api::Resources{.memory = "64Mi", .cpu = "0.5"};
  spec.read_only_root_filesystem = true;
  ASSERT_TRUE(deploy_ready(spec));
  auto response = invoke(replicas("tight").at(0), "");
  ASSERT_TRUE(is_ok(response)) << error_text(response);
  EXPECT_NE(response->find("67108864"), std::string::npos) << *response;
  EXPECT_NE(response->find("50000"), std::string::npos) << *response;
  EXPECT_NE(response->find("rootfs=ro"), std::string::npos) << *response;
  EXPECT_NE(response->find("tmp=rw"), std::string::npos) << *response;
}

TEST_F(ContainerdProviderTest, NamespacesAreLabelledContainerdNamespaces) {
  expect_error(run(provider_->create_namespace({.name = "team-a"})), ProviderErrc::kInvalid, "openfaas=1");
  ASSERT_TRUE(run(provider_->create_namespace({.name = "team-a", .labels = {{"openfaas", "1"}}})));
  expect_error(run(provider_->create_namespace({.name = "team-a", .labels = {{"openfaas", "1"}}})),
               ProviderErrc::kConflict, "team-a");
  auto ns = run(client().get_namespace("team-a"));
  ASSERT_TRUE(ns) << error_text(ns);
  EXPECT_EQ(ns->labels.at("openfaas"), "1");
  ASSERT_TRUE(run(provider_->update_namespace({.name = "team-a", .labels = {{"openfaas", "1"}, {"team", "a"}}})));
  auto got = run(provider_->get_namespace("team-a"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->labels.at("team"), "a");
  EXPECT_EQ(run(client().get_namespace("team-a"))->labels.at("team"), "a");

  ASSERT_TRUE(run(provider_->import_image(archive_, kImage, "team-a")));
  auto spec = function("inside");
  spec.namespace_ = "team-a";
  ASSERT_TRUE(deploy_ready(spec));
  expect_error(run(provider_->remove_namespace("team-a")), ProviderErrc::kConflict, "inside");
  ASSERT_TRUE(run(provider_->remove({"inside", "team-a"})));
  ASSERT_TRUE(run(provider_->remove_namespace("team-a")));
  expect_error(run(provider_->get_namespace("team-a")), ProviderErrc::kNotFound, "team-a");
  auto names = run(provider_->list_namespaces());
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, std::vector<std::string>{"openfaas-fn"});
  expect_error(run(provider_->remove_namespace("openfaas-fn")), ProviderErrc::kInvalid, "default");
}

TEST_F(ContainerdProviderTest, InfoNamesContainerd) {
  auto info = run(provider_->info());
  ASSERT_TRUE(info);
  EXPECT_EQ(info->orchestration, "containerd");
  EXPECT_TRUE(run(provider_->health()));
}

TEST_F(ContainerdProviderTest, OciArchiveImageIsImportedDirectly) {
  auto spec = function("archived");
  spec.image = "oci-archive:" + archive_;
  ASSERT_TRUE(deploy_ready(spec));
  EXPECT_TRUE(is_ok(invoke(replicas("archived").at(0), "from a file")));
  spec = function("archived2");
  spec.image = "oci-archive:" + archive_ + ".missing";
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "oci-archive:");
}

// A provider whose puller hands out the test archive for one reference and counts its calls.
class PullingProviderTest : public ContainerdProviderTest {
 protected:
  ContainerdProviderConfig config() override {
    auto c = ContainerdProviderTest::config();
    c.pull = [this](const registry::Reference& ref, const std::string& out) -> Result<std::string> {
      ++pulls_;
      if (ref.str() != "127.0.0.1:5000/echo:1") return invalid_argument("manifest unknown");
      std::filesystem::copy_file(archive_, out, std::filesystem::copy_options::overwrite_existing);
      return std::string("copied");
    };
    return c;
  }
  std::atomic<int> pulls_{0};
};

TEST_F(PullingProviderTest, MissingImagesArePulledAndTagsPulledAgain) {
  auto spec = function("pulled");
  spec.image = "127.0.0.1:5000/echo:1";
  ASSERT_TRUE(deploy_ready(spec));
  EXPECT_EQ(pulls_.load(), 1);
  EXPECT_TRUE(is_ok(invoke(replicas("pulled").at(0), "pulled")));
  ASSERT_TRUE(run(provider_->update(spec)));
  EXPECT_EQ(pulls_.load(), 2) << "a tag is pulled again on update (it may have moved)";
  // Uploaded images are never pulled.
  ASSERT_TRUE(deploy_ready(function("uploaded")));
  EXPECT_EQ(pulls_.load(), 2);
  spec = function("unknown");
  spec.image = "127.0.0.1:5000/other:1";
  expect_error(run(provider_->deploy(spec)), ProviderErrc::kInvalid, "manifest unknown");
}

}  // namespace
}  // namespace faas::test
