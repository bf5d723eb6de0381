// fwatchdog mode=serializing: the body is read whole, the function's whole output becomes one
// response with Content-Length, so failures can still be reported with a status code.
#include "test_helpers.h"

namespace faas::test {
namespace {

class SerializingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("serializing");
    ASSERT_TRUE(d) << error_text(d);
    fixtures_.emplace(std::move(*d));
  }
  std::unique_ptr<WatchdogProcess> start(Environment env) {
    env["mode"] = "serializing";
    return start_watchdog(std::move(env));
  }
  std::optional<TempDir> fixtures_;
};

TEST_F(SerializingTest, AnswersTheWholeOutputWithContentLength) {
  auto wd = start({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  std::string body(100 * 1024, 'z');
  body.front() = 'a';
  body.back() = 'b';
  auto r = http_request(wd->port(), {.method = "POST", .body = body});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, body);
  EXPECT_EQ(r->header("Content-Length").value_or(""), std::to_string(body.size()));
  EXPECT_FALSE(r->has_header("Transfer-Encoding"));
  EXPECT_TRUE(r->has_header("X-Duration-Seconds"));
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/octet-stream");
}

TEST_F(SerializingTest, NonZeroExitAnswers500WithExitStatus) {
  auto fn =
      shell_function(*fixtures_, "fail.sh", "echo some output\necho why it failed >&2\nexit 7\n");
  auto wd = start({{"fprocess", fn}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_TRUE(r->body.starts_with("exit status 7\n")) << r->body;
  EXPECT_NE(r->body.find("why it failed"), std::string::npos) << "no stderr tail: " << r->body;
}

TEST_F(SerializingTest, ExecTimeoutAnswers504) {
  auto wd = start({{"fprocess", "sleep 30"}, {"exec_timeout", "500ms"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_TRUE(r->has_header("X-OpenFaaS-Internal"));
}

TEST_F(SerializingTest, OutputBeyondMaxBufferedBodyIsAnError) {
  auto wd = start({{"fprocess", "cat"}, {"max_buffered_body", "65536"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.method = "POST", .body = std::string(200 * 1024, 'q')});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("max_buffered_body"), std::string::npos) << r->body;
}

TEST_F(SerializingTest, CgiEnvironmentIsInjected) {
  auto wd = start({{"fprocess", "env"}});
  ASSERT_TRUE(wd);
  auto r = http_request(
      wd->port(),
      {.method = "PUT", .target = "/p?q=1", .headers = {{"X-Call-Id", "abc"}}, .body = "b"});
  ASSERT_TRUE(r) << error_text(r);
  ASSERT_EQ(r->status, 200);
  auto env = lines_of(r->body);
  EXPECT_TRUE(env.contains("Http_Method=PUT")) << r->body;
  EXPECT_TRUE(env.contains("Http_Path=/p")) << r->body;
  EXPECT_TRUE(env.contains("Http_Query=q=1")) << r->body;
  EXPECT_TRUE(env.contains("Http_X_Call_Id=abc")) << r->body;
}

}  // namespace
}  // namespace faas::test
