// Follows: appended lines, new instances, partial lines, stop(), cancellation.
#include "fixture.h"

namespace faas::logfiles::test {
namespace {

using ::testing::ElementsAre;

TEST_F(LogFilesTest, FollowSeesAppendedLinesAndNewInstances) {
  make_files(Config{.dir = root_ + "/logs", .poll = 10ms});
  std::time_t t0 = std::time(nullptr) - 100;
  std::string a = path("fn", "fn-a");
  append(a, go_time(t0) + "history\n");
  auto r = request("fn");
  r.tail = 1;
  auto f = start_follow(r);
  ASSERT_TRUE(run_until([&] { return f->got.size() == 1; }));
  append(a, go_time(t0 + 1) + "appended\n");
  ASSERT_TRUE(run_until([&] { return f->got.size() == 2; }));
  std::string b = path("fn", "fn-b");
  append(b, go_time(t0 + 2) + "new instance\n");
  ASSERT_TRUE(run_until([&] { return f->got.size() == 3; }));
  EXPECT_THAT(texts(f->got), ElementsAre("history", "appended", "new instance"));
  EXPECT_EQ(f->got[2].instance, "fn-b");
  EXPECT_FALSE(f->done);
  files_->stop();
  ASSERT_TRUE(run_until([&] { return f->done; }));
  ASSERT_TRUE(f->result && *f->result);
}

TEST_F(LogFilesTest, FollowHoldsAPartialLineUntilItIsCompleteOrStopped) {
  make_files(Config{.dir = root_ + "/logs", .poll = 10ms});
  std::string a = path("fn", "fn-a");
  append(a, "first\nsecond ha");
  auto f = start_follow(request("fn"));
  ASSERT_TRUE(run_until([&] { return f->got.size() == 1; }));
  append(a, "lf\nthird, no newline yet");
  ASSERT_TRUE(run_until([&] { return f->got.size() == 2; }));
  EXPECT_EQ(f->got[1].text, "second half");
  // Some polls later the partial line is still not out (it may yet be finished).
  for (int polls = 0; polls < 5; ++polls) io_.run_for(10ms);
  EXPECT_EQ(f->got.size(), 2u);
  files_->stop();
  ASSERT_TRUE(run_until([&] { return f->done; }));
  EXPECT_THAT(texts(f->got), ElementsAre("first", "second half", "third, no newline yet"));
}

TEST_F(LogFilesTest, FollowEmitsThePartialLineOfAnInstanceThatIsGone) {
  make_files(Config{.dir = root_ + "/logs", .poll = 10ms});
  std::string a = path("fn", "fn-a");
  files_->maintain({a});
  append(a, "panic: no newline");
  auto f = start_follow(request("fn"));
  for (int polls = 0; polls < 5; ++polls) io_.run_for(10ms);
  EXPECT_TRUE(f->got.empty());
  files_->maintain({});
  ASSERT_TRUE(run_until([&] { return f->got.size() == 1; }));
  EXPECT_EQ(f->got[0].text, "panic: no newline");
  f->cancel.emit(net::cancellation_type::terminal);
  ASSERT_TRUE(run_until([&] { return f->done; }));
}

TEST_F(LogFilesTest, FollowedUntimedLinesTakeThePreviousLinesTime) {
  make_files(Config{.dir = root_ + "/logs", .poll = 10ms});
  std::time_t t0 = std::time(nullptr) - 100;
  std::string a = path("fn", "fn-a");
  append(a, go_time(t0) + "panic: boom\n");
  for (long long tail : {-1LL, 1LL}) {  // after the forward and after the backward reader
    auto r = request("fn");
    r.tail = tail;
    auto f = start_follow(r);
    ASSERT_TRUE(run_until([&] { return f->got.size() == 1; }));
    append(a, "goroutine 1 [running]:\n");
    ASSERT_TRUE(run_until([&] { return f->got.size() == 2; }));
    EXPECT_EQ(f->got[1].text, "goroutine 1 [running]:");
    EXPECT_EQ(f->got[1].timestamp, std::chrono::system_clock::from_time_t(t0)) << tail;
    f->cancel.emit(net::cancellation_type::terminal);
    ASSERT_TRUE(run_until([&] { return f->done; }));
  }
}

TEST_F(LogFilesTest, CancellingAFollowEndsIt) {
  make_files(Config{.dir = root_ + "/logs", .poll = 10ms});
  path("fn", "fn-a");
  auto f = start_follow(request("fn"));
  io_.run_for(20ms);
  EXPECT_FALSE(f->done);
  f->cancel.emit(net::cancellation_type::terminal);
  ASSERT_TRUE(run_until([&] { return f->done; }));
  ASSERT_TRUE(f->result && *f->result);
}

TEST_F(LogFilesTest, FollowOfAFunctionWithoutFilesWaitsForThem) {
  make_files(Config{.dir = root_ + "/logs", .poll = 10ms});
  auto f = start_follow(request("later"));
  io_.run_for(30ms);
  append(path("later", "later-1"), "hello\n");
  ASSERT_TRUE(run_until([&] { return f->got.size() == 1; }));
  EXPECT_EQ(f->got[0].text, "hello");
  EXPECT_EQ(f->got[0].instance, "later-1");
  f->keep_going = false;  // the client goes away at the next message
  append(path("later", "later-1"), "bye\n");
  ASSERT_TRUE(run_until([&] { return f->done; }));
}

TEST_F(LogFilesTest, DestroyingTheLogFilesEndsItsFollows) {
  make_files(Config{.dir = root_ + "/logs", .poll = 10ms});
  path("fn", "fn-a");
  auto f = start_follow(request("fn"));
  io_.run_for(20ms);
  files_.reset();
  ASSERT_TRUE(run_until([&] { return f->done; }));
}

}  // namespace
}  // namespace faas::logfiles::test
