// fwatchdog mode=streaming (the of-watchdog default): one process per request, body streamed to
// stdin, stdout streamed back as it is produced.
#include <fstream>
#include <thread>

#include <signal.h>

#include "support/byte_pattern.h"
#include "test_helpers.h"

namespace faas::test {
namespace {

class StreamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("streaming");
    ASSERT_TRUE(d) << error_text(d);
    fixtures_.emplace(std::move(*d));
  }
  std::unique_ptr<WatchdogProcess> start(Environment env) {
    env["mode"] = "streaming";
    return start_watchdog(std::move(env));
  }
  const TempDir& fixtures() const { return *fixtures_; }

 private:
  std::optional<TempDir> fixtures_;
};

TEST_F(StreamingTest, EchoesBodyThroughCat) {
  auto wd = start({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .target = "/", .body = "hello, function"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello, function");
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/octet-stream");
}

TEST_F(StreamingTest, ContentTypeComesFromConfiguration) {
  auto wd = start({{"fprocess", "cat"}, {"content_type", "text/csv"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "a,b"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type").value_or(""), "text/csv");
}

TEST_F(StreamingTest, FunctionSeesRequestAsCgiEnvironment) {
  auto wd = start({{"fprocess", "env"}});
  ASSERT_TRUE(wd);
  auto r = http_request(
      wd->port(),
      {.method = "POST",
       .target = "/fn/sub%20dir?a=1&b=two",
       .headers = {{"Content-Type", "text/plain"}, {"X-Call-Id", "call-42"}, {"x-lower-case", "v"}},
       .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  ASSERT_EQ(r->status, 200);
  auto env = lines_of(r->body);
  EXPECT_TRUE(env.contains("Http_Method=POST")) << r->body;
  EXPECT_TRUE(env.contains("Http_Path=/fn/sub dir")) << r->body;
  EXPECT_TRUE(env.contains("Http_Query=a=1&b=two")) << r->body;
  EXPECT_TRUE(env.contains("Http_Content_Type=text/plain")) << r->body;
  EXPECT_TRUE(env.contains("Http_X_Call_Id=call-42")) << r->body;
  EXPECT_TRUE(env.contains("Http_X_Lower_Case=v")) << r->body;
  // of-watchdog's fork modes do not export the classic watchdog's length variables.
  for (const auto& line : env) EXPECT_FALSE(line.starts_with("Http_ContentLength=")) << line;
}

TEST_F(StreamingTest, ExecTimeoutAnswers504) {
  auto wd = start({{"fprocess", "sleep 30"}, {"exec_timeout", "500ms"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_TRUE(r->has_header("X-OpenFaaS-Internal"));
  EXPECT_NE(r->body.find("exec_timeout"), std::string::npos) << r->body;
}

TEST_F(StreamingTest, ExecTimeoutKillsTheWholeProcessGroup) {
  const std::string pid_file = fixtures().file("background.pid");
  auto fn = shell_function(fixtures(), "spawns.sh",
                           "sleep 300 </dev/null >/dev/null 2>&1 &\n"
                           "echo $! > \"$1\"\n"
                           "sleep 300\n");
  auto wd = start({{"fprocess", fn + " " + pid_file}, {"exec_timeout", "1s"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 504);
  pid_t background = 0;
  std::ifstream(pid_file) >> background;
  ASSERT_GT(background, 1) << "the function did not record its background pid";
  EXPECT_TRUE(wait_process_gone(background)) << "background sleep " << background << " survived";
  if (!process_gone(background)) ::kill(background, SIGKILL);
}

TEST_F(StreamingTest, BackgroundProcessLeftBehindIsKilledAfterTheResponse) {
  auto fn = shell_function(fixtures(), "leaves.sh",
                           "sleep 300 </dev/null >/dev/null 2>&1 &\n"
                           "echo $!\n");
  auto wd = start({{"fprocess", fn}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = ""});
  ASSERT_TRUE(r) << error_text(r);
  ASSERT_EQ(r->status, 200);
  pid_t background = std::atoi(r->body.c_str());
  ASSERT_GT(background, 1) << r->body;
  EXPECT_TRUE(wait_process_gone(background)) << "background sleep " << background << " survived";
  if (!process_gone(background)) ::kill(background, SIGKILL);
}

TEST_F(StreamingTest, FailureBeforeOutputAnswers500WithStderrTail) {
  auto fn = shell_function(fixtures(), "crash.sh",
                           "echo 'boom: cannot parse input' >&2\n"
                           "exit 3\n");
  auto wd = start({{"fprocess", fn}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("exit status 3"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("boom: cannot parse input"), std::string::npos) << r->body;
}

TEST_F(StreamingTest, FailureAfterOutputCutsTheResponseShort) {
  // The 200 is already on the wire; the only honest signal left is an incomplete chunked body.
  auto fn = shell_function(fixtures(), "partial.sh", "echo partial\nexit 1\n");
  auto wd = start({{"fprocess", fn}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  ASSERT_TRUE(c->send({.method = "POST", .body = "x"}));
  auto head = c->read_head();
  ASSERT_TRUE(head) << error_text(head);
  EXPECT_EQ(head->status, 200);
  auto body = c->read_body();
  EXPECT_FALSE(body) << "a failed function produced a complete body: " << *body;
}

TEST_F(StreamingTest, FunctionThatNeverReadsStdinStillAnswersALargeBody) {
  auto wd = start({{"fprocess", "echo not-reading"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  const std::uint64_t size = 32ull << 20;
  ASSERT_TRUE(c->send_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) +
                          "\r\n\r\n"));
  // The upload may be cut off once the watchdog has answered; that is fine.
  std::thread writer([&] {
    PatternSource source(size);
    for (auto piece = source(); !piece.empty(); piece = source()) {
      if (!c->send_raw(piece)) break;
    }
  });
  auto r = c->read_response();
  writer.join();
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "not-reading\n");
}

TEST_F(StreamingTest, SlowClientSendingAndReadingSlowlyGetsEverything) {
  auto wd = start({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  // Small enough that the reader's pace throttles the watchdog, large enough to dodge delayed-ACK
  // stalls that would only make the test slow.
  c->set_receive_buffer(32 * 1024);
  ASSERT_TRUE(c->send_chunked_head({.method = "POST"}));
  const std::uint64_t size = 1 << 20;
  std::thread writer([&] {
    PatternSource source(size, 16 * 1024);
    for (auto piece = source(); !piece.empty(); piece = source()) {
      if (!c->send_chunk(piece)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a slow uploader
    }
    (void)c->end_chunks();
  });
  auto head = c->read_head();
  PatternVerifier verifier;
  bool complete = false;
  while (head) {
    auto piece = c->read_body_piece(4096);
    if (!piece) break;
    if (piece->empty()) {
      complete = true;
      break;
    }
    verifier.consume(*piece);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a slow reader
  }
  writer.join();
  ASSERT_TRUE(head) << error_text(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(complete);
  EXPECT_EQ(verifier.received(), size);
  EXPECT_TRUE(verifier.ok()) << "first bad byte at " << verifier.first_mismatch();
}

TEST_F(StreamingTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto wd = start({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  for (int i = 0; i < 3; ++i) {
    std::string body = "request " + std::to_string(i);
    auto r = c->round_trip({.method = "POST", .body = body});
    ASSERT_TRUE(r) << "request " << i << ": " << error_text(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, body);
    EXPECT_TRUE(r->keep_alive());
  }
}

}  // namespace
}  // namespace faas::test
