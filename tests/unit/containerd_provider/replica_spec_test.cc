#include "replica_spec.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "faas/provider/errors.h"

namespace faas::containerd_provider::detail {
namespace {

TEST(ParseMemory, KubernetesQuantities) {
  EXPECT_EQ(*parse_memory("128Mi"), 128LL << 20);
  EXPECT_EQ(*parse_memory("1Gi"), 1LL << 30);
  EXPECT_EQ(*parse_memory("1.5Gi"), 3LL << 29);
  EXPECT_EQ(*parse_memory("512M"), 512'000'000);
  EXPECT_EQ(*parse_memory("64000k"), 64'000'000);
  EXPECT_EQ(*parse_memory("2097152"), 2097152);
  EXPECT_EQ(*parse_memory("1e9"), 1'000'000'000);
}

TEST(ParseMemory, BadInputNamesTheField) {
  for (const char* bad : {"", "Mi", "12XB", "-5Mi", "inf", " 5Mi", "1Ki", "abc", "0x10Mi"}) {
    auto r = parse_memory(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, provider::ProviderErrc::kInvalid) << bad;
    EXPECT_NE(r.error().context.find("limits.memory"), std::string::npos) << r.error().context;
  }
}

TEST(ParseCpu, CoresAndMillicores) {
  EXPECT_EQ(*parse_cpu("0.5"), 500);
  EXPECT_EQ(*parse_cpu("500m"), 500);
  EXPECT_EQ(*parse_cpu("2"), 2000);
  EXPECT_EQ(*parse_cpu("0.25"), 250);
  EXPECT_EQ(*parse_cpu("10m"), 10);
}

TEST(ParseCpu, BadInputNamesTheField) {
  for (const char* bad : {"", "m", "1Gi", "5m", "-1", "half"}) {
    auto r = parse_cpu(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().context.find("limits.cpu"), std::string::npos) << r.error().context;
  }
}

containerd::ImageConfig image_config() {
  containerd::ImageConfig c;
  c.user = "1000:1000";
  c.env = {"PATH=/bin", "fprocess=cat", "mode=streaming"};
  c.cmd = {"/fwatchdog"};
  c.working_dir = "/home/app";
  return c;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(ReplicaSpec, DeploymentOverridesImageEnvAndSetsFprocess) {
  api::FunctionDeployment d{.service = "fn", .image = "x", .env_process = "sha512sum"};
  d.env_vars = {{"mode", "http"}, {"extra", "1"}};
  auto s = replica_spec(d, image_config(), {.cgroups_path = "/faas/ns/fn-1", .hostname = "fn-1"});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_TRUE(has(s->env, "PATH=/bin"));
  EXPECT_TRUE(has(s->env, "fprocess=sha512sum"));
  EXPECT_TRUE(has(s->env, "mode=http"));
  EXPECT_TRUE(has(s->env, "extra=1"));
  EXPECT_FALSE(has(s->env, "fprocess=cat"));
  EXPECT_EQ(s->args, std::vector<std::string>{"/fwatchdog"});
  EXPECT_EQ(s->uid, 1000u);
  EXPECT_EQ(s->cwd, "/home/app");
  EXPECT_EQ(s->cgroups_path, "/faas/ns/fn-1");
  EXPECT_EQ(s->hostname, "fn-1");
  EXPECT_TRUE(s->mounts.empty());
  EXPECT_FALSE(s->memory_limit_bytes);
  EXPECT_FALSE(s->read_only_rootfs);
}

TEST(ReplicaSpec, LimitsReadOnlyAndSecrets) {
  api::FunctionDeployment d{.service = "fn", .image = "x"};
  d.limits = api::Resources{.memory = "64Mi", .cpu = "250m"};
  d.read_only_root_filesystem = true;
  auto s = replica_spec(d, image_config(), {.secrets_dir = "/state/run/ns/fn/secrets"});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(*s->memory_limit_bytes, 64LL << 20);
  EXPECT_EQ(*s->cpu_millis, 250);
  EXPECT_TRUE(s->read_only_rootfs);
  ASSERT_EQ(s->mounts.size(), 1u);
  EXPECT_EQ(s->mounts[0].source, "/state/run/ns/fn/secrets");
  EXPECT_EQ(s->mounts[0].destination, "/var/openfaas/secrets");
  EXPECT_TRUE(s->mounts[0].read_only);
}

TEST(ReplicaSpec, BadLimitIsInvalid) {
  api::FunctionDeployment d{.service = "fn", .image = "x"};
  d.limits = api::Resources{.memory = "lots"};
  auto s = replica_spec(d, image_config(), {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, provider::ProviderErrc::kInvalid);
}

TEST(ReplicaSpec, UserNameIsInvalid) {
  auto config = image_config();
  config.user = "app";
  auto s = replica_spec(api::FunctionDeployment{.service = "fn", .image = "x"}, config, {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, provider::ProviderErrc::kInvalid);
}

}  // namespace
}  // namespace faas::containerd_provider::detail
