#include "faas/cli/stack.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace faas::cli {
namespace {

using testing::TempDir;

constexpr const char* kFull = R"(version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:31112
functions:
  figlet:
    lang: Dockerfile
    handler: ./figlet
    image: ${REGISTRY:-docker.io/me}/figlet:${TAG:-latest}
    fprocess: figlet
    skip_build: true
    environment:
      write_debug: true
      retries: 3
    environment_file: [env.yml, more.yml]
    secrets: [api-key]
    labels: {com.openfaas.scale.min: "2"}
    annotations: {topic: cron-function}
    limits: {memory: 128Mi, cpu: 100m}
    requests: {memory: 64Mi}
    constraints: ["node=a"]
    readonly_root_filesystem: true
    build_options: [dev]
    build_args: {GO111MODULE: on}
    namespace: staging
  second:
    image: second:1
configuration:
  templates:
    - name: python3-http
      source: https://github.com/openfaas/python-flask-template
  copy: [./common]
)";

TEST(Stack, ParsesEveryField) {
  auto s = parse_stack(kFull, "stack.yml", {{"TAG", "0.2"}});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->version, "1.0");
  EXPECT_EQ(s->gateway, "http://127.0.0.1:31112");
  ASSERT_EQ(s->functions.size(), 2u);
  const StackFunction& f = s->functions[0];
  EXPECT_EQ(f.name, "figlet");
  EXPECT_EQ(f.lang, "dockerfile");  // normalised as faas-cli does
  EXPECT_EQ(f.handler, "./figlet");
  EXPECT_EQ(f.image, "docker.io/me/figlet:0.2");
  EXPECT_EQ(f.fprocess, "figlet");
  EXPECT_TRUE(f.skip_build);
  EXPECT_EQ(f.environment, (api::StringMap{{"write_debug", "true"}, {"retries", "3"}}));
  EXPECT_EQ(f.environment_file, (std::vector<std::string>{"env.yml", "more.yml"}));
  EXPECT_EQ(f.secrets, std::vector<std::string>{"api-key"});
  EXPECT_EQ(f.labels.at("com.openfaas.scale.min"), "2");
  EXPECT_EQ(f.annotations.at("topic"), "cron-function");
  EXPECT_EQ(f.limits, (StackResources{"128Mi", "100m"}));
  EXPECT_EQ(f.requests, (StackResources{"64Mi", ""}));
  EXPECT_EQ(f.constraints, std::vector<std::string>{"node=a"});
  EXPECT_TRUE(f.readonly_root_filesystem);
  EXPECT_EQ(f.build_options, std::vector<std::string>{"dev"});
  EXPECT_EQ(f.build_args.at("GO111MODULE"), "on");
  EXPECT_EQ(f.namespace_, "staging");
  EXPECT_EQ(s->functions[1].name, "second");  // file order is kept
  ASSERT_EQ(s->templates.size(), 1u);
  EXPECT_EQ(s->templates[0].name, "python3-http");
  EXPECT_EQ(s->copy, std::vector<std::string>{"./common"});
}

TEST(Stack, EnvsubstCanBeTurnedOff) {
  auto s = parse_stack(kFull, "stack.yml", {{"TAG", "0.2"}}, false);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->functions[0].image, "${REGISTRY:-docker.io/me}/figlet:${TAG:-latest}");
}

TEST(Stack, EnvsubstAppliesToEveryValue) {
  auto s = parse_stack(
      "provider: {name: openfaas, gateway: \"${GW:-http://127.0.0.1:8080}\"}\n"
      "functions:\n  fn:\n    image: x\n    environment: {KEY: $SECRET_KEY}\n",
      "stack.yml", {{"GW", "http://gw:1"}, {"SECRET_KEY", "k"}});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->gateway, "http://gw:1");
  EXPECT_EQ(s->functions[0].environment.at("KEY"), "k");
}

TEST(Stack, BadYamlReportsFileLineAndColumn) {
  auto s =
      parse_stack("provider:\n  name: openfaas\nfunctions:\n  fn:\n    image: [x\n", "my.yml", {});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("my.yml:"), std::string::npos) << s.error().message();
  auto bad_tab = parse_stack("provider:\n  name: openfaas\n functions: x\n  - y\n", "t.yml", {});
  ASSERT_FALSE(bad_tab);
  EXPECT_NE(bad_tab.error().message().find("t.yml:"), std::string::npos);
}

TEST(Stack, TypeErrorsNameTheLineOfTheBadValue) {
  auto s = parse_stack(
      "provider:\n  name: openfaas\nfunctions:\n  fn:\n    image: x\n"
      "    readonly_root_filesystem: maybe\n",
      "stack.yml", {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "stack.yml:6:31: readonly_root_filesystem: must be true or false");
  auto list = parse_stack("provider: {name: openfaas}\nfunctions:\n  fn:\n    secrets: abc\n",
                          "stack.yml", {});
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().message(), "stack.yml:4:14: secrets: must be a list of strings");
}

TEST(Stack, OnlyOpenfaasProviderAndVersion1) {
  auto faas = parse_stack("provider: {name: faas}\nfunctions: {}\n", "s.yml", {});
  ASSERT_FALSE(faas);
  EXPECT_NE(faas.error().message().find("'openfaas'"), std::string::npos);
  EXPECT_FALSE(parse_stack("functions: {}\n", "s.yml", {}));
  EXPECT_FALSE(parse_stack("version: 2.0\nprovider: {name: openfaas}\n", "s.yml", {}));
  EXPECT_TRUE(parse_stack("provider: {name: openfaas}\n", "s.yml", {}));
}

TEST(Stack, FunctionNamesMustBeDnsLabels) {
  auto s = parse_stack("provider: {name: openfaas}\nfunctions:\n  Bad_Name:\n    image: x\n",
                       "s.yml", {});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("s.yml:3:3:"), std::string::npos) << s.error().message();
}

TEST(Stack, MissingFileSaysWhichPath) {
  TempDir dir;
  auto s = load_stack(dir.path() / "nope.yml", {});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find((dir.path() / "nope.yml").string()), std::string::npos);
  EXPECT_NE(s.error().message().find("No such file"), std::string::npos) << s.error().message();
}

TEST(Stack, LoadRemembersTheDirectory) {
  TempDir dir;
  auto file = dir.write("sub/stack.yml", "provider: {name: openfaas}\n");
  auto s = load_stack(file, {});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->dir, dir.path() / "sub");
}

TEST(Stack, DefaultFilePrefersStackYaml) {
  TempDir dir;
  EXPECT_FALSE(find_default_stack(dir.path()));
  dir.write("stack.yml", "");
  EXPECT_EQ(find_default_stack(dir.path()), dir.path() / "stack.yml");
  dir.write("stack.yaml", "");
  EXPECT_EQ(find_default_stack(dir.path()), dir.path() / "stack.yaml");
}

Stack three_functions() {
  Stack s;
  for (const char* n : {"api-one", "api-two", "worker"}) s.functions.push_back({.name = n});
  return s;
}

std::vector<std::string> names(const Result<std::vector<StackFunction>>& r) {
  std::vector<std::string> out;
  if (r) {
    for (const auto& f : *r) out.push_back(f.name);
  }
  return out;
}

TEST(Stack, SelectByGlobOrRegex) {
  Stack s = three_functions();
  EXPECT_EQ(names(select_functions(s, "", "")).size(), 3u);
  EXPECT_EQ(names(select_functions(s, "api-*", "")),
            (std::vector<std::string>{"api-one", "api-two"}));
  EXPECT_EQ(names(select_functions(s, "api", "")), std::vector<std::string>{});  // glob: whole name
  EXPECT_EQ(names(select_functions(s, "", "o")),  // regex: unanchored, as Go's MatchString
            (std::vector<std::string>{"api-one", "api-two", "worker"}));
  EXPECT_EQ(names(select_functions(s, "", "^w")), std::vector<std::string>{"worker"});
  EXPECT_FALSE(select_functions(s, "a*", "a"));
  EXPECT_FALSE(select_functions(s, "", "("));
}

TEST(Stack, EnvironmentFilesOverrideInlineAndLaterFilesWin) {
  TempDir dir;
  dir.write("env.yml", "environment:\n  B: file1\n  C: file1\n");
  dir.write("conf/more.yml", "environment:\n  C: file2\n  D: 4\n");
  StackFunction fn{.name = "fn"};
  fn.environment = {{"A", "inline"}, {"B", "inline"}, {"C", "inline"}};
  fn.environment_file = {"env.yml", "conf/more.yml"};
  auto env = merged_environment(fn, dir.path());
  ASSERT_TRUE(env) << env.error().message();
  EXPECT_EQ(*env, (api::StringMap{{"A", "inline"}, {"B", "file1"}, {"C", "file2"}, {"D", "4"}}));
}

TEST(Stack, MissingOrBadEnvironmentFileIsAnError) {
  TempDir dir;
  StackFunction fn{.name = "fn"};
  fn.environment_file = {"absent.yml"};
  EXPECT_FALSE(merged_environment(fn, dir.path()));
  dir.write("bad.yml", "environment:\n  A: [1\n");
  fn.environment_file = {"bad.yml"};
  auto bad = merged_environment(fn, dir.path());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("bad.yml:"), std::string::npos);
}

}  // namespace
}  // namespace faas::cli
