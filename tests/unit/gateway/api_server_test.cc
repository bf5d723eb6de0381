// The gateway role of ApiServer over a FakeProvider, on real loopback sockets: routes, auth, JSON,
// status codes, invocation headers, replica choice, upstream failures and scale from zero.
#include "faas/gateway/api_server.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <latch>
#include <mutex>
#include <sys/socket.h>
#include <unistd.h>
#include <thread>

#include "faas/api/json.h"
#include "faas/core/base64.h"
#include "fake_provider.h"
#include "support/http_client.h"
#include "support/imposter.h"

namespace faas::gateway {
namespace {

using test::FakeProvider;
using test::Imposter;
using test::Reply;
using test::http_request;
namespace net = boost::asio;

const Credentials kCreds{"admin", "s3cret"};

class GatewayTest : public ::testing::Test {
 protected:
  void start(ApiServerOptions options = {}) {
    options.bind_address = "127.0.0.1";
    options.port = 0;
    options.credentials = kCreds;
    auto s = ApiServer::create(io_, std::move(options), provider_);
    ASSERT_TRUE(s) << s.error().message();
    server_ = std::move(*s);
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) {
      std::latch stopped(1);
      net::post(io_, [&] { server_->stop(std::chrono::seconds(1), [&] { stopped.count_down(); }); });
      stopped.wait();
      io_.stop();
    }
    if (thread_.joinable()) thread_.join();
  }
  net::ip::tcp::endpoint imposter_endpoint(const Imposter& i) {
    return {net::ip::make_address("127.0.0.1"), i.port()};
  }
  Result<test::Response> call(std::string method, std::string target, std::string body = {},
                              bool auth = true) {
    test::Request r{.method = std::move(method), .target = std::move(target), .body = std::move(body)};
    if (auth) r.headers.emplace_back("Authorization", "Basic " + base64_encode("admin:s3cret"));
    return http_request(server_->port(), r);
  }

  net::io_context io_;
  FakeProvider provider_;
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
};

TEST_F(GatewayTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  start();
  auto r = call("GET", "/nope");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 404);
  r = call("PATCH", "/system/functions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("Allow").value_or(""), "GET, POST, PUT, DELETE");
}

TEST_F(GatewayTest, SystemRoutesNeedBasicAuth) {
  start();
  auto r = call("GET", "/system/functions", {}, /*auth=*/false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->header("WWW-Authenticate").value_or(""), "Basic realm=\"Restricted\"");
  EXPECT_EQ(r->body, "invalid credentials\n");
  test::Request wrong{.method = "GET", .target = "/system/functions"};
  wrong.headers.emplace_back("Authorization", "Basic " + base64_encode("admin:nope"));
  r = http_request(server_->port(), wrong);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = call("GET", "/system/functions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "[]");
  // Invocations and health stay open.
  r = call("GET", "/healthz", {}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(GatewayTest, DeployValidatesAndNamesTheBadField) {
  start();
  auto r = call("POST", "/system/functions", "{not json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("invalid JSON"), std::string::npos) << r->body;
  r = call("POST", "/system/functions", R"({"image":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("service"), std::string::npos) << r->body;
  r = call("POST", "/system/functions", R"({"service":"Bad_Name","image":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("service"), std::string::npos) << r->body;
  r = call("POST", "/system/functions", R"({"service":"fn","image":"x","envVars":{"A":1}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("envVars.A"), std::string::npos) << r->body;
  r = call("POST", "/system/functions", R"({"service":"fn","image":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  ASSERT_EQ(provider_.deployed().size(), 1u);
  EXPECT_EQ(provider_.deployed()[0].namespace_, "openfaas-fn");
  r = call("POST", "/system/functions", R"({"service":"fn","image":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
}

TEST_F(GatewayTest, ScaleIsNotClampedAndZeroIsAllowed) {
  provider_.add("fn", 1, {});
  start();
  auto r = call("POST", "/system/scale-function/fn", R"({"serviceName":"fn","replicas":12})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(provider_.desired("fn.openfaas-fn"), 12u);
  r = call("POST", "/system/scale-function/fn", R"({"serviceName":"fn","replicas":0})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(provider_.desired("fn.openfaas-fn"), 0u);
  r = call("POST", "/system/scale-function/nope", R"({"serviceName":"nope","replicas":1})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = call("POST", "/system/scale-function/fn", R"({"replicas":-1})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(GatewayTest, StatusListInfoSecretsAndLogs) {
  provider_.add("fn", 2, {});
  start();
  auto r = call("GET", "/system/function/fn");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto st = api::parse_function_status(r->body);
  ASSERT_TRUE(st) << r->body;
  EXPECT_EQ(st->replicas, 2u);
  r = call("GET", "/system/function/fn.other");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = call("GET", "/system/info");
  ASSERT_TRUE(r);
  auto info = api::parse_gateway_info(r->body);
  ASSERT_TRUE(info) << r->body;
  ASSERT_TRUE(info->provider);
  EXPECT_EQ(info->provider->provider, "fake");
  EXPECT_FALSE(info->version.release.empty());
  // faas-cli sends the namespace of a secret delete in the body; OpenFaaS reads the query only.
  r = call("POST", "/system/secrets", R"({"name":"s","namespace":"team","value":"v"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  r = call("DELETE", "/system/secrets", R"({"name":"s","namespace":"team"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = call("GET", "/system/logs?name=fn&tail=3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/x-ndjson");
  EXPECT_NE(r->body.find("\"text\":\"line 2\"}\n"), std::string::npos) << r->body;
  r = call("GET", "/system/logs?tail=3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
}

TEST_F(GatewayTest, InvokeForwardsPathQueryAndCallHeaders) {
  Imposter fn;
  fn.when("POST", "/sub/path", Reply::text(200, "hello"));
  provider_.add("fn", 1, {imposter_endpoint(fn)});
  start();
  auto r = call("POST", "/function/fn/sub/path?x=1&y=2", "body", /*auth=*/false);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_TRUE(r->has_header("X-Call-Id"));
  EXPECT_TRUE(r->has_header("X-Start-Time"));
  EXPECT_NE(r->header("X-Served-By").value_or("").find("faas++/"), std::string::npos);
  auto got = fn.last_request();
  EXPECT_EQ(got.target, "/sub/path?x=1&y=2");
  EXPECT_EQ(got.body, "body");
  EXPECT_EQ(got.header("X-Call-Id"), r->header("X-Call-Id"));
  EXPECT_EQ(got.header("X-Forwarded-For").value_or(""), "127.0.0.1");
  // name.namespace works as well, and the empty path becomes "/".
  fn.when("GET", "/", Reply::text(200, "root"));
  r = call("GET", "/function/fn.openfaas-fn", {}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "root");
  r = call("GET", "/metrics", {}, false);
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("gateway_function_invocation_total{function_name=\"fn.openfaas-fn\",code=\"200\"} 2"),
            std::string::npos) << r->body;
}

TEST_F(GatewayTest, UnknownFunctionIs404) {
  start();
  auto r = call("GET", "/function/ghost", {}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("error finding function ghost.openfaas-fn"), std::string::npos) << r->body;
}

TEST_F(GatewayTest, CallsSpreadAcrossReplicas) {
  Imposter a, b;
  a.when("GET", "/", Reply::text(200, "a"));
  b.when("GET", "/", Reply::text(200, "b"));
  provider_.add("fn", 2, {imposter_endpoint(a), imposter_endpoint(b)});
  start();
  for (int i = 0; i < 10; ++i) {
    auto r = call("GET", "/function/fn", {}, false);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  EXPECT_GE(a.requests().size(), 3u);
  EXPECT_GE(b.requests().size(), 3u);
}

TEST_F(GatewayTest, PlatformFailuresAre502And504WithTheInternalHeader) {
  Imposter hang;
  hang.when("GET", "/", Reply::hang());
  Imposter closing;
  closing.when("GET", "/", Reply::close());
  provider_.add("slow", 1, {imposter_endpoint(hang)}, {{"com.openfaas.timeout", "300ms"}});
  provider_.add("broken", 1, {imposter_endpoint(closing)});
  start();
  auto r = call("GET", "/function/slow", {}, false);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(r->header("X-OpenFaaS-Internal").value_or(""), "gateway");
  EXPECT_NE(r->body.find("did not answer within 300ms"), std::string::npos) << r->body;
  r = call("GET", "/function/broken", {}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(r->header("X-OpenFaaS-Internal").value_or(""), "gateway");
}

TEST_F(GatewayTest, ServerSentEventsArriveBeforeTheFunctionFinishes) {
  Imposter fn;
  std::latch first_seen(1);
  Reply sse;
  sse.headers.emplace_back("Content-Type", "text/event-stream");
  sse.chunks = {"data: one\n\n", "data: two\n\n"};
  // The second event is only sent once the client has read the first through the gateway.
  sse.before_chunk = [&](std::size_t i) {
    if (i == 1) first_seen.wait();
  };
  fn.when("GET", "/", sse);
  provider_.add("sse", 1, {imposter_endpoint(fn)});
  start();
  auto conn = test::HttpConnection::connect(server_->port());
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->send({.method = "GET", .target = "/function/sse",
                          .headers = {{"Accept", "text/event-stream"}}}));
  auto head = conn->read_head();
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ(head->status, 200);
  auto piece = conn->read_body_piece();
  ASSERT_TRUE(piece) << piece.error().message();
  EXPECT_EQ(*piece, "data: one\n\n");
  first_seen.count_down();
  auto rest = conn->read_body();
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, "data: two\n\n");
}

TEST_F(GatewayTest, ConcurrentCallsToAScaledToZeroFunctionAllSucceedWithOneScaleUp) {
  Imposter fn;
  fn.when("GET", "/", Reply::text(200, "warm"));
  provider_.add("cold", 0, {imposter_endpoint(fn)});
  provider_.ready_delay = std::chrono::milliseconds(300);
  start();
  constexpr int kCalls = 8;
  std::vector<std::thread> threads;
  std::vector<int> status(kCalls, 0);
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      auto r = call("GET", "/function/cold", {}, false);
      status[i] = r ? r->status : -1;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(status[i], 200) << "call " << i;
  EXPECT_EQ(provider_.scale_calls(), 1);
  EXPECT_EQ(provider_.desired("cold.openfaas-fn"), 1u);
  auto m = call("GET", "/metrics", {}, false);
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("gateway_cold_start_total{function_name=\"cold.openfaas-fn\"} 1"),
            std::string::npos) << m->body;
}

TEST_F(GatewayTest, ScaleFromZeroGivesUpWith504AtTheFunctionsTimeout) {
  provider_.add("never", 0, {}, {{"com.openfaas.timeout", "200ms"}});
  start();
  auto r = call("GET", "/function/never", {}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_NE(r->body.find("no ready replica"), std::string::npos) << r->body;
}

TEST_F(GatewayTest, AlertManagerWebhookScalesUpAndBack) {
  provider_.add("busy", 1, {});
  start();
  const std::string firing =
      R"({"status":"firing","receiver":"scale-up","alerts":[{"status":"firing",)"
      R"("labels":{"alertname":"APIHighInvocationRate","function_name":"busy.openfaas-fn"}}]})";
  auto r = call("POST", "/system/alert", firing);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(provider_.desired("busy.openfaas-fn"), 3u);  // 1 + ceil(20 * 10%)
  auto resolved = firing;
  resolved.replace(resolved.find("\"status\":\"firing\",\"labels"), 17, "\"status\":\"resolved\"");
  r = call("POST", "/system/alert", resolved);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(provider_.desired("busy.openfaas-fn"), 1u);
  r = call("POST", "/system/alert", "[]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, "Unable to parse alert, bad format.\n");
}

TEST_F(GatewayTest, ImageUploadIsSpooledToAFileForTheProviderAndRemovedAfter) {
  start(ApiServerOptions{.spool_dir = ::testing::TempDir() + "/spool-ok"});
  std::string archive(3 << 20, '\0');
  for (size_t i = 0; i < archive.size(); ++i) archive[i] = static_cast<char>(i * 7 % 251);
  auto r = call("POST", "/system/images?name=hello:1&namespace=team", archive);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("\"image\":\"docker.io/library/hello:1\""), std::string::npos) << r->body;
  auto imports = provider_.imports();
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].name, "hello:1");
  EXPECT_EQ(imports[0].namespace_, "team");
  EXPECT_TRUE(imports[0].content == archive) << "spooled " << imports[0].content.size() << " bytes";
  EXPECT_NE(::access(provider_.last_import_path().c_str(), F_OK), 0) << "spool file left behind";
}

TEST_F(GatewayTest, ImageUploadRejectsMissingNameEmptyBodyAndOversizeAndNeedsAuth) {
  start(ApiServerOptions{.spool_dir = ::testing::TempDir() + "/spool-bad", .max_image_bytes = 1000});
  auto r = call("POST", "/system/images", "x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, "name: query parameter is required\n");
  r = call("POST", "/system/images?name=a", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = call("POST", "/system/images?name=a", std::string(1001, 'x'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  r = call("POST", "/system/images?name=a", "x", /*auth=*/false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = call("GET", "/system/images?name=a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_TRUE(provider_.imports().empty());
}

TEST_F(GatewayTest, ImageUploadToAProviderWithoutImageStoreIs501) {
  provider_.image_store = false;
  start(ApiServerOptions{.spool_dir = ::testing::TempDir() + "/spool-501"});
  auto r = call("POST", "/system/images?name=a", "tar");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 501);
  EXPECT_NE(r->body.find("no image store"), std::string::npos) << r->body;
}

// A replica in another network namespace is dialed on a socket the runtime opens there; the
// gateway never falls back to a socket of its own namespace.
TEST_F(GatewayTest, ReplicaInANetworkNamespaceIsDialedThroughTheRuntimesSocket) {
  Imposter fn;
  fn.when("GET", "/", Reply::text(200, "inside"));
  provider_.add("fn", 1, {imposter_endpoint(fn)});
  provider_.netns_path = "/proc/1/ns/net";
  std::mutex mu;
  std::vector<std::string> opened;
  ApiServerOptions options;
  // The test's "namespace" is this one: the point is that the opener made the socket.
  options.netns_socket = [&](const std::string& path, int family) -> Result<UniqueFd> {
    std::lock_guard lock(mu);
    opened.push_back(path);
    return UniqueFd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  };
  start(std::move(options));
  auto r = call("GET", "/function/fn", {}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "inside");
  std::lock_guard lock(mu);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0], "/proc/1/ns/net");
}

TEST_F(GatewayTest, ReplicaInANetworkNamespaceWithoutAWayInIs502NotAHostDial) {
  Imposter fn;
  fn.when("GET", "/", Reply::text(200, "wrong place"));
  provider_.add("fn", 1, {imposter_endpoint(fn)});
  provider_.netns_path = "/proc/1/ns/net";
  start();
  auto r = call("GET", "/function/fn", {}, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502) << r->body;
  EXPECT_TRUE(fn.requests().empty());
}

}  // namespace
}  // namespace faas::gateway
