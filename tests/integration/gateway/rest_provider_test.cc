// `faasd gateway` in front of `faasd provider`, over the faas-provider REST contract on loopback:
// our gateway can front a provider in another process (OpenFaaS's split), and our provider serves
// the contract OpenFaaS's gateway speaks.
#include <gtest/gtest.h>

#include "gateway_helpers.h"

namespace faas::test {
namespace {

class RestProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = DaemonProcess::start({.args = {"provider", "--state-dir", "{dir}", "--port", "0",
                                            "--bind", "127.0.0.1", "--runtime", "process"},
                                   .port_label = "on port "});
    ASSERT_TRUE(p) << p.error().message();
    provider_ = std::move(*p);
    // The gateway uses the provider's credentials, as faasd's two services share one secret dir.
    auto g = DaemonProcess::start(
        {.args = {"gateway"},
         .env = {{"functions_provider_url", "http://127.0.0.1:" + std::to_string(provider_->port()) + "/"},
                 {"port", "0"},
                 {"bind_address", "127.0.0.1"},
                 {"secret_mount_path", provider_->dir() + "/secrets"}},
         .port_label = "gateway on port "});
    ASSERT_TRUE(g) << g.error().message();
    gateway_ = std::move(*g);
  }
  Result<Response> gw(std::string method, std::string target, std::string body = {}) {
    Request r{.method = std::move(method), .target = std::move(target), .body = std::move(body)};
    r.headers.emplace_back("Authorization", provider_->authorization());
    return http_request(gateway_->port(), r, std::chrono::seconds(30));
  }
  bool wait_available_via_gateway(const std::string& name, std::uint64_t want) {
    auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto r = gw("GET", "/system/function/" + name); r && r->status == 200) {
        auto st = api::parse_function_status(r->body);
        if (st && st->available_replicas == want && st->replicas == want) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::unique_ptr<DaemonProcess> provider_;
  std::unique_ptr<DaemonProcess> gateway_;
};

TEST_F(RestProviderTest, TheProviderAnswersTheContractDirectly) {
  auto r = admin(*provider_, "GET", "/system/functions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "[]");
  r = http_request(provider_->port(), {.method = "GET", .target = "/system/functions"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = admin(*provider_, "GET", "/system/info");
  ASSERT_TRUE(r);
  auto info = api::parse_provider_info(r->body);
  ASSERT_TRUE(info) << r->body;
  EXPECT_EQ(info->orchestration, "process");
  r = http_request(provider_->port(), {.method = "GET", .target = "/healthz"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(RestProviderTest, DeployInvokeScaleToZeroAndBackThroughTheGateway) {
  auto r = gw("POST", "/system/functions", deployment("echo", "cat"));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->status, 202) << r->body;
  ASSERT_TRUE(wait_available_via_gateway("echo", 1));
  r = http_request(gateway_->port(), {.method = "POST", .target = "/function/echo/x?y=1",
                                      .body = "through two hops"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "through two hops");
  EXPECT_TRUE(r->has_header("X-Served-By"));

  r = gw("POST", "/system/scale-function/echo", R"({"serviceName":"echo","replicas":0})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  ASSERT_TRUE(wait_available_via_gateway("echo", 0));
  // Scale from zero works through the REST provider as well.
  r = http_request(gateway_->port(), {.method = "POST", .target = "/function/echo",
                                      .body = "cold"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "cold");

  r = gw("GET", "/system/logs?name=echo&tail=2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"name\":\"echo\""), std::string::npos) << r->body;

  r = gw("POST", "/system/secrets", R"({"name":"token","value":"t0k"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  r = gw("GET", "/system/secrets");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, R"([{"name":"token","namespace":"openfaas-fn"}])");

  r = gw("DELETE", "/system/functions", R"({"functionName":"echo"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  r = http_request(gateway_->port(), {.method = "GET", .target = "/function/echo"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(RestProviderTest, GatewayReportsAProviderThatIsDown) {
  provider_->signal(SIGKILL);
  provider_->wait_exit();
  auto r = gw("GET", "/system/functions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  r = http_request(gateway_->port(), {.method = "GET", .target = "/healthz"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
}

}  // namespace
}  // namespace faas::test
