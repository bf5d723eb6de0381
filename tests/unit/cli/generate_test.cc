// faas-cli generate: the exact text faas-cli prints (yaml.v3, indent 2) for a typical stack,
// written out by hand from faas-cli's CRD type (schema/openfaas/v1) and its generate tests.
#include "faas/cli/generate.h"

#include <sstream>

#include <gtest/gtest.h>

#include "faas/cli/app.h"

#include "test_util.h"

namespace faas::cli {
namespace {

constexpr const char* kStack = R"(version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  url-ping:
    lang: python3
    handler: ./url-ping
    image: alexellis/faas-url-ping:0.2
    environment:
      write_debug: true
      port: 8080
      greeting: "hello: world"
    environment_file: [env.yml]
    labels:
      com.openfaas.scale.min: "2"
    annotations:
      topic: cron-function
    limits: {memory: 40Mi}
    requests: {memory: 20Mi, cpu: 100m}
    constraints: ["node.platform.os == linux"]
    secrets: [api-key]
    readonly_root_filesystem: true
  astronaut-finder:
    lang: python3
    handler: ./astronaut-finder
    image: astronaut-finder
)";

constexpr const char* kAstronaut = R"(---
apiVersion: openfaas.com/v1
kind: Function
metadata:
  name: astronaut-finder
  namespace: openfaas-fn
spec:
  name: astronaut-finder
  image: astronaut-finder:latest
)";

constexpr const char* kUrlPing = R"(---
apiVersion: openfaas.com/v1
kind: Function
metadata:
  name: url-ping
  namespace: openfaas-fn
spec:
  name: url-ping
  image: alexellis/faas-url-ping:0.2
  environment:
    FROM_FILE: "1"
    greeting: 'hello: world'
    port: "9090"
    write_debug: "true"
  labels:
    com.openfaas.scale.min: "2"
  annotations:
    topic: cron-function
  limits:
    memory: 40Mi
  requests:
    memory: 20Mi
    cpu: 100m
  constraints:
    - node.platform.os == linux
  secrets:
    - api-key
  readOnlyRootFilesystem: true
)";

class Generate : public ::testing::Test {
 protected:
  Generate() {
    dir_.write("stack.yaml", kStack);
    dir_.write("env.yml", "environment:\n  FROM_FILE: \"1\"\n  port: 9090\n");
  }
  int cli(const std::vector<std::string>& args) {
    std::istringstream in;
    out_.str("");
    err_.str("");
    Environment env{{"HOME", (dir_.path() / "home").string()}, {"PATH", "/usr/bin:/bin"}};
    return run(args, env, Io{in, out_, err_}, dir_.path());
  }
  testing::TempDir dir_;
  std::ostringstream out_, err_;
};

TEST_F(Generate, PrintsWhatFaasCliPrints) {
  ASSERT_EQ(cli({"generate"}), 0) << err_.str();
  // Functions in name order; fmt.Println adds the last newline.
  EXPECT_EQ(out_.str(), std::string(kAstronaut) + kUrlPing + "\n");
}

TEST_F(Generate, NamespaceFilterAndApi) {
  ASSERT_EQ(cli({"generate", "-n", "", "--filter", "astro*"}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "---\napiVersion: openfaas.com/v1\nkind: Function\nmetadata:\n  name: "
            "astronaut-finder\nspec:\n  name: astronaut-finder\n  image: "
            "astronaut-finder:latest\n\n");
  ASSERT_EQ(cli({"generate", "--namespace", "dev", "--regex", "^url", "--api", "openfaas.com/v1"}),
            0);
  EXPECT_NE(out_.str().find("  name: url-ping\n  namespace: dev\nspec:"), std::string::npos);
  EXPECT_EQ(out_.str().find("astronaut"), std::string::npos);
  EXPECT_EQ(cli({"generate", "--api", "openfaas.com/v1alpha2"}), 1);
  EXPECT_EQ(err_.str(),
            "Error: unsupported API version \"openfaas.com/v1alpha2\", must be one of: "
            "openfaas.com/v1\n");
}

TEST_F(Generate, TagDigestNamesTheHandlersDigest) {
  dir_.write("astronaut-finder/handler.py", "x");
  ASSERT_EQ(cli({"generate", "--tag", "digest", "--filter", "astronaut-finder"}), 0) << err_.str();
  // md5(md5("x")) as faas-cli's hashFolder computes it for a one-file folder.
  EXPECT_NE(out_.str().find("  image: astronaut-finder:64eb18f6a8f793689ad1eb1136f43ccf\n"),
            std::string::npos)
      << out_.str();
}

TEST(YamlScalar, QuotesAsYamlV3) {
  EXPECT_EQ(yaml_scalar("hello"), "hello");
  EXPECT_EQ(yaml_scalar("true"), "\"true\"");
  EXPECT_EQ(yaml_scalar("yes"), "\"yes\"");
  EXPECT_EQ(yaml_scalar("1.5"), "\"1.5\"");
  EXPECT_EQ(yaml_scalar("0x1F"), "\"0x1F\"");
  EXPECT_EQ(yaml_scalar(""), "\"\"");
  EXPECT_EQ(yaml_scalar("null"), "\"null\"");
  EXPECT_EQ(yaml_scalar("2001-12-14"), "\"2001-12-14\"");
  EXPECT_EQ(yaml_scalar("a: b"), "'a: b'");
  EXPECT_EQ(yaml_scalar("#x"), "'#x'");
  EXPECT_EQ(yaml_scalar("it's"), "it's");
  EXPECT_EQ(yaml_scalar("-x"), "-x");
  EXPECT_EQ(yaml_scalar("1.2.3"), "1.2.3");
  EXPECT_EQ(yaml_scalar("40Mi"), "40Mi");
  EXPECT_EQ(yaml_scalar("a\nb"), "\"a\\nb\"");
}

TEST(YamlScalar, KeysInYamlV3Order) {
  EXPECT_TRUE(yaml_key_less("FROM_FILE", "greeting"));  // code points: upper case first
  EXPECT_TRUE(yaml_key_less("fn9", "fn10"));            // numbers
  EXPECT_TRUE(yaml_key_less("a_b", "aB"));              // a non-letter before a letter
  EXPECT_TRUE(yaml_key_less("a", "ab"));
  EXPECT_FALSE(yaml_key_less("ab", "a"));
}

}  // namespace
}  // namespace faas::cli
