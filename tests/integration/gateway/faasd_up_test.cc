// `faasd up` end to end: the real daemon (gateway + process runtime in one process) and real
// fwatchdog replicas, driven over loopback HTTP as a user (or faas-cli) would.
#include <fstream>
#include <latch>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "gateway_helpers.h"
#include "support/byte_pattern.h"
#include "support/websocket_client.h"

namespace faas::test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

class FaasdUpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = TempDir::create("faasd-fn");
    ASSERT_TRUE(tmp);
    fn_dir_.emplace(std::move(*tmp));
    Environment env;
    if (kSanitized) {
      auto inherited = inherited_environment();
      auto asan = inherited.contains("ASAN_OPTIONS") ? inherited["ASAN_OPTIONS"] + ":" : "";
      env["ASAN_OPTIONS"] = asan + "quarantine_size_mb=16";
    }
    auto d = DaemonProcess::up({}, env);
    ASSERT_TRUE(d) << d.error().message();
    faasd_ = std::move(*d);
  }
  void deploy(const std::string& name, const std::string& fprocess, const std::string& extra = "",
              std::uint64_t replicas = 1) {
    auto r = admin(*faasd_, "POST", "/system/functions", deployment(name, fprocess, extra));
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->status, 202) << r->body;
    ASSERT_TRUE(wait_available(*faasd_, name, replicas));
  }
  // A shell script in a private directory, as a function's fprocess.
  std::string script(const std::string& name, const std::string& body) {
    auto path = fn_dir_->write(name, "#!/bin/sh\n" + body, /*executable=*/true);
    EXPECT_TRUE(path);
    return path ? *path : "";
  }

  std::optional<TempDir> fn_dir_;
  std::unique_ptr<DaemonProcess> faasd_;
};

TEST_F(FaasdUpTest, FirstStartPrintsTheLoginCommandWithTheBoundPort) {
  // --port 0: the hint must name the port the gateway really bound, not 0.
  std::string hint =
      "Log in with: faas-cli login -g http://127.0.0.1:" + std::to_string(faasd_->port()) +
      " -u admin --password-stdin < " + faasd_->dir() + "/secrets/basic-auth-password";
  EXPECT_TRUE(faasd_->wait_for_log(hint)) << faasd_->log();
}

TEST_F(FaasdUpTest, DeployInvokeAndRemove) {
  deploy("echo", "cat");
  auto r = http_request(faasd_->port(),
                        {.method = "POST", .target = "/function/echo", .body = "hello faas++"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello faas++");
  EXPECT_TRUE(r->has_header("X-Call-Id"));
  auto list = admin(*faasd_, "GET", "/system/functions");
  ASSERT_TRUE(list);
  auto fns = api::parse_function_list(list->body);
  ASSERT_TRUE(fns) << list->body;
  ASSERT_EQ(fns->size(), 1u);
  EXPECT_EQ((*fns)[0].invocation_count, 1);
  auto del = admin(*faasd_, "DELETE", "/system/functions", R"({"functionName":"echo"})");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 202);
  r = http_request(faasd_->port(), {.method = "GET", .target = "/function/echo"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(FaasdUpTest, BadInputGetsAClear4xx) {
  auto r = admin(*faasd_, "POST", "/system/functions", "{\"service\":");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = admin(*faasd_, "POST", "/system/functions",
            deployment("fn", "cat", R"("secrets":["missing"])"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("missing"), std::string::npos) << r->body;
  r = admin(*faasd_, "POST", "/system/functions",
            deployment("fn", "cat", R"("namespace":"nowhere")"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("nowhere"), std::string::npos) << r->body;
  r = admin(*faasd_, "POST", "/system/functions", deployment("UPPER", "cat"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = admin(*faasd_, "PUT", "/system/functions", deployment("ghost", "cat"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(FaasdUpTest, ServerSentEventsArriveBeforeTheFunctionEnds) {
  // The function sends one event, then waits (bounded) for the test to say it saw it.
  auto flag = fn_dir_->file("seen");
  auto fprocess = script("sse.sh",
                         "printf 'data: one\\n\\n'\n"
                         "i=0; while [ ! -e " +
                             flag +
                             " ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n"
                             "printf 'data: two\\n\\n'\n");
  deploy("sse", fprocess, R"("envVars":{"content_type":"text/event-stream"})");
  auto c = HttpConnection::connect(faasd_->port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(
      {.method = "GET", .target = "/function/sse", .headers = {{"Accept", "text/event-stream"}}}));
  auto head = c->read_head();
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Type").value_or(""), "text/event-stream");
  auto first = c->read_body_piece();
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(*first, "data: one\n\n");
  ASSERT_TRUE(fn_dir_->write("seen", ""));
  auto rest = c->read_body();
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, "data: two\n\n");
}

TEST_F(FaasdUpTest, LargeBodyStreamsThroughTheGatewayWithFlatMemory) {
  deploy("cat", "cat", R"("envVars":{"exec_timeout":"0"})");
  auto before = read_memory_usage(faasd_->pid());
  ASSERT_TRUE(before);
  auto c = HttpConnection::connect(faasd_->port(), std::chrono::seconds(30));
  ASSERT_TRUE(c);
  const std::uint64_t size = 256ull << 20;
  ASSERT_TRUE(c->send_chunked_head({.method = "POST", .target = "/function/cat"}));
  Result<std::uint64_t> sent = 0ull;
  std::thread writer([&] {
    PatternSource source(size, 256 * 1024);
    sent = c->send_chunked_body(std::ref(source));
  });
  PatternVerifier verifier;
  auto head = c->read_head();
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ(head->status, 200);
  for (;;) {
    auto piece = c->read_body_piece(1 << 20);
    ASSERT_TRUE(piece) << piece.error().message();
    if (piece->empty()) break;
    verifier.consume(*piece);
  }
  writer.join();
  auto memory = read_memory_usage(faasd_->pid());
  ASSERT_TRUE(sent);
  EXPECT_EQ(*sent, size);
  EXPECT_EQ(verifier.received(), size);
  EXPECT_TRUE(verifier.ok()) << "first bad byte at " << verifier.first_mismatch();
  ASSERT_TRUE(memory);
  std::cout << "faasd VmRSS before: " << before->rss_kib
            << " KiB, VmHWM after 256 MiB: " << memory->hwm_kib << " KiB\n";
  EXPECT_LT(memory->hwm_kib - before->rss_kib, 64 * 1024);
}

TEST_F(FaasdUpTest, AFunctionThatHangsIsCutAtItsTimeoutWith504) {
  deploy("sleepy", "sleep 5", R"("annotations":{"com.openfaas.timeout":"500ms"})");
  auto r = http_request(faasd_->port(), {.method = "GET", .target = "/function/sleepy"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(r->header("X-OpenFaaS-Internal").value_or(""), "gateway");
}

TEST_F(FaasdUpTest, ConcurrentCallsAfterScaleToZeroAllSucceed) {
  deploy("echo", "cat");
  auto r = admin(*faasd_, "POST", "/system/scale-function/echo",
                 R"({"serviceName":"echo","replicas":0})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202);
  ASSERT_TRUE(wait_available(*faasd_, "echo", 0));
  constexpr int kCalls = 8;
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      auto res = http_request(
          faasd_->port(),
          {.method = "POST", .target = "/function/echo", .body = "call " + std::to_string(i)});
      bodies[i] = res ? std::to_string(res->status) + " " + res->body : res.error().message();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(bodies[i], "200 call " + std::to_string(i));
  EXPECT_TRUE(wait_available(*faasd_, "echo", 1));
  auto m = http_request(faasd_->port(), {.method = "GET", .target = "/metrics"});
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("gateway_cold_start_total{function_name=\"echo.openfaas-fn\"} 1"),
            std::string::npos)
      << m->body;
}

TEST_F(FaasdUpTest, ScaleOutSpreadsCallsAcrossReplicas) {
  // Each replica answers with its own working directory (one per replica); three from the start.
  deploy("whoami", "pwd", R"("labels":{"com.openfaas.scale.min":"3"})", 3);
  std::set<std::string> seen;
  for (int i = 0; i < 30; ++i) {
    auto res = http_request(faasd_->port(), {.method = "GET", .target = "/function/whoami"});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    seen.insert(res->body);
  }
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(FaasdUpTest, WebSocketsAreTunnelledToTheFunction) {
  // An http-mode function whose server echoes WebSocket messages on /ws.
  auto port = pick_free_port();
  ASSERT_TRUE(port);
  auto up = std::to_string(*port);
  deploy("ws", upstream_path() + " --port " + up,
         R"("envVars":{"mode":"http","upstream_url":"http://127.0.0.1:)" + up + R"("})");
  std::string binary(64 * 1024, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 13 + i / 7);
  auto result =
      websocket_round_trip(faasd_->port(), "/function/ws/ws", "hello", binary, kWaitTimeout);
  EXPECT_EQ(result.failure, "");
  EXPECT_EQ(result.text_echo, "hello");
  EXPECT_TRUE(result.binary_echo == binary) << result.binary_echo.size() << " bytes back";
  EXPECT_TRUE(result.closed);
}

// The pids of a process's children (Linux 3.5+ with CONFIG_PROC_CHILDREN).
std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t p; in >> p;) out.push_back(p);
  return out;
}

TEST_F(FaasdUpTest, ReplicasDoNotOutliveADaemonKilledWithSigkill) {
  deploy("echo", "cat", R"("labels":{"com.openfaas.scale.min":"2"})", 2);
  auto replicas = children_of(faasd_->pid());
  ASSERT_EQ(replicas.size(), 2u);
  faasd_->signal(SIGKILL);
  ASSERT_TRUE(faasd_->wait_exit());
  for (pid_t p : replicas) EXPECT_TRUE(wait_process_gone(p)) << "replica " << p << " still runs";
}

TEST_F(FaasdUpTest, SigtermStopsTheDaemonAndItsReplicas) {
  deploy("echo", "cat");
  faasd_->signal(SIGTERM);
  auto status = faasd_->wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_NE(faasd_->log().find("Shutdown complete"), std::string::npos);
}

}  // namespace
}  // namespace faas::test
