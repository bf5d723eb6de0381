// fwatchdog facing bad or unusual clients: garbage, oversized headers, HTTP/1.0, early hang-ups.
#include <thread>

#include "test_helpers.h"

namespace faas::test {
namespace {

class MalformedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wd_ = start_watchdog({{"mode", "streaming"}, {"fprocess", "cat"}});
    ASSERT_TRUE(wd_);
  }
  // Sends raw bytes (from a thread: the server may answer and hang up before taking them all)
  // and returns everything the server says until it closes the connection.
  Result<std::string> exchange_raw(std::string bytes) {
    auto c = HttpConnection::connect(wd_->port());
    if (!c) return c.error();
    std::thread writer([&] { (void)c->send_raw(bytes); });
    auto reply = c->read_until_close();
    writer.join();
    return reply;
  }
  void expect_still_serving() {
    auto r = http_request(wd_->port(), {.method = "POST", .body = "still alive"});
    ASSERT_TRUE(r) << error_text(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "still alive");
  }

  std::unique_ptr<WatchdogProcess> wd_;
};

TEST_F(MalformedTest, GarbageGets400AndTheConnectionCloses) {
  auto reply = exchange_raw(std::string("\x01\x02\xff garbage \x7f\r\n\r\n", 17));
  ASSERT_TRUE(reply) << error_text(reply);
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 400 ")) << *reply;
  expect_still_serving();
}

TEST_F(MalformedTest, InvalidContentLengthGets400) {
  auto reply = exchange_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n");
  ASSERT_TRUE(reply) << error_text(reply);
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 400 ")) << *reply;
}

TEST_F(MalformedTest, HeaderOverOneMebibyteIsRejected) {
  std::string big(1536 * 1024, 'a');
  auto reply = exchange_raw("GET /_/health HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  ASSERT_TRUE(reply) << error_text(reply);
  ASSERT_GE(reply->size(), 12u) << *reply;
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 4")) << reply->substr(0, 200);
  EXPECT_FALSE(reply->starts_with("HTTP/1.1 200")) << reply->substr(0, 200);
  expect_still_serving();
}

TEST_F(MalformedTest, LargeHeadersUnderTheLimitAreAccepted) {
  Headers many;
  for (int i = 0; i < 12; ++i)
    many.emplace_back("X-Big-" + std::to_string(i), std::string(60 * 1024, 'b'));
  auto r = http_request(wd_->port(), {.target = "/_/health", .headers = many});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(MalformedTest, SingleHeaderValueBeyond64KiBIsRejectedNotFatal) {
  // Within the 1 MiB header limit, but more than one field can hold (Beast keeps 16-bit lengths).
  auto reply = exchange_raw(
      "GET /_/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'v') + "\r\n\r\n");
  ASSERT_TRUE(reply) << error_text(reply);
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 4")) << reply->substr(0, 200);
  expect_still_serving();
}

TEST_F(MalformedTest, Http10RequestsWork) {
  auto health = exchange_raw("GET /_/health HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(health) << error_text(health);
  EXPECT_TRUE(health->starts_with("HTTP/1.0 200 ")) << *health;
  EXPECT_TRUE(health->ends_with("\r\n\r\nOK")) << *health;

  auto c = HttpConnection::connect(wd_->port());
  ASSERT_TRUE(c) << error_text(c);
  auto r = c->round_trip({.method = "POST", .body = "one-oh body", .version = "HTTP/1.0"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->version, "HTTP/1.0");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "one-oh body");
  EXPECT_FALSE(r->has_header("Transfer-Encoding")) << "chunked is not HTTP/1.0";
}

TEST_F(MalformedTest, ClientHangingUpMidBodyLeavesTheServerHealthy) {
  for (int i = 0; i < 3; ++i) {
    auto c = HttpConnection::connect(wd_->port());
    ASSERT_TRUE(c) << error_text(c);
    ASSERT_TRUE(c->send_chunked_head({.method = "POST"}));
    ASSERT_TRUE(c->send_chunk("partial body"));
  }  // each connection closes here, mid-body
  auto c = HttpConnection::connect(wd_->port());
  ASSERT_TRUE(c) << error_text(c);
  ASSERT_TRUE(c->send_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly some"));
  c->shutdown_write();
  EXPECT_TRUE(c->wait_closed(kWaitTimeout));
  expect_still_serving();
}

}  // namespace
}  // namespace faas::test
