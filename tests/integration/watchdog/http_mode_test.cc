// fwatchdog mode=http: the watchdog starts faas-test-upstream once and reverse-proxies to it.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <sys/wait.h>

#include "support/websocket_client.h"
#include "test_helpers.h"

namespace faas::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

// Starts fwatchdog in http mode in front of faas-test-upstream on a free port.
std::unique_ptr<WatchdogProcess> start_http(Environment env = {}, std::string upstream_args = "",
                                            bool wait_healthy = true) {
  auto port = pick_free_port();
  if (!port) {
    ADD_FAILURE() << error_text(port);
    return nullptr;
  }
  env["mode"] = "http";
  env["fprocess"] = upstream_path() + " --port " + std::to_string(*port) + upstream_args;
  env["upstream_url"] = "http://127.0.0.1:" + std::to_string(*port);
  return start_watchdog(std::move(env), wait_healthy);
}

TEST(HttpModeTest, ReadyOnlyOnceTheUpstreamAcceptsAndThenNo5xx) {
  // The upstream sleeps before it binds; until then the watchdog must not claim readiness.
  auto wd = start_http({}, " --delay-start-ms 1000", /*wait_healthy=*/false);
  ASSERT_TRUE(wd);
  auto first = http_request(wd->port(), {.target = "/_/ready"});
  ASSERT_TRUE(first) << error_text(first);
  EXPECT_EQ(first->status, 503);
  auto health = http_request(wd->port(), {.target = "/_/health"});
  ASSERT_TRUE(health) << error_text(health);
  EXPECT_EQ(health->status, 503);

  ASSERT_TRUE(wd->wait_for_status("/_/ready", 200));
  for (int i = 0; i < 20; ++i) {
    auto r = http_request(wd->port(), {.target = "/"});
    ASSERT_TRUE(r) << "request " << i << ": " << error_text(r);
    EXPECT_EQ(r->status, 200) << "request " << i;
    EXPECT_EQ(r->body, "Hello, world!\n");
  }
}

TEST(HttpModeTest, ForwardsMethodTargetHeadersAndHost) {
  auto wd = start_http();
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST",
                                     .target = "/headers?x=1",
                                     .headers = {{"Host", "my-fn.example"}, {"X-Custom", "42"}},
                                     .body = "payload"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Host: my-fn.example\n"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("X-Custom: 42\n"), std::string::npos) << r->body;
  EXPECT_TRUE(r->has_header("X-Duration-Seconds"));

  auto unavailable = http_request(wd->port(), {.target = "/status/503"});
  ASSERT_TRUE(unavailable) << error_text(unavailable);
  EXPECT_EQ(unavailable->status, 503);
  EXPECT_FALSE(unavailable->has_header("X-OpenFaaS-Internal")) << "the upstream's own 503";
}

// Beast's result() maps any code outside its status enum to 0; the proxy must copy the number.
TEST(HttpModeTest, StatusCodesOutsideBeastsEnumPassThrough) {
  auto wd = start_http();
  ASSERT_TRUE(wd);
  for (int code : {418, 420, 299}) {
    auto r = http_request(wd->port(), {.target = "/status/" + std::to_string(code)});
    ASSERT_TRUE(r) << code << ": " << error_text(r);
    EXPECT_EQ(r->status, code);
  }
}

TEST(HttpModeTest, ServerSentEventsArriveBeforeTheStreamEnds) {
  auto wd = start_http();
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  // Three events 400 ms apart: the upstream cannot produce event 2 until ~800 ms after event 0.
  ASSERT_TRUE(c->send({.target = "/sse?n=3&ms=400", .headers = {{"Accept", "text/event-stream"}}}));
  auto start = Clock::now();
  auto head = c->read_head();
  ASSERT_TRUE(head) << error_text(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Type").value_or(""), "text/event-stream");
  std::string received;
  std::string seen_with_event0;  // everything received by the time event 0 had arrived
  std::string timeline;
  for (;;) {
    auto piece = c->read_body_piece();
    ASSERT_TRUE(piece) << error_text(piece);
    if (piece->empty()) break;
    received += *piece;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    timeline += std::to_string(ms.count()) + "ms: " + std::to_string(piece->size()) + " bytes\n";
    if (seen_with_event0.empty() && received.find("data: event 0\n\n") != std::string::npos) {
      seen_with_event0 = received;
    }
  }
  EXPECT_EQ(received, "data: event 0\n\ndata: event 1\n\ndata: event 2\n\n");
  ASSERT_FALSE(seen_with_event0.empty()) << timeline;
  // Ordering by receipt: event 0 reached us before event 2 did, i.e. nothing buffered the stream.
  EXPECT_EQ(seen_with_event0.find("event 2"), std::string::npos)
      << "event 0 only arrived together with event 2:\n"
      << timeline;
}

TEST(HttpModeTest, XTimeoutHeaderLowersTheTimeoutTo504) {
  auto wd = start_http({{"exec_timeout", "30s"}});
  ASSERT_TRUE(wd);
  auto r =
      http_request(wd->port(), {.target = "/slow?ms=5000", .headers = {{"X-Timeout", "300ms"}}});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_TRUE(r->has_header("X-OpenFaaS-Internal"));
  // The watchdog (and its pool) are still usable afterwards.
  auto next = http_request(wd->port(), {.target = "/"});
  ASSERT_TRUE(next) << error_text(next);
  EXPECT_EQ(next->status, 200);
}

TEST(HttpModeTest, UpstreamExitEndsTheWatchdogWithTheSameCode) {
  auto wd = start_http();
  ASSERT_TRUE(wd);
  (void)http_request(wd->port(), {.target = "/exit?code=4"});  // no answer is expected
  auto status = wd->wait_exit();
  ASSERT_TRUE(status) << "fwatchdog kept running after its upstream exited";
  ASSERT_TRUE(WIFEXITED(*status)) << "raw wait status " << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 4);
}

TEST(HttpModeTest, KeepAliveConnectionServesManyRequests) {
  auto wd = start_http();
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  for (int i = 0; i < 10; ++i) {
    std::string body = "round " + std::to_string(i);
    auto r = i % 2 ? c->round_trip({.method = "POST", .target = "/echo", .body = body})
                   : c->round_trip({.target = "/"});
    ASSERT_TRUE(r) << "request " << i << ": " << error_text(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, i % 2 ? body : "Hello, world!\n");
    EXPECT_TRUE(r->keep_alive()) << "request " << i;
  }
}

TEST(HttpModeTest, WebSocketUpgradeIsTunnelledToTheUpstream) {
  auto wd = start_http();
  ASSERT_TRUE(wd);
  std::string binary(256 * 1024, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7 + i / 251);
  auto result = websocket_round_trip(wd->port(), "/ws", "hello through the tunnel", binary, kWaitTimeout);
  EXPECT_EQ(result.failure, "");
  EXPECT_EQ(result.text_echo, "hello through the tunnel");
  EXPECT_TRUE(result.binary_echo == binary)
      << "binary echo differs (" << result.binary_echo.size() << " bytes back)";
  EXPECT_TRUE(result.closed);
}

}  // namespace
}  // namespace faas::test
