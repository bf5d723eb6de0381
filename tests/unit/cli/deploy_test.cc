#include "faas/cli/deploy.h"

#include <gtest/gtest.h>

#include "faas/api/json.h"

#include "test_util.h"

namespace faas::cli {
namespace {

using testing::TempDir;

TEST(Deploy, StackFunctionBecomesTheDeploymentJson) {
  StackFunction fn{.name = "fn", .image = "me/fn:1", .fprocess = "cat"};
  fn.labels = {{"team", "a"}};
  fn.secrets = {"key"};
  fn.limits = StackResources{"128Mi", "100m"};
  fn.readonly_root_filesystem = true;
  auto d = deployment_from_stack(fn, Stack{}, DeployFlags{});
  ASSERT_TRUE(d) << d.error().message();
  // Absent maps and resources are null, as Go's encoding/json writes nil pointers.
  EXPECT_EQ(api::to_json(*d),
            R"({"service":"fn","image":"me/fn:1","envProcess":"cat","secrets":["key"],)"
            R"("labels":{"team":"a"},"annotations":null,)"
            R"("limits":{"memory":"128Mi","cpu":"100m"},"requests":null,)"
            R"("readOnlyRootFilesystem":true})");
}

TEST(Deploy, EnvironmentInlineThenFilesThenFlags) {
  TempDir dir;
  dir.write("env.yml", "environment:\n  B: file\n  C: file\n");
  StackFunction fn{.name = "fn", .image = "i"};
  fn.environment = {{"A", "inline"}, {"B", "inline"}, {"C", "inline"}};
  fn.environment_file = {"env.yml"};
  Stack stack;
  stack.dir = dir.path();
  DeployFlags flags;
  flags.env = {"C=flag", "D=x=y"};
  auto d = deployment_from_stack(fn, stack, flags);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->env_vars,
            (api::StringMap{{"A", "inline"}, {"B", "file"}, {"C", "flag"}, {"D", "x=y"}}));
}

TEST(Deploy, FlagsMergeWithTheStack) {
  StackFunction fn{.name = "fn", .image = "i"};
  fn.labels = {{"a", "stack"}, {"b", "stack"}};
  fn.annotations = {{"topic", "t"}};
  fn.secrets = {"s1", "s2"};
  DeployFlags flags;
  flags.labels = {"b=flag"};
  flags.annotations = {"x=1"};
  flags.secrets = {"s2", "s3"};
  flags.constraints = {"node=flag"};
  flags.namespace_ = "dev";
  flags.readonly = true;
  flags.memory_request = "64Mi";
  auto d = deployment_from_stack(fn, Stack{}, flags);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->labels, (api::StringMap{{"a", "stack"}, {"b", "flag"}}));
  EXPECT_EQ(d->annotations, (api::StringMap{{"topic", "t"}, {"x", "1"}}));
  EXPECT_EQ(d->secrets, (std::vector<std::string>{"s1", "s2", "s3"}));
  EXPECT_EQ(d->constraints, std::vector<std::string>{"node=flag"});  // stack has none
  EXPECT_EQ(d->namespace_, "dev");
  EXPECT_TRUE(d->read_only_root_filesystem);
  EXPECT_EQ(d->requests, (api::Resources{.memory = "64Mi"}));
  EXPECT_FALSE(d->limits);
  fn.constraints = {"node=stack"};
  fn.namespace_ = "prod";
  d = deployment_from_stack(fn, Stack{}, flags);
  EXPECT_EQ(d->constraints, std::vector<std::string>{"node=stack"});
  EXPECT_EQ(d->namespace_, "prod");
}

TEST(Deploy, FprocessComesFromTheTemplateUnlessSet) {
  TempDir dir;
  dir.write("template/python3/template.yml", "language: python3\nfprocess: python3 index.py\n");
  Stack stack;
  stack.dir = dir.path();
  StackFunction fn{.name = "fn", .lang = "python3", .image = "i"};
  EXPECT_EQ(deployment_from_stack(fn, stack, {})->env_process, "python3 index.py");
  DeployFlags no_template;
  no_template.read_template = false;
  EXPECT_EQ(deployment_from_stack(fn, stack, no_template)->env_process, "");
  fn.fprocess = "own";
  EXPECT_EQ(deployment_from_stack(fn, stack, {})->env_process, "own");
  StackFunction docker{.name = "d", .lang = "dockerfile", .image = "i"};
  dir.write("template/dockerfile/template.yml", "fprocess: cat\n");
  EXPECT_EQ(deployment_from_stack(docker, stack, {})->env_process, "");
}

TEST(Deploy, KeyValueFlagsAreChecked) {
  EXPECT_FALSE(parse_key_values({"novalue"}, "env"));
  EXPECT_FALSE(parse_key_values({"=v"}, "env"));
  auto empty = parse_key_values({"K="}, "label");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message(), "empty label value: [K=]");
  EXPECT_FALSE(
      deployment_from_stack({.name = "fn", .image = "i"}, Stack{}, DeployFlags{.env = {"bad"}}));
}

TEST(Deploy, FromFlagsNeedsImageAndAValidName) {
  EXPECT_FALSE(deployment_from_flags({.image = "i"}));
  EXPECT_FALSE(deployment_from_flags({.name = "fn"}));
  EXPECT_FALSE(deployment_from_flags({.image = "i", .name = "Bad_Name"}));
  auto d = deployment_from_flags({.image = "i", .name = "fn", .fprocess = "cat"});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->service, "fn");
  EXPECT_EQ(d->env_process, "cat");
}

TEST(Deploy, FunctionUrlAddsTheNamespace) {
  EXPECT_EQ(function_url("http://gw", "fn", ""), "http://gw/function/fn");
  EXPECT_EQ(function_url("http://gw", "fn", "dev"), "http://gw/function/fn.dev");
}

}  // namespace
}  // namespace faas::cli
