// fwatchdog graceful shutdown: SIGTERM -> unhealthy and lock removed -> healthcheck_interval ->
// listener closed -> in-flight requests finish -> exit 0.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test_helpers.h"

namespace faas::test {
namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool listener_closed(std::uint16_t port) {
  return !HttpConnection::connect(port, std::chrono::milliseconds(1000));
}

TEST(ShutdownTest, SigtermDrainsInFlightRequestsAndExitsZero) {
  auto wd =
      start_watchdog({{"mode", "streaming"}, {"fprocess", "cat"}, {"healthcheck_interval", "1s"}});
  ASSERT_TRUE(wd);
  ASSERT_TRUE(file_exists(wd->lock_path()));

  // An in-flight request: its body stays open, and its first piece has come back through `cat`.
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  ASSERT_TRUE(c->send_chunked_head({.method = "POST"}));
  ASSERT_TRUE(c->send_chunk("before "));
  auto head = c->read_head();
  ASSERT_TRUE(head) << error_text(head);
  ASSERT_EQ(head->status, 200);
  auto first = c->read_body_piece();
  ASSERT_TRUE(first) << error_text(first);
  ASSERT_EQ(*first, "before ");

  wd->signal(SIGTERM);
  EXPECT_TRUE(wd->wait_for_status("/_/health", 503)) << "health did not turn 503 after SIGTERM";
  EXPECT_FALSE(file_exists(wd->lock_path())) << "lock file left behind while draining";
  // After healthcheck_interval the listener closes, yet the in-flight request carries on.
  EXPECT_TRUE(eventually([&] { return listener_closed(wd->port()); }));
  EXPECT_TRUE(wd->running());

  ASSERT_TRUE(c->send_chunk("after"));
  ASSERT_TRUE(c->end_chunks());
  auto rest = c->read_body();
  ASSERT_TRUE(rest) << error_text(rest);
  EXPECT_EQ(*rest, "after");

  auto status = wd->wait_exit();
  ASSERT_TRUE(status) << "fwatchdog did not exit after draining";
  ASSERT_TRUE(WIFEXITED(*status)) << "raw wait status " << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

TEST(ShutdownTest, IdleKeepAliveConnectionDoesNotHoldUpExit) {
  auto wd = start_watchdog({{"fprocess", "cat"}, {"healthcheck_interval", "200ms"}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port());
  ASSERT_TRUE(c) << error_text(c);
  auto r = c->round_trip({.method = "POST", .body = "x"});
  ASSERT_TRUE(r) << error_text(r);
  ASSERT_TRUE(r->keep_alive());

  wd->signal(SIGTERM);
  // write_timeout (30 s) bounds in-flight work; an idle connection must not wait for it.
  auto status = wd->wait_exit();
  ASSERT_TRUE(status) << "an idle keep-alive connection blocked the shutdown";
  ASSERT_TRUE(WIFEXITED(*status)) << "raw wait status " << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_TRUE(c->wait_closed(kWaitTimeout));
}

TEST(ShutdownTest, HttpModeStopsTheUpstreamToo) {
  auto port = pick_free_port();
  ASSERT_TRUE(port) << error_text(port);
  auto wd = start_watchdog({{"mode", "http"},
                            {"fprocess", upstream_path() + " --port " + std::to_string(*port)},
                            {"upstream_url", "http://127.0.0.1:" + std::to_string(*port)},
                            {"healthcheck_interval", "200ms"}});
  ASSERT_TRUE(wd);
  auto upstream = wd->upstream_pid();
  ASSERT_TRUE(upstream) << "no 'Started upstream ... pid N' log line";
  ASSERT_FALSE(process_gone(*upstream));

  wd->signal(SIGTERM);
  auto status = wd->wait_exit();
  ASSERT_TRUE(status);
  ASSERT_TRUE(WIFEXITED(*status)) << "raw wait status " << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_TRUE(wait_process_gone(*upstream)) << "upstream outlived the watchdog";
}

}  // namespace
}  // namespace faas::test
