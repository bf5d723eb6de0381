// fwatchdog mode=classic: the classic OpenFaaS watchdog's contract (fork per request, whole body
// to stdin, combine_output, marshal_request, cgi_headers, 408 on exec_timeout).
#include <thread>

#include "test_helpers.h"

namespace faas::test {
namespace {

class ClassicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("classic");
    ASSERT_TRUE(d) << error_text(d);
    fixtures_.emplace(std::move(*d));
  }
  std::unique_ptr<WatchdogProcess> start(Environment env) {
    if (!env.contains("mode")) env["mode"] = "classic";
    return start_watchdog(std::move(env));
  }
  std::string both_streams() {
    return shell_function(*fixtures_, "both.sh", "echo to-stdout\necho to-stderr >&2\n");
  }
  std::optional<TempDir> fixtures_;
};

TEST_F(ClassicTest, CombineOutputIsOnByDefault) {
  auto wd = start({{"fprocess", both_streams()}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("to-stdout"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("to-stderr"), std::string::npos) << r->body;
}

TEST_F(ClassicTest, WithoutCombineOutputStderrGoesToTheLog) {
  auto wd = start({{"fprocess", both_streams()}, {"combine_output", "false"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "to-stdout\n");
  EXPECT_TRUE(wd->wait_for_log("to-stderr"));
}

TEST_F(ClassicTest, MarshalRequestWrapsHeadersAndBase64Body) {
  auto wd = start({{"fprocess", "cat"}, {"marshal_request", "true"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(),
                        {.method = "POST", .headers = {{"X-Call-Id", "id-9"}}, .body = "hello"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.starts_with("{\"header\":{\"header\":{")) << r->body;
  EXPECT_NE(r->body.find("\"X-Call-Id\":[\"id-9\"]"), std::string::npos) << r->body;
  // base64("hello") == "aGVsbG8="
  EXPECT_TRUE(r->body.ends_with("\"body\":{\"raw\":\"aGVsbG8=\"}}")) << r->body;
}

TEST_F(ClassicTest, CgiHeadersBecomeEnvironmentVariables) {
  auto wd = start({{"fprocess", "env"}});
  ASSERT_TRUE(wd);
  auto r =
      http_request(wd->port(), {.method = "POST",
                                .target = "/fn/path?x=1&y=2",
                                .headers = {{"Content-Type", "text/plain"}, {"X-Call-Id", "id-1"}},
                                .body = "abc"});
  ASSERT_TRUE(r) << error_text(r);
  ASSERT_EQ(r->status, 200);
  auto env = lines_of(r->body);
  EXPECT_TRUE(env.contains("Http_Method=POST")) << r->body;
  EXPECT_TRUE(env.contains("Http_Path=/fn/path")) << r->body;
  EXPECT_TRUE(env.contains("Http_Query=x=1&y=2")) << r->body;
  EXPECT_TRUE(env.contains("Http_Content_Type=text/plain")) << r->body;
  EXPECT_TRUE(env.contains("Http_X_Call_Id=id-1")) << r->body;
  EXPECT_TRUE(env.contains("Http_ContentLength=3")) << r->body;
  EXPECT_TRUE(env.contains("Http_Content_Length=3")) << r->body;
  EXPECT_TRUE(env.contains("Http_Host=127.0.0.1")) << r->body;
}

TEST_F(ClassicTest, ChunkedRequestHasUnknownContentLength) {
  auto wd = start({{"fprocess", "env"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  ASSERT_TRUE(c->send_chunked_head({.method = "POST"}));
  ASSERT_TRUE(c->send_chunk("abc"));
  ASSERT_TRUE(c->end_chunks());
  auto r = c->read_response();
  ASSERT_TRUE(r) << error_text(r);
  ASSERT_EQ(r->status, 200);
  auto env = lines_of(r->body);
  EXPECT_TRUE(env.contains("Http_ContentLength=-1")) << r->body;
  EXPECT_TRUE(env.contains("Http_Transfer_Encoding=chunked")) << r->body;
}

TEST_F(ClassicTest, WithoutCgiHeadersNoHttpVariables) {
  auto wd = start({{"fprocess", "env"}, {"cgi_headers", "false"}});
  ASSERT_TRUE(wd);
  auto r =
      http_request(wd->port(), {.method = "POST", .headers = {{"X-Call-Id", "i"}}, .body = "a"});
  ASSERT_TRUE(r) << error_text(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_TRUE(lines_of(r->body).contains("mode=classic")) << "not the watchdog's env: " << r->body;
  for (const auto& line : lines_of(r->body)) EXPECT_FALSE(line.starts_with("Http_")) << line;
}

TEST_F(ClassicTest, ExecTimeoutAnswers408KilledProcess) {
  auto wd = start({{"fprocess", "sleep 30"}, {"exec_timeout", "500ms"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->body, "Killed process.\n");
}

TEST_F(ClassicTest, ClassicOnlyVariableSelectsClassicMode) {
  // No `mode`: combine_output only exists in the classic watchdog, so classic semantics apply.
  auto wd = start_watchdog(
      {{"fprocess", "sleep 30"}, {"combine_output", "true"}, {"exec_timeout", "500ms"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 408);
}

TEST_F(ClassicTest, NonZeroExitAnswers500WithStatusAndOutput) {
  auto fn = shell_function(*fixtures_, "fail.sh", "echo partial result\nexit 2\n");
  auto wd = start({{"fprocess", fn}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "exit status 2\npartial result\n");
}

TEST_F(ClassicTest, UnsupportedMethodAnswers405) {
  auto wd = start({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "OPTIONS", .target = "/"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 405);
}

TEST_F(ClassicTest, EchoesRequestContentTypeWhenNoneConfigured) {
  auto wd = start({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  auto r = http_request(
      wd->port(),
      {.method = "POST", .headers = {{"Content-Type", "application/json"}}, .body = "{}"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{}");
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/json");
  EXPECT_TRUE(r->has_header("X-Duration-Seconds"));
}

// A function that exits without reading its input, while the request body is still on its way:
// the body is drained before answering, so the connection stays usable and is not reset.
TEST_F(ClassicTest, FunctionIgnoringItsInputLeavesTheConnectionReusable) {
  auto wd = start({{"fprocess", "echo ignored"}});
  ASSERT_TRUE(wd);
  auto conn = HttpConnection::connect(wd->port());
  ASSERT_TRUE(conn) << error_text(conn);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(conn->send_raw("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the function is done by now
    ASSERT_TRUE(conn->send_raw("hello"));
    auto r = conn->read_response();
    ASSERT_TRUE(r) << "request " << i << ": " << error_text(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ignored\n");
    EXPECT_NE(r->header("Connection").value_or(""), "close") << "request " << i;
  }
}

}  // namespace
}  // namespace faas::test
