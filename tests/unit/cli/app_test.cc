// faas-cli commands end to end in-process, against Imposter (a scripted HTTP server on
// 127.0.0.1, port 0) standing in for the gateway: what each command sends, what it prints, and
// its exit code.
#include "faas/cli/app.h"

#include <sstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "faas/api/json.h"
#include "faas/cli/config_file.h"
#include "faas/core/base64.h"

#include "support/imposter.h"
#include "test_util.h"

namespace faas::cli {
namespace {

using test::Imposter;
using test::Reply;

constexpr const char* kStatusJson =
    R"({"name":"fn","image":"img:1","namespace":"openfaas-fn","replicas":1,)"
    R"("availableReplicas":1,"createdAt":"2024-01-02T03:04:05Z"})";

class Cli : public ::testing::Test {
 protected:
  Cli() {
    env_["HOME"] = (dir_.path() / "home").string();
    env_["OPENFAAS_URL"] = gw_.url();
  }

  int cli(std::vector<std::string> args, const std::string& input = "") {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return run(args, env_, Io{in, out_, err_}, dir_.path());
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  api::FunctionDeployment sent_deployment(size_t index) const {
    auto reqs = gw_.requests();
    EXPECT_LT(index, reqs.size());
    if (index >= reqs.size()) return {};
    auto d = api::parse_deployment(reqs[index].body);
    EXPECT_TRUE(d) << reqs[index].body;
    return d ? *d : api::FunctionDeployment{};
  }

  testing::TempDir dir_;
  Imposter gw_;
  Environment env_;
  std::ostringstream out_, err_;
};

TEST_F(Cli, DeployFromStackSendsTheMergedDeployment) {
  dir_.write("env.yml", "environment:\n  FROM_FILE: \"1\"\n");
  dir_.write("stack.yml",
             "version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n"
             "  fn:\n    image: ${REG:-me}/fn:1\n    environment: {A: inline}\n"
             "    environment_file: [env.yml]\n    secrets: [k]\n"
             "  other:\n    image: other:1\n");
  gw_.when("PUT", "/system/functions", Reply::text(200, ""));
  ASSERT_EQ(cli({"deploy", "--filter", "f*", "-e", "B=flag", "--label", "team=a"}), 0) << err();
  EXPECT_EQ(out(), "Deploying: fn.\nDeployed. 200 OK.\nURL: " + gw_.url() + "/function/fn\n\n");
  ASSERT_EQ(gw_.requests().size(), 1u);
  EXPECT_EQ(gw_.requests()[0].method, "PUT");
  EXPECT_EQ(gw_.requests()[0].header("Content-Type"), "application/json");
  api::FunctionDeployment d = sent_deployment(0);
  EXPECT_EQ(d.service, "fn");
  EXPECT_EQ(d.image, "me/fn:1");
  EXPECT_EQ(d.env_vars, (api::StringMap{{"A", "inline"}, {"FROM_FILE", "1"}, {"B", "flag"}}));
  EXPECT_EQ(d.labels, (api::StringMap{{"team", "a"}}));
  EXPECT_EQ(d.secrets, std::vector<std::string>{"k"});
}

TEST_F(Cli, DeployUpdateFallsBackToPostOn404) {
  gw_.when("PUT", "/system/functions", Reply::text(404, "not found"));
  gw_.when("POST", "/system/functions", Reply::text(202, ""));
  ASSERT_EQ(cli({"deploy", "--image", "img:1", "--name", "fn", "--fprocess", "cat", "-n", "dev",
                 "--secret", "s1", "--secret", "s2", "--readonly", "--annotation", "topic=t"}),
            0)
      << err();
  auto reqs = gw_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[1].method, "POST");
  api::FunctionDeployment d = sent_deployment(1);
  EXPECT_EQ(d.env_process, "cat");
  EXPECT_EQ(d.namespace_, "dev");
  EXPECT_EQ(d.secrets, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_TRUE(d.read_only_root_filesystem);
  EXPECT_EQ(d.annotations, (api::StringMap{{"topic", "t"}}));
  EXPECT_NE(out().find("Deployed. 202 Accepted.\nURL: " + gw_.url() + "/function/fn.dev\n"),
            std::string::npos);
}

TEST_F(Cli, DeployReplaceDeletesThenPosts) {
  gw_.when("DELETE", "/system/functions", Reply::text(404, ""));
  gw_.when("POST", "/system/functions", Reply::text(200, ""));
  ASSERT_EQ(cli({"deploy", "--image", "img:1", "--name", "fn", "--replace"}), 0) << err();
  auto reqs = gw_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "DELETE");
  EXPECT_EQ(*api::parse_delete_request(reqs[0].body), (api::DeleteFunctionRequest{"fn", ""}));
  EXPECT_EQ(reqs[1].method, "POST");
}

TEST_F(Cli, DeployFailureIsOneLineWithStatusAndMessage) {
  gw_.when("PUT", "/system/functions", Reply::text(400, "secret k not found\n"));
  EXPECT_EQ(cli({"deploy", "--image", "img:1", "--name", "fn"}), 1);
  EXPECT_EQ(err(), "Error: deploy fn: 400 Bad Request: secret k not found\n");
}

TEST_F(Cli, DeployWithoutStackOrImageExplains) {
  EXPECT_EQ(cli({"deploy"}), 1);
  EXPECT_NE(err().find("--yaml/-f or --image"), std::string::npos) << err();
}

TEST_F(Cli, BadStackYamlNamesFileAndLine) {
  auto file = dir_.write("bad.yml", "provider:\n  name: openfaas\nfunctions:\n  fn: [\n");
  EXPECT_EQ(cli({"deploy", "-f", file.string()}), 1);
  EXPECT_EQ(err().rfind("Error: " + file.string() + ":", 0), 0u) << err();
  EXPECT_TRUE(gw_.requests().empty());
}

TEST_F(Cli, UnreachableGatewaySaysSo) {
  std::string url = gw_.url();
  gw_.stop();
  EXPECT_EQ(cli({"list"}), 1);
  EXPECT_EQ(err().rfind("Error: cannot connect to gateway at " + url + ": ", 0), 0u) << err();
}

TEST_F(Cli, ListPrintsTheTableAndSendsSavedCredentials) {
  ConfigFile c;
  upsert_auth(c, {gw_.url(), kBasicAuth, base64_encode("admin:pw"), {}});
  ASSERT_TRUE(write_config(config_path(env_), c));
  gw_.when("GET", "/system/functions", Reply::json(200, std::string("[") + kStatusJson + "]"));
  ASSERT_EQ(cli({"ls", "-n", "openfaas-fn"}), 0) << err();
  EXPECT_NE(out().find("fn                            \t0              \t1    \n"),
            std::string::npos)
      << out();
  auto req = gw_.last_request();
  EXPECT_EQ(req.query_param("namespace"), "openfaas-fn");
  EXPECT_EQ(req.header("Authorization"), "Basic " + base64_encode("admin:pw"));
  ASSERT_EQ(cli({"list", "-q", "--token", "jwt"}), 0);
  EXPECT_EQ(out(), "fn\n");
  EXPECT_EQ(gw_.last_request().header("Authorization"), "Bearer jwt");
}

TEST_F(Cli, LoginValidatesAndSavesLogoutForgets) {
  gw_.when("GET", "/system/functions", Reply::json(200, "[]"));
  ASSERT_EQ(cli({"login", "--username", "admin", "--password-stdin"}, "s3cret\n"), 0) << err();
  EXPECT_EQ(gw_.last_request().header("Authorization"), "Basic " + base64_encode("admin:s3cret"));
  std::filesystem::path file = dir_.path() / "home" / ".openfaas" / "config.yml";
  auto c = read_config(file);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->auths.size(), 1u);
  EXPECT_EQ(c->auths[0], (AuthConfig{gw_.url(), kBasicAuth, base64_encode("admin:s3cret"), {}}));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(out().find("credentials saved for admin " + gw_.url()), std::string::npos);

  ASSERT_EQ(cli({"logout"}), 0) << err();
  EXPECT_TRUE(read_config(file)->auths.empty());
  EXPECT_EQ(cli({"logout"}), 1);
}

TEST_F(Cli, LoginWithWrongPasswordSavesNothing) {
  gw_.when("GET", "/system/functions", Reply::text(401, "invalid credentials"));
  EXPECT_EQ(cli({"login", "-p", "wrong"}), 1);
  EXPECT_NE(err().find("username or password is incorrect"), std::string::npos) << err();
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "home" / ".openfaas" / "config.yml"));
}

TEST_F(Cli, InvokeSendsStdinWithoutGatewayCredentials) {
  gw_.when("PUT", "/function/fn.dev", Reply::text(200, "hello back"));
  ASSERT_EQ(cli({"invoke", "fn", "-n", "dev", "-m", "PUT", "--content-type", "application/json",
                 "-H", "X-Trace=1", "--query", "q=a b", "--token", "jwt"},
                "{\"x\":1}"),
            0)
      << err();
  EXPECT_EQ(out(), "hello back");
  auto req = gw_.last_request();
  EXPECT_EQ(req.body, "{\"x\":1}");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.header("X-Trace"), "1");
  EXPECT_EQ(req.query_param("q"), "a b");
  EXPECT_FALSE(req.header("Authorization"));
}

TEST_F(Cli, InvokeAsyncAndErrors) {
  gw_.when("POST", "/async-function/fn", Reply::text(202, ""));
  ASSERT_EQ(cli({"invoke", "fn", "--async"}, "x"), 0) << err();
  EXPECT_EQ(err(), "Function submitted asynchronously.\n");
  gw_.when("POST", "/function/fn", Reply::text(500, "boom\n"));
  EXPECT_EQ(cli({"invoke", "fn"}, "x"), 1);
  EXPECT_EQ(err(),
            "Error: server returned unexpected status code: 500 Internal Server Error - boom\n");
}

TEST_F(Cli, SecretCreateListUpdateRemove) {
  gw_.when("POST", "/system/secrets", Reply::text(201, ""));
  ASSERT_EQ(cli({"secret", "create", "api-key", "--from-literal", "v1", "-n", "dev"}), 0) << err();
  EXPECT_EQ(*api::parse_secret(gw_.last_request().body), (api::Secret{"api-key", "dev", "v1", ""}));
  EXPECT_NE(out().find("Created: 201 Created"), std::string::npos);

  auto file = dir_.write("blob.bin", std::string("\x01\x02", 2));
  ASSERT_EQ(cli({"secret", "create", "bin", "--from-file", file.string(), "--trim=false"}), 0);
  EXPECT_EQ(api::parse_secret(gw_.last_request().body)->raw_value, std::string("\x01\x02", 2));

  ASSERT_EQ(cli({"secret", "create", "stdin"}, "from-stdin\n"), 0);
  EXPECT_EQ(api::parse_secret(gw_.last_request().body)->value, "from-stdin");

  gw_.when("POST", "/system/secrets", Reply::text(409, "exists"));
  EXPECT_EQ(cli({"secret", "create", "api-key", "--from-literal", "v2"}), 1);
  EXPECT_NE(err().find("already exists"), std::string::npos);

  gw_.when("PUT", "/system/secrets", Reply::text(200, ""));
  ASSERT_EQ(cli({"secret", "update", "api-key", "--from-literal", "v3"}), 0) << err();
  EXPECT_EQ(api::parse_secret(gw_.last_request().body)->value, "v3");

  gw_.when("GET", "/system/secrets", Reply::json(200, R"([{"name":"api-key"},{"name":"b"}])"));
  ASSERT_EQ(cli({"secret", "ls"}), 0);
  EXPECT_EQ(out(), "NAME\napi-key\nb\n");

  gw_.when("DELETE", "/system/secrets", Reply::text(200, ""));
  ASSERT_EQ(cli({"secret", "rm", "api-key"}), 0);
  EXPECT_EQ(api::parse_secret(gw_.last_request().body)->name, "api-key");
}

TEST_F(Cli, ScaleSendsTheRequest) {
  gw_.when("POST", "/system/scale-function/fn", Reply::text(202, ""));
  ASSERT_EQ(cli({"scale", "fn", "--replicas", "3", "-n", "dev"}), 0) << err();
  EXPECT_EQ(*api::parse_scale_request(gw_.last_request().body),
            (api::ScaleServiceRequest{"fn", 3, "dev"}));
}

TEST_F(Cli, DescribeRemoveNamespacesVersion) {
  gw_.when("GET", "/system/function/fn", Reply::json(200, kStatusJson));
  gw_.when("GET", "/system/functions", Reply::json(200, "[]"));
  ASSERT_EQ(cli({"describe", "fn"}), 0) << err();
  EXPECT_NE(out().find("Status:             Ready"), std::string::npos) << out();

  gw_.when("DELETE", "/system/functions", Reply::text(404, ""));
  EXPECT_EQ(cli({"rm", "fn"}), 1);
  EXPECT_EQ(err(), "Error: remove fn: function not found\n");

  gw_.when("GET", "/system/namespaces", Reply::json(200, R"(["openfaas-fn","dev"])"));
  ASSERT_EQ(cli({"namespaces"}), 0);
  EXPECT_EQ(out(), "Namespaces:\n - openfaas-fn\n - dev\n");

  gw_.when("GET", "/system/info",
           Reply::json(200, R"({"provider":{"provider":"faasd","version":{"sha":"abc",)"
                            R"("release":"0.1"},"orchestration":"containerd"},)"
                            R"("version":{"sha":"def","release":"0.2"},"arch":"x86_64"})"));
  ASSERT_EQ(cli({"version"}), 0) << err();
  EXPECT_NE(out().find("  version: 0.2\n"), std::string::npos) << out();
  EXPECT_NE(out().find("  orchestration: containerd\n"), std::string::npos);
}

TEST_F(Cli, LogsStreamNdjsonInTheChosenFormat) {
  Reply r = Reply::json(200, "");
  r.chunks = {R"({"name":"fn","namespace":"openfaas-fn","instance":"i1",)",
              R"("timestamp":"2024-01-02T03:04:05Z","text":"one"})"
              "\n",
              R"({"name":"fn","namespace":"openfaas-fn","instance":"i1",)"
              R"("timestamp":"2024-01-02T03:04:06Z","text":"two"})"
              "\n"};
  gw_.when("GET", "/system/logs", r);
  ASSERT_EQ(cli({"logs", "fn", "--tail=false", "--lines", "5", "-o", "keyvalue"}), 0) << err();
  EXPECT_EQ(out(),
            "timestamp=2024-01-02T03:04:05Z name=fn instance=i1 text=one\n"
            "timestamp=2024-01-02T03:04:06Z name=fn instance=i1 text=two\n");
  auto req = gw_.last_request();
  EXPECT_EQ(req.query_param("name"), "fn");
  EXPECT_EQ(req.query_param("follow"), "false");
  EXPECT_EQ(req.query_param("tail"), "5");
  ASSERT_EQ(cli({"logs", "fn", "--since", "5m"}), 0) << err();
  EXPECT_EQ(gw_.last_request().query_param("follow"), "true");
  EXPECT_TRUE(gw_.last_request().query_param("since"));
  gw_.when("GET", "/system/logs", Reply::text(501, "not implemented"));
  EXPECT_EQ(cli({"logs", "fn"}), 1);
  EXPECT_EQ(err(), "Error: logs fn: 501 Not Implemented: not implemented\n");
}

TEST_F(Cli, ReadyPollsUntilAvailableOrGivesUp) {
  gw_.when("GET", "/healthz", Reply::text(200, "OK"));
  gw_.when("GET", "/system/function/fn", Reply::json(200, kStatusJson));
  ASSERT_EQ(cli({"ready", "fn", "--interval", "1ms"}), 0) << err();
  EXPECT_EQ(out(), "Function fn is ready\n");
  gw_.when("GET", "/system/function/fn",
           Reply::json(200, R"({"name":"fn","image":"i","createdAt":"2024-01-02T03:04:05Z"})"));
  EXPECT_EQ(cli({"ready", "fn", "--attempts", "3", "--interval", "1ms"}), 1);
  EXPECT_NE(err().find("Error: function fn not ready after 3 attempts"), std::string::npos)
      << err();
}

TEST_F(Cli, StoreListsAndDeploysFromALocalFile) {
  auto store =
      dir_.write("store.json", R"({"functions":[{"title":"NodeInfo","name":"nodeinfo",)"
                               R"("images":{"x86_64":"nodeinfo:1"},"fprocess":"node index.js"}]})");
  ASSERT_EQ(cli({"store", "list", "--url", store.string()}), 0) << err();
  EXPECT_NE(out().find("nodeinfo"), std::string::npos);
  gw_.when("PUT", "/system/functions", Reply::text(200, ""));
  ASSERT_EQ(cli({"store", "deploy", "NodeInfo", "--url", store.string(), "-e", "k=v"}), 0) << err();
  api::FunctionDeployment d = sent_deployment(0);
  EXPECT_EQ(d.service, "nodeinfo");
  EXPECT_EQ(d.image, "nodeinfo:1");
  EXPECT_EQ(d.env_process, "node index.js");
  EXPECT_EQ(d.env_vars.at("k"), "v");
  EXPECT_EQ(cli({"store", "describe", "absent", "--url", store.string()}), 1);
}

TEST_F(Cli, GatewayFlagBeatsStackAndEnvironment) {
  dir_.write("stack.yaml", "provider: {name: openfaas, gateway: http://127.0.0.1:1}\n");
  gw_.when("GET", "/system/functions", Reply::json(200, "[]"));
  EXPECT_EQ(cli({"list"}), 1);  // the stack's gateway wins over OPENFAAS_URL, and is closed
  EXPECT_NE(err().find("http://127.0.0.1:1"), std::string::npos) << err();
  ASSERT_EQ(cli({"list", "-g", gw_.url()}), 0) << err();
}

TEST_F(Cli, UsageErrorsExitNonZero) {
  EXPECT_NE(cli({}), 0);
  EXPECT_NE(cli({"nosuchcommand"}), 0);
  EXPECT_NE(cli({"describe"}), 0);
  EXPECT_EQ(cli({"--help"}), 0);
  EXPECT_NE(out().find("deploy"), std::string::npos);
}

TEST_F(Cli, StackFileFromAUrl) {
  gw_.when("GET", "/stack.yml",
           Reply::text(200, "provider: {name: openfaas}\nfunctions:\n  fn: {image: img:1}\n"));
  gw_.when("PUT", "/system/functions", Reply::text(200, ""));
  ASSERT_EQ(cli({"deploy", "-f", gw_.url() + "/stack.yml"}), 0) << err();
  EXPECT_EQ(sent_deployment(1).image, "img:1");
}

TEST_F(Cli, NewThenDeployUsesTheTemplateFprocess) {
  env_["FAAS_TEMPLATE_DIR"] = (std::filesystem::path(FAAS_SOURCE_DIR) / "templates").string();
  ASSERT_EQ(cli({"new", "--list"}), 0);
  EXPECT_NE(out().find("- bash-streaming\n"), std::string::npos) << out();
  ASSERT_EQ(cli({"new", "hello", "--lang", "bash-streaming", "-p", "ghcr.io/me", "-q"}), 0)
      << err();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "hello" / "handler.sh"));
  gw_.when("PUT", "/system/functions", Reply::text(200, ""));
  ASSERT_EQ(cli({"deploy"}), 0) << err();
  api::FunctionDeployment d = sent_deployment(0);
  EXPECT_EQ(d.service, "hello");
  EXPECT_EQ(d.image, "ghcr.io/me/hello:latest");
  EXPECT_EQ(d.env_process, "sh ./index.sh");
  EXPECT_EQ(cli({"new", "hello", "--lang", "bash-streaming"}), 1);  // exists
  EXPECT_EQ(cli({"new", "other", "--lang", "cobol"}), 1);
  EXPECT_NE(err().find("template cobol not found"), std::string::npos) << err();
}

TEST_F(Cli, TemplatePullStack) {
  testing::TempDir repo;
  repo.write("template/x/template.yml", "language: x\nfprocess: x\n");
  repo.write("template/y/template.yml", "language: y\nfprocess: y\n");
  dir_.write("stack.yaml",
             "provider: {name: openfaas}\nconfiguration:\n  templates:\n"
             "    - name: x\n      source: " +
                 repo.path().string() + "\n");
  ASSERT_EQ(cli({"template", "pull", "stack"}), 0) << err();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "template" / "x" / "template.yml"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "template" / "y"));
  ASSERT_EQ(cli({"template", "pull", repo.path().string()}), 0) << err();
  EXPECT_NE(out().find("Wrote 2 template(s) : x y"), std::string::npos) << out();
}

}  // namespace
}  // namespace faas::cli
