// fwatchdog limits: max_inflight (faas-middleware's 429), read/write/exec timeouts.
#include "test_helpers.h"

namespace faas::test {
namespace {

// A streaming request through `cat` that stays in flight until finish() ends its body.
class OpenRequest {
 public:
  static Result<OpenRequest> start(std::uint16_t port, std::string first_piece) {
    auto c = HttpConnection::connect(port);
    if (!c) return c.error();
    if (auto r = c->send_chunked_head({.method = "POST"}); !r) return r.error();
    if (auto r = c->send_chunk(first_piece); !r) return r.error();
    return OpenRequest(std::move(*c));
  }
  Result<Response> finish(std::string last_piece) {
    if (auto r = c_.send_chunk(last_piece); !r) return r.error();
    if (auto r = c_.end_chunks(); !r) return r.error();
    return c_.read_response();
  }

 private:
  explicit OpenRequest(HttpConnection c) : c_(std::move(c)) {}
  HttpConnection c_;
};

TEST(LimitsTest, MaxInflightAnswers429AndReadyReportsSaturation) {
  auto wd = start_watchdog({{"mode", "streaming"}, {"fprocess", "cat"}, {"max_inflight", "2"}});
  ASSERT_TRUE(wd);
  auto a = OpenRequest::start(wd->port(), "a1 ");
  ASSERT_TRUE(a) << error_text(a);
  auto b = OpenRequest::start(wd->port(), "b1 ");
  ASSERT_TRUE(b) << error_text(b);
  ASSERT_TRUE(wd->wait_for_status("/_/ready", 429)) << "two open requests never saturated it";

  auto rejected = http_request(wd->port(), {.method = "POST", .body = "c"});
  ASSERT_TRUE(rejected) << error_text(rejected);
  EXPECT_EQ(rejected->status, 429);
  EXPECT_EQ(rejected->body, "Concurrent request limit exceeded. Max concurrent requests: 2\n");
  EXPECT_EQ(rejected->header("X-OpenFaaS-Internal").value_or(""), "faas-middleware");
  EXPECT_TRUE(rejected->header("Content-Type").value_or("").starts_with("text/plain"));
  auto health = http_request(wd->port(), {.target = "/_/health"});
  ASSERT_TRUE(health) << error_text(health);
  EXPECT_EQ(health->status, 200) << "health must bypass the limiter";

  auto ra = a->finish("a2");
  auto rb = b->finish("b2");
  ASSERT_TRUE(ra) << error_text(ra);
  ASSERT_TRUE(rb) << error_text(rb);
  EXPECT_EQ(ra->status, 200);
  EXPECT_EQ(ra->body, "a1 a2");
  EXPECT_EQ(rb->body, "b1 b2");

  EXPECT_TRUE(wd->wait_for_status("/_/ready", 200));
  auto after = http_request(wd->port(), {.method = "POST", .body = "d"});
  ASSERT_TRUE(after) << error_text(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "d");
}

TEST(LimitsTest, ReadTimeoutClosesAStalledRequestHeader) {
  auto wd = start_watchdog({{"fprocess", "cat"}, {"read_timeout", "500ms"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  ASSERT_TRUE(c->send_raw("POST / HTTP/1.1\r\nHost: x\r\n"));  // ...and nothing more
  EXPECT_TRUE(c->wait_closed(kWaitTimeout)) << "the half-sent request was kept open";
}

TEST(LimitsTest, WriteTimeoutFreesTheSlotOfAClientThatStopsReading) {
  // `yes` writes forever; the client reads the head and then nothing. Only write_timeout can end
  // the request (exec_timeout is off), which frees the single max_inflight slot again.
  auto wd = start_watchdog({{"mode", "streaming"},
                            {"fprocess", "yes"},
                            {"max_inflight", "1"},
                            {"exec_timeout", "0"},
                            {"write_timeout", "2s"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  c->set_receive_buffer(4096);
  ASSERT_TRUE(c->send({.method = "POST", .body = ""}));
  auto head = c->read_head();
  ASSERT_TRUE(head) << error_text(head);
  EXPECT_EQ(head->status, 200);
  ASSERT_TRUE(wd->wait_for_status("/_/ready", 429));
  EXPECT_TRUE(wd->wait_for_status("/_/ready", 200)) << "the stuck response never timed out";
}

TEST(LimitsTest, ExecTimeoutAfterOutputTruncatesTheStream) {
  auto dir = TempDir::create("limits");
  ASSERT_TRUE(dir) << error_text(dir);
  auto fn = shell_function(*dir, "slow.sh", "echo started\nexec sleep 30\n");
  auto wd = start_watchdog({{"mode", "streaming"}, {"fprocess", fn}, {"exec_timeout", "500ms"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  ASSERT_TRUE(c->send({.method = "POST", .body = ""}));
  auto head = c->read_head();
  ASSERT_TRUE(head) << error_text(head);
  EXPECT_EQ(head->status, 200);
  auto first = c->read_body_piece();
  ASSERT_TRUE(first) << error_text(first);
  EXPECT_EQ(*first, "started\n");
  auto rest = c->read_body();
  EXPECT_FALSE(rest) << "a killed function's response ended cleanly";
}

}  // namespace
}  // namespace faas::test
