// ProcessProvider: bad deployments are refused with kInvalid naming the field; nothing starts.
#include "provider_fixture.h"

namespace faas::test {
namespace {

class ValidationTest : public ProviderTest {
 protected:
  // Deploys spec and expects kInvalid mentioning `field`.
  void expect_invalid(api::FunctionDeployment spec, const std::string& field) {
    auto name = spec.service;
    auto r = run(provider_->deploy(std::move(spec)));
    ASSERT_TRUE(has_errc(r, ProviderErrc::kInvalid)) << field << ": " << error_text(r);
    EXPECT_NE(r.error().context.find(field), std::string::npos) << r.error().context;
    auto list = run(provider_->list(""));
    ASSERT_TRUE(list);
    EXPECT_TRUE(list->empty()) << "a refused deployment was kept";
  }
};

TEST_F(ValidationTest, BadServiceName) { expect_invalid(function("Bad_Name", "cat"), "service"); }

TEST_F(ValidationTest, EmptyServiceName) { expect_invalid(function("", "cat"), "service"); }

TEST_F(ValidationTest, MissingImage) {
  auto spec = function("fn", "cat");
  spec.image.clear();
  expect_invalid(spec, "image");
}

TEST_F(ValidationTest, MissingFprocess) { expect_invalid(function("fn", ""), "envProcess"); }

TEST_F(ValidationTest, FprocessFromEnvVarsIsEnough) {
  ASSERT_TRUE(deploy_ready(function("fn", "", {{"fprocess", "cat"}})));
}

TEST_F(ValidationTest, BadNamespaceName) {
  auto spec = function("fn", "cat");
  spec.namespace_ = "Not.Valid";
  expect_invalid(spec, "namespace");
}

TEST_F(ValidationTest, UnknownNamespace) {
  auto spec = function("fn", "cat");
  spec.namespace_ = "nowhere";
  expect_invalid(spec, "namespace: \"nowhere\" does not exist");
}

TEST_F(ValidationTest, MissingSecret) {
  auto spec = function("fn", "cat");
  spec.secrets = {"nope"};
  expect_invalid(spec, "unable to find secret: nope");
}

TEST_F(ValidationTest, BadMinScaleLabel) {
  auto spec = function("fn", "cat");
  spec.labels = api::StringMap{{"com.openfaas.scale.min", "-1"}};
  expect_invalid(spec, "labels.com.openfaas.scale.min");
}

TEST_F(ValidationTest, DeployingAnExistingFunctionIsAConflict) {
  ASSERT_TRUE(run(provider_->deploy(function("fn", "cat"))));
  auto again = run(provider_->deploy(function("fn", "cat")));
  EXPECT_TRUE(has_errc(again, ProviderErrc::kConflict)) << error_text(again);
}

TEST_F(ValidationTest, UnknownFunctions) {
  EXPECT_TRUE(has_errc(run(provider_->status({"ghost", ""})), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->scale({"ghost", ""}, 2)), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->replicas({"ghost", ""})), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->remove({"ghost", ""})), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->list("nowhere")), ProviderErrc::kInvalid));
}

TEST_F(ValidationTest, ScaleMinZeroDeploysWithoutReplicas) {
  auto spec = function("idle", "cat");
  spec.labels = api::StringMap{{"com.openfaas.scale.min", "0"}};
  ASSERT_TRUE(run(provider_->deploy(spec)));
  auto status = run(provider_->status({"idle", ""}));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->replicas, 0u);
  EXPECT_TRUE(provider_->pids_for_test({"idle", ""}).empty());
}

TEST(ProcessProviderCreate, RejectsAMissingFwatchdog) {
  net::io_context io;
  auto p = ProcessProvider::create(io.get_executor(), {.fwatchdog_path = "/nonexistent/fwatchdog",
                                                       .state_dir = "/tmp/unused"});
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().context.find("fwatchdog_path"), std::string::npos);
}

}  // namespace
}  // namespace faas::test
