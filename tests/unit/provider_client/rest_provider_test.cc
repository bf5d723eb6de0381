#include "faas/provider_client/rest_provider.h"

#include <atomic>
#include <future>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "faas/api/json.h"
#include "faas/core/base64.h"
#include "faas/provider/errors.h"

#include "support/http_client.h"
#include "support/imposter.h"

namespace faas::provider_client {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using provider::FunctionRef;
using provider::ProviderErrc;
using test::Imposter;
using test::Reply;

api::Timestamp at_seconds(long long s) { return api::Timestamp(std::chrono::seconds(s)); }

api::FunctionStatus sample_status(std::string ns, std::uint64_t available) {
  api::FunctionStatus s;
  s.name = "echo";
  s.image = "ghcr.io/x/echo:1";
  s.namespace_ = std::move(ns);
  s.replicas = 1;
  s.available_replicas = available;
  s.created_at = at_seconds(1'700'000'000);
  return s;
}

api::LogMessage log_line(std::string text) {
  return api::LogMessage{"echo", "dev", "echo-1", at_seconds(1'700'000'001), std::move(text)};
}

class RestProviderTest : public ::testing::Test {
 protected:
  RestProviderConfig config() {
    RestProviderConfig c;
    c.base_url = imp.url();
    c.credentials = Credentials{"admin", "s3cret"};
    c.timeout = 10s;
    return c;
  }
  RestProvider& provider(RestProviderConfig c) {
    auto p = RestProvider::create(io.get_executor(), std::move(c));
    EXPECT_TRUE(p) << p.error().message();
    provider_ = std::move(*p);
    return *provider_;
  }
  RestProvider& provider() { return provider(config()); }

  // Runs one provider call on io to completion.
  template <class T>
  T run(net::awaitable<T> op) {
    auto future = net::co_spawn(io, std::move(op), net::use_future);
    io.restart();
    io.run();
    return future.get();
  }

  // The error a failing call produced, for compact assertions.
  template <class T>
  static Error error_of(const Result<T>& r) {
    EXPECT_FALSE(r);
    return r ? Error{} : r.error();
  }

  std::string basic_auth() const { return "Basic " + base64_encode("admin:s3cret"); }

  Imposter imp;
  net::io_context io;
  std::unique_ptr<RestProvider> provider_;
};

TEST_F(RestProviderTest, DeployPostsTheDeploymentAsJsonWithBasicAuth) {
  imp.when("POST", "/system/functions", Reply::text(202, ""));
  api::FunctionDeployment spec;
  spec.service = "echo";
  spec.image = "ghcr.io/x/echo:1";
  spec.namespace_ = "dev";
  spec.env_process = "cat";

  auto r = run(provider().deploy(spec));
  ASSERT_TRUE(r) << r.error().message();
  auto seen = imp.last_request();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/system/functions");
  EXPECT_EQ(seen.header("Authorization"), basic_auth());
  EXPECT_EQ(seen.header("Content-Type"), "application/json");
  auto sent = api::parse_deployment(seen.body);
  ASSERT_TRUE(sent) << sent.error().message();
  EXPECT_EQ(*sent, spec);
}

TEST_F(RestProviderTest, UpdatePutsTheDeployment) {
  imp.when("PUT", "/system/functions", Reply::text(200, ""));
  api::FunctionDeployment spec;
  spec.service = "echo";
  spec.image = "img:2";

  ASSERT_TRUE(run(provider().update(spec)));
  auto seen = imp.last_request();
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(api::parse_deployment(seen.body).value(), spec);
}

TEST_F(RestProviderTest, RemoveSendsNameAndNamespaceInQueryAndBody) {
  imp.when("DELETE", "/system/functions", Reply::text(200, ""));

  ASSERT_TRUE(run(provider().remove(FunctionRef{"echo", "dev"})));
  auto seen = imp.last_request();
  EXPECT_EQ(seen.method, "DELETE");
  EXPECT_EQ(seen.query_param("namespace"), "dev");
  EXPECT_EQ(api::parse_delete_request(seen.body).value(),
            (api::DeleteFunctionRequest{"echo", "dev"}));
}

TEST_F(RestProviderTest, ListDecodesAndPassesTheNamespaceOnlyWhenGiven) {
  std::vector<api::FunctionStatus> functions = {sample_status("dev", 1)};
  imp.when("GET", "/system/functions", Reply::json(200, api::to_json(functions)));
  auto& p = provider();

  auto r = run(p.list("dev"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, functions);
  EXPECT_EQ(imp.last_request().target, "/system/functions?namespace=dev");
  ASSERT_TRUE(run(p.list("")));
  EXPECT_EQ(imp.last_request().target, "/system/functions");
}

TEST_F(RestProviderTest, StatusDecodesWhatFaasdSends) {
  imp.when("GET", "/system/function/echo",
           Reply::json(200, R"({"name":"echo","image":"ghcr.io/x/echo:1","namespace":"dev",)"
                            R"("replicas":1,"availableReplicas":1,)"
                            R"("createdAt":"2023-11-14T22:13:20Z"})"));

  auto r = run(provider().status(FunctionRef{"echo", "dev"}));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, sample_status("dev", 1));
  EXPECT_EQ(imp.last_request().target, "/system/function/echo?namespace=dev");
  EXPECT_EQ(imp.last_request().header("Authorization"), basic_auth());
}

TEST_F(RestProviderTest, ScalePostsTheReplicaCount) {
  imp.when("POST", "/system/scale-function/echo", Reply::text(202, ""));

  ASSERT_TRUE(run(provider().scale(FunctionRef{"echo", "dev"}, 3)));
  auto seen = imp.last_request();
  EXPECT_EQ(seen.query_param("namespace"), "dev");
  EXPECT_EQ(api::parse_scale_request(seen.body).value(),
            (api::ScaleServiceRequest{"echo", 3, "dev"}));
}

TEST_F(RestProviderTest, SuccessStatusesAreOk) {
  auto& p = provider();
  for (unsigned status : {200u, 201u, 202u}) {
    imp.when("POST", "/system/functions", Reply::text(status, "done"));
    auto r = run(p.deploy(api::FunctionDeployment{"echo", "img"}));
    EXPECT_TRUE(r) << status << ": " << r.error().message();
  }
}

TEST_F(RestProviderTest, ErrorStatusesMapToProviderErrcWithTheBodyText) {
  const std::pair<unsigned, ProviderErrc> cases[] = {
      {400, ProviderErrc::kInvalid},        {404, ProviderErrc::kNotFound},
      {409, ProviderErrc::kConflict},       {500, ProviderErrc::kInternal},
      {501, ProviderErrc::kNotImplemented}, {503, ProviderErrc::kUnavailable}};
  auto& p = provider();
  for (auto [status, errc] : cases) {
    imp.when("POST", "/system/functions",
             Reply::text(status, "  reason " + std::to_string(status) + "\n"));
    imp.when("GET", "/system/function/echo", Reply::text(status, "why\n"));

    auto deployed = run(p.deploy(api::FunctionDeployment{"echo", "img"}));
    auto e = error_of(deployed);
    EXPECT_EQ(e.code, errc) << status;
    EXPECT_EQ(e.context, "reason " + std::to_string(status));
    auto e2 = error_of(run(p.status(FunctionRef{"echo", ""})));
    EXPECT_EQ(e2.code, errc) << status;
    EXPECT_EQ(e2.context, "why");
  }
}

TEST_F(RestProviderTest, EmptyErrorBodyNamesTheCall) {
  imp.when("GET", "/system/function/nope", Reply::text(404, ""));

  auto e = error_of(run(provider().status(FunctionRef{"nope", "dev"})));
  EXPECT_EQ(e.code, ProviderErrc::kNotFound);
  EXPECT_EQ(e.context, "provider answered 404 to GET /system/function/nope?namespace=dev");
}

TEST_F(RestProviderTest, ReplicasIsTheProviderItselfWhenAReplicaIsAvailable) {
  imp.when("GET", "/system/function/echo", Reply::json(200, api::to_json(sample_status("dev", 2))));

  auto r = run(provider().replicas(FunctionRef{"echo", "dev"}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].endpoint.address().to_string(), "127.0.0.1");
  EXPECT_EQ((*r)[0].endpoint.port(), imp.port());
  EXPECT_EQ((*r)[0].path_prefix, "/function/echo.dev");
  EXPECT_TRUE((*r)[0].netns_path.empty());
}

TEST_F(RestProviderTest, ReplicasUsesTheNamespaceTheProviderReports) {
  imp.when("GET", "/system/function/echo",
           Reply::json(200, api::to_json(sample_status("openfaas-fn", 1))));

  auto r = run(provider().replicas(FunctionRef{"echo", ""}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].path_prefix, "/function/echo.openfaas-fn");
  EXPECT_EQ(imp.last_request().target, "/system/function/echo");
}

TEST_F(RestProviderTest, ReplicasIsEmptyWhenNoneIsAvailable) {
  imp.when("GET", "/system/function/echo", Reply::json(200, api::to_json(sample_status("dev", 0))));

  auto r = run(provider().replicas(FunctionRef{"echo", "dev"}));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->empty());
}

TEST_F(RestProviderTest, ReplicasOfAnUnknownFunctionIsNotFound) {
  imp.when("GET", "/system/function/echo", Reply::text(404, "function echo not found"));

  auto e = error_of(run(provider().replicas(FunctionRef{"echo", "dev"})));
  EXPECT_EQ(e.code, ProviderErrc::kNotFound);
  EXPECT_EQ(e.context, "function echo not found");
}

TEST_F(RestProviderTest, SecretRoutes) {
  std::vector<api::Secret> secrets = {{"db", "dev", "", ""}};
  imp.when("GET", "/system/secrets", Reply::json(200, api::to_json(secrets)));
  imp.when("POST", "/system/secrets", Reply::text(201, ""));
  imp.when("PUT", "/system/secrets", Reply::text(202, ""));
  imp.when("DELETE", "/system/secrets", Reply::text(202, ""));
  auto& p = provider();

  auto listed = run(p.list_secrets("dev"));
  ASSERT_TRUE(listed) << listed.error().message();
  EXPECT_EQ(*listed, secrets);
  EXPECT_EQ(imp.last_request().query_param("namespace"), "dev");

  api::Secret secret{"db", "dev", "", std::string("\0\xff", 2)};
  ASSERT_TRUE(run(p.create_secret(secret)));
  EXPECT_EQ(imp.last_request().method, "POST");
  EXPECT_EQ(api::parse_secret(imp.last_request().body).value(), secret);
  ASSERT_TRUE(run(p.update_secret(secret)));
  EXPECT_EQ(imp.last_request().method, "PUT");
  EXPECT_EQ(api::parse_secret(imp.last_request().body).value(), secret);

  ASSERT_TRUE(run(p.remove_secret(secret)));
  auto seen = imp.last_request();
  EXPECT_EQ(seen.method, "DELETE");
  EXPECT_EQ(seen.query_param("namespace"), "dev");
  EXPECT_EQ(api::parse_secret(seen.body).value(), (api::Secret{"db", "dev", "", ""}));
}

TEST_F(RestProviderTest, NamespaceRoutes) {
  api::FunctionNamespace ns{"dev", {}, {{"openfaas", "1"}}};
  imp.when("GET", "/system/namespaces", Reply::json(200, R"(["openfaas-fn","dev"])"));
  imp.when("GET", "/system/namespace/dev", Reply::json(200, api::to_json(ns)));
  imp.when("POST", "/system/namespace/dev", Reply::text(201, ""));
  imp.when("PUT", "/system/namespace/dev", Reply::text(202, ""));
  imp.when("DELETE", "/system/namespace/dev", Reply::text(202, ""));
  auto& p = provider();

  EXPECT_EQ(run(p.list_namespaces()).value(), (std::vector<std::string>{"openfaas-fn", "dev"}));
  EXPECT_EQ(run(p.get_namespace("dev")).value(), ns);
  ASSERT_TRUE(run(p.create_namespace(ns)));
  EXPECT_EQ(imp.last_request().method, "POST");
  EXPECT_EQ(api::parse_namespace(imp.last_request().body).value(), ns);
  ASSERT_TRUE(run(p.update_namespace(ns)));
  EXPECT_EQ(imp.last_request().method, "PUT");
  ASSERT_TRUE(run(p.remove_namespace("dev")));
  EXPECT_EQ(imp.last_request().method, "DELETE");
  EXPECT_EQ(imp.last_request().target, "/system/namespace/dev");
}

TEST_F(RestProviderTest, NamespacesNotImplementedByTheProvider) {
  imp.when("GET", "/system/namespace/dev",
           Reply::text(501, "Feature not implemented in this version of OpenFaaS"));

  auto e = error_of(run(provider().get_namespace("dev")));
  EXPECT_EQ(e.code, ProviderErrc::kNotImplemented);
  EXPECT_EQ(e.context, "Feature not implemented in this version of OpenFaaS");
}

TEST_F(RestProviderTest, InfoAndHealth) {
  api::ProviderInfo info{"faasd-ce", {"", "abc123", "0.18.0"}, "containerd"};
  imp.when("GET", "/system/info", Reply::json(200, api::to_json(info)));
  imp.when("GET", "/healthz", Reply::text(200, "OK"));
  auto& p = provider();

  EXPECT_EQ(run(p.info()).value(), info);
  ASSERT_TRUE(run(p.health()));
  EXPECT_EQ(imp.last_request().target, "/healthz");
  EXPECT_EQ(imp.last_request().header("Authorization"), basic_auth());
}

TEST_F(RestProviderTest, NoCredentialsNoAuthorizationHeader) {
  imp.when("GET", "/healthz", Reply::text(200, "OK"));
  auto c = config();
  c.credentials.reset();

  ASSERT_TRUE(run(provider(c).health()));
  EXPECT_FALSE(imp.last_request().header("Authorization"));
}

TEST_F(RestProviderTest, BaseUrlPrefixAppliesToRoutesAndReplicas) {
  imp.when("GET", "/faas/system/function/echo",
           Reply::json(200, api::to_json(sample_status("dev", 1))));
  auto c = config();
  c.base_url = imp.url() + "/faas";

  auto r = run(provider(c).replicas(FunctionRef{"echo", "dev"}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].path_prefix, "/faas/function/echo.dev");
}

TEST_F(RestProviderTest, MalformedJsonIsBadGatewayNamingTheCall) {
  imp.when("GET", "/system/functions", Reply::json(200, "[{\"name\": "));
  imp.when("GET", "/system/info", Reply::json(200, R"({"provider": 7})"));
  auto& p = provider();

  auto e = error_of(run(p.list("")));
  EXPECT_EQ(e.code, ProviderErrc::kBadGateway);
  EXPECT_NE(e.message().find("invalid response from provider to GET /system/functions: "
                             "invalid JSON"),
            std::string::npos)
      << e.message();
  auto e2 = error_of(run(p.info()));
  EXPECT_EQ(e2.code, ProviderErrc::kBadGateway);
  EXPECT_NE(e2.message().find("provider"), std::string::npos) << e2.message();
}

TEST_F(RestProviderTest, BodyOverTheCapIsBadGatewayNotACrash) {
  std::vector<api::FunctionStatus> many(50, sample_status("dev", 1));
  imp.when("GET", "/system/functions", Reply::json(200, api::to_json(many)));
  auto c = config();
  c.max_body = 1000;

  auto e = error_of(run(provider(c).list("dev")));
  EXPECT_EQ(e.code, ProviderErrc::kBadGateway);
  EXPECT_NE(e.message().find("1000"), std::string::npos) << e.message();
}

TEST_F(RestProviderTest, ProviderDownIsUnavailable) {
  auto port = test::pick_free_port();
  ASSERT_TRUE(port);
  auto c = config();
  c.base_url = "http://127.0.0.1:" + std::to_string(*port);
  auto& p = provider(c);

  auto e = error_of(run(p.list("")));
  EXPECT_EQ(e.code, ProviderErrc::kUnavailable) << e.message();
  EXPECT_NE(e.message().find(c.base_url), std::string::npos) << e.message();
  auto sink = [](const api::LogMessage&) -> net::awaitable<bool> { co_return true; };
  auto e2 = error_of(run(p.logs(provider::LogRequest{FunctionRef{"echo", ""}}, sink)));
  EXPECT_EQ(e2.code, ProviderErrc::kUnavailable) << e2.message();
}

TEST_F(RestProviderTest, ProviderThatHangsTimesOut) {
  imp.when("GET", "/system/functions", Reply::hang());
  auto c = config();
  c.timeout = 200ms;

  auto e = error_of(run(provider(c).list("")));
  EXPECT_EQ(e.code, ProviderErrc::kTimeout) << e.message();
}

TEST_F(RestProviderTest, BaseUrlMustBeAnIpOrLocalhost) {
  auto c = config();
  c.base_url = "http://gateway-provider:8081";
  EXPECT_FALSE(RestProvider::create(io.get_executor(), c));
}

// --- logs ---

class RestProviderLogsTest : public RestProviderTest {
 protected:
  // A sink that records messages; stops after `limit` of them.
  provider::LogSink recorder(std::size_t limit = 1000) {
    return [this, limit](const api::LogMessage& m) -> net::awaitable<bool> {
      received.push_back(m);
      co_return received.size() < limit;
    };
  }
  std::vector<api::LogMessage> received;
};

TEST_F(RestProviderLogsTest, SendsTheQueryTheContractDefines) {
  imp.when("GET", "/system/logs", Reply::text(200, ""));
  provider::LogRequest request{FunctionRef{"echo", "dev"}, "echo-1", at_seconds(1'700'000'000), 5,
                               true};

  ASSERT_TRUE(run(provider().logs(request, recorder())));
  auto seen = imp.last_request();
  EXPECT_EQ(seen.path, "/system/logs");
  EXPECT_EQ(seen.query_param("name"), "echo");
  EXPECT_EQ(seen.query_param("namespace"), "dev");
  EXPECT_EQ(seen.query_param("instance"), "echo-1");
  EXPECT_EQ(seen.query_param("tail"), "5");
  EXPECT_EQ(seen.query_param("follow"), "true");
  EXPECT_EQ(seen.query_param("since"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(seen.header("Authorization"), basic_auth());
}

TEST_F(RestProviderLogsTest, EachLineReachesTheSinkBeforeTheNextIsSent) {
  std::promise<void> first_seen;
  // Shared with the imposter's thread by value: it may still be in the hook when the test ends.
  auto second_sent = std::make_shared<std::atomic<bool>>(false);
  Reply reply = Reply::text(200, "");
  reply.headers = {{"Content-Type", "application/x-ndjson"}};
  reply.chunks = {api::to_json(log_line("one")) + "\n", api::to_json(log_line("two")) + "\n"};
  reply.before_chunk = [seen = first_seen.get_future().share(), second_sent](std::size_t i) {
    if (i != 1) return;
    seen.wait_for(10s);  // bounded: a buffering client fails the check below
    *second_sent = true;
  };
  imp.when("GET", "/system/logs", reply);
  bool second_out_at_first = true;
  provider::LogSink sink = [&](const api::LogMessage& m) -> net::awaitable<bool> {
    if (received.empty()) {
      second_out_at_first = second_sent->load();
      first_seen.set_value();
    }
    received.push_back(m);
    co_return true;
  };

  auto r = run(provider().logs(provider::LogRequest{FunctionRef{"echo", "dev"}}, sink));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(second_out_at_first);
  EXPECT_EQ(received, (std::vector<api::LogMessage>{log_line("one"), log_line("two")}));
}

TEST_F(RestProviderLogsTest, SinkReturningFalseEndsTheStream) {
  Reply reply = Reply::text(200, "");
  reply.chunks = {api::to_json(log_line("one")) + "\n" + api::to_json(log_line("two")) + "\n"};
  imp.when("GET", "/system/logs", reply);

  auto r = run(provider().logs(provider::LogRequest{FunctionRef{"echo", "dev"}}, recorder(1)));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(received, std::vector<api::LogMessage>{log_line("one")});
}

TEST_F(RestProviderLogsTest, NotFoundAndNotImplementedMeanNotImplemented) {
  auto& p = provider();
  for (unsigned status : {404u, 501u}) {
    imp.when("GET", "/system/logs", Reply::text(status, "no logs here"));
    auto e = error_of(run(p.logs(provider::LogRequest{FunctionRef{"echo", ""}}, recorder())));
    EXPECT_EQ(e.code, ProviderErrc::kNotImplemented) << status;
    EXPECT_EQ(e.context, "no logs here");
  }
  imp.when("GET", "/system/logs", Reply::text(422, "bad since"));
  auto e = error_of(run(p.logs(provider::LogRequest{FunctionRef{"echo", ""}}, recorder())));
  EXPECT_EQ(e.code, ProviderErrc::kInvalid);
  EXPECT_TRUE(received.empty());
}

TEST_F(RestProviderLogsTest, MalformedLineIsBadGatewayAfterTheGoodOnes) {
  Reply reply = Reply::text(200, "");
  reply.chunks = {api::to_json(log_line("one")) + "\n", "{not json\n",
                  api::to_json(log_line("three")) + "\n"};
  imp.when("GET", "/system/logs", reply);

  auto e =
      error_of(run(provider().logs(provider::LogRequest{FunctionRef{"echo", ""}}, recorder())));
  EXPECT_EQ(e.code, ProviderErrc::kBadGateway);
  EXPECT_NE(e.message().find("invalid log line from provider"), std::string::npos) << e.message();
  EXPECT_EQ(received, std::vector<api::LogMessage>{log_line("one")});
}

// A stream that sends one line and then stays open and quiet (until the test ends).
class QuietLogStreamTest : public RestProviderLogsTest {
 protected:
  void SetUp() override {
    Reply reply = Reply::text(200, "");
    reply.chunks = {api::to_json(log_line("one")) + "\n", "x"};
    reply.before_chunk = [release = release_future_](std::size_t i) {
      if (i == 1) release.wait_for(10s);
    };
    imp.when("GET", "/system/logs", reply);
  }
  void TearDown() override { release_.set_value(); }
  RestProvider& quick_provider() {
    auto c = config();
    // Long enough for the head to arrive on a loaded machine; the quiet body then stalls it.
    c.timeout = 1s;
    return provider(c);
  }

  std::promise<void> release_;
  std::shared_future<void> release_future_ = release_.get_future().share();
};

TEST_F(QuietLogStreamTest, FollowEndsCleanlyAtTheTimeout) {
  provider::LogRequest follow{FunctionRef{"echo", ""}};
  follow.follow = true;

  auto r = run(quick_provider().logs(follow, recorder()));
  EXPECT_TRUE(r) << r.error().message();
  EXPECT_EQ(received, std::vector<api::LogMessage>{log_line("one")});
}

TEST_F(QuietLogStreamTest, WithoutFollowItTimesOut) {
  auto r = run(quick_provider().logs(provider::LogRequest{FunctionRef{"echo", ""}}, recorder()));
  EXPECT_EQ(error_of(r).code, ProviderErrc::kTimeout);
  EXPECT_EQ(received, std::vector<api::LogMessage>{log_line("one")});
}

}  // namespace
}  // namespace faas::provider_client
