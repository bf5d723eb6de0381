// faas-cli end to end against a real `faasd up --runtime process` (gateway + real fwatchdog
// replicas on loopback): the commands a developer runs, in order, with the gateway's real
// authentication, status codes and bodies. The CLI runs in-process (faas::cli::run); everything
// it talks to is real.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "faas/cli/app.h"

#include "support/daemon_process.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;

class FaasCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = test::DaemonProcess::up();
    ASSERT_TRUE(d) << d.error().message();
    daemon_ = std::move(*d);
    home_ = fs::path(daemon_->dir()) / "home";
    env_ = {{"HOME", home_.string()},
            {"PATH", "/usr/bin:/bin"},
            {"OPENFAAS_URL", "http://127.0.0.1:" + std::to_string(daemon_->port())}};
  }

  int cli(std::vector<std::string> args, const std::string& input = "") {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return run(args, env_, Io{in, out_, err_}, home_);
  }

  std::string password() const {
    std::ifstream in(fs::path(daemon_->dir()) / "secrets" / "basic-auth-password");
    std::string pw;
    std::getline(in, pw);
    return pw;
  }

  std::unique_ptr<test::DaemonProcess> daemon_;
  fs::path home_;
  Environment env_;
  std::ostringstream out_, err_;
};

TEST_F(FaasCli, LoginDeployInvokeLogsRemove) {
  fs::create_directories(home_);
  EXPECT_EQ(cli({"list"}), 1);  // basic auth is on
  EXPECT_NE(err_.str().find("401 Unauthorized"), std::string::npos) << err_.str();
  EXPECT_EQ(cli({"login", "--password-stdin"}, "wrong\n"), 1);
  ASSERT_EQ(cli({"login", "--password-stdin"}, password() + "\n"), 0) << err_.str();

  std::ofstream(home_ / "stack.yaml") << "version: 1.0\nprovider:\n  name: openfaas\n"
                                         "functions:\n  printenv:\n    image: local/printenv:1\n"
                                         "    fprocess: env\n    environment:\n"
                                         "      greeting: ${GREETING:-hello}\n";
  ASSERT_EQ(cli({"deploy", "-e", "extra=1"}), 0) << err_.str();
  ASSERT_EQ(cli({"ready", "printenv", "--interval", "100ms", "--attempts", "100"}), 0)
      << err_.str();
  ASSERT_EQ(cli({"invoke", "printenv"}, "ignored"), 0) << err_.str();
  EXPECT_NE(out_.str().find("greeting=hello\n"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("extra=1\n"), std::string::npos);

  ASSERT_EQ(cli({"list", "-q"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "printenv\n");
  ASSERT_EQ(cli({"describe", "printenv"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Status:             Ready\n"), std::string::npos) << out_.str();
  ASSERT_EQ(cli({"logs", "printenv", "--tail=false"}), 0) << err_.str();
  EXPECT_NE(out_.str().find(" printenv (printenv-"), std::string::npos) << out_.str();

  ASSERT_EQ(cli({"deploy"}), 0) << err_.str();  // an update of the running function
  ASSERT_EQ(cli({"remove", "printenv"}), 0) << err_.str();
  EXPECT_EQ(cli({"remove", "printenv"}), 1);
  EXPECT_EQ(err_.str(), "Error: remove printenv: function not found\n");
  ASSERT_EQ(cli({"list", "-q"}), 0);
  EXPECT_EQ(out_.str(), "");
  ASSERT_EQ(cli({"logout"}), 0);
}

TEST_F(FaasCli, SecretsNamespacesAndVersion) {
  fs::create_directories(home_);
  ASSERT_EQ(cli({"login", "-p", password()}), 0) << err_.str();
  ASSERT_EQ(cli({"secret", "create", "api-key", "--from-literal", "v1"}), 0) << err_.str();
  EXPECT_EQ(cli({"secret", "create", "api-key", "--from-literal", "v2"}), 1);
  ASSERT_EQ(cli({"secret", "update", "api-key"}, "v3\n"), 0) << err_.str();
  ASSERT_EQ(cli({"secret", "list"}), 0);
  EXPECT_EQ(out_.str(), "NAME\napi-key\n");
  ASSERT_EQ(cli({"secret", "remove", "api-key"}), 0) << err_.str();
  ASSERT_EQ(cli({"namespaces"}), 0) << err_.str();
  EXPECT_NE(out_.str().find(" - openfaas-fn\n"), std::string::npos) << out_.str();
  ASSERT_EQ(cli({"version"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Provider\n"), std::string::npos) << out_.str();
  EXPECT_EQ(cli({"invoke", "absent"}, "x"), 1);
  EXPECT_NE(err_.str().find("404"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace faas::cli
