// LogFiles::path_for and reads without follow, over real files.
#include <sys/stat.h>

#include "fixture.h"

namespace faas::logfiles::test {
namespace {

using ::testing::ElementsAre;

TEST_F(LogFilesTest, PathForCreatesPrivateDirectoriesAndAnEmptyFile) {
  std::string p = path("figlet", "figlet-1");
  EXPECT_EQ(p, root_ + "/logs/openfaas-fn/figlet/figlet-1.log");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 0);
  for (auto dir : {root_ + "/logs", root_ + "/logs/openfaas-fn", root_ + "/logs/openfaas-fn/figlet"}) {
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u) << dir;
  }
  // A restarted replica appends to what is there.
  append(p, "kept\n");
  EXPECT_EQ(path("figlet", "figlet-1"), p);
  EXPECT_EQ(file_size(p), 5u);
}

TEST_F(LogFilesTest, PathForRejectsPathTricks) {
  for (auto [ns, fn, inst] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"", "f", "i"}, {"ns", "a/b", "i"}, {"ns", "f", ".."}, {"..", "f", "i"},
           {"ns", ".hidden", "i"}, {"ns", "f", std::string("a\0b", 3)}}) {
    auto p = files_->path_for(ns, fn, inst);
    EXPECT_FALSE(p) << ns << "/" << fn << "/" << inst;
  }
  EXPECT_FALSE(std::filesystem::exists(root_ + "/b"));
}

TEST_F(LogFilesTest, MessagesOfAllInstancesInTimeOrder) {
  std::time_t t0 = std::time(nullptr) - 100;
  std::string a = path("fn", "fn-a"), b = path("fn", "fn-b");
  append(a, go_time(t0) + "a1\n" + go_time(t0 + 2) + "a3\n" + go_time(t0 + 4) + "a5\n");
  append(b, go_time(t0 + 1) + "b2\n" + go_time(t0 + 3) + "b4\n");
  path("other", "other-1");
  append(path("other", "other-1"), go_time(t0) + "not ours\n");
  auto got = read_all(request("fn"));
  EXPECT_THAT(texts(got), ElementsAre("a1", "b2", "a3", "b4", "a5"));
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[1].instance, "fn-b");
  EXPECT_EQ(got[1].name, "fn");
  EXPECT_EQ(got[1].namespace_, "openfaas-fn");
  EXPECT_EQ(got[1].timestamp, std::chrono::system_clock::from_time_t(t0 + 1));
}

TEST_F(LogFilesTest, UntimedLinesTakeThePreviousTimeOrTheFileMtime) {
  std::time_t t0 = std::time(nullptr) - 100;
  std::string a = path("fn", "fn-a");
  append(a, "before any timestamp\n" + go_time(t0) + "timed\n" + "traceback line\n");
  set_mtime(a, t0 + 50);
  for (long long tail : {-1LL, 10LL}) {  // forward and backward readers agree
    auto r = request("fn");
    r.tail = tail;
    auto got = read_all(r);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].timestamp, std::chrono::system_clock::from_time_t(t0 + 50)) << tail;
    EXPECT_EQ(got[1].timestamp, std::chrono::system_clock::from_time_t(t0)) << tail;
    EXPECT_EQ(got[2].timestamp, std::chrono::system_clock::from_time_t(t0)) << tail;
    EXPECT_EQ(got[2].text, "traceback line");
  }
}

TEST_F(LogFilesTest, SinceTailAndInstanceFilters) {
  std::time_t t0 = std::time(nullptr) - 100;
  std::string a = path("fn", "fn-a"), b = path("fn", "fn-b");
  for (int i = 0; i < 10; i += 2) append(a, go_time(t0 + i) + "a" + std::to_string(i) + "\n");
  for (int i = 1; i < 10; i += 2) append(b, go_time(t0 + i) + "b" + std::to_string(i) + "\n");

  auto since = request("fn");
  since.since = std::chrono::system_clock::from_time_t(t0 + 6);
  EXPECT_THAT(texts(read_all(since)), ElementsAre("a6", "b7", "a8", "b9"));

  auto tail = request("fn");
  tail.tail = 3;
  EXPECT_THAT(texts(read_all(tail)), ElementsAre("b7", "a8", "b9"));

  auto both = request("fn");
  both.tail = 10;
  both.since = std::chrono::system_clock::from_time_t(t0 + 7);
  EXPECT_THAT(texts(read_all(both)), ElementsAre("b7", "a8", "b9"));

  auto one = request("fn");
  one.instance = "fn-a";
  one.tail = 2;
  EXPECT_THAT(texts(read_all(one)), ElementsAre("a6", "a8"));

  auto none = request("fn");
  none.instance = "fn-zzz";
  EXPECT_TRUE(read_all(none).empty());
  EXPECT_TRUE(read_all(request("no-such-function")).empty());
}

TEST_F(LogFilesTest, RotatedCopiesAreReadFirstAndALineCutByRotationIsWhole) {
  std::time_t t0 = std::time(nullptr) - 100;
  std::string a = path("fn", "fn-a");
  append(a + ".2", go_time(t0) + "oldest\n");
  append(a + ".1", go_time(t0 + 1) + "older\n" + go_time(t0 + 2) + "cut ");
  append(a, "in two\n" + go_time(t0 + 3) + "newest\n");
  EXPECT_THAT(texts(read_all(request("fn"))), ElementsAre("oldest", "older", "cut in two", "newest"));
  auto tail = request("fn");
  tail.tail = 3;
  EXPECT_THAT(texts(read_all(tail)), ElementsAre("older", "cut in two", "newest"));
}

TEST_F(LogFilesTest, APartialLastLineWaitsWhileItsInstanceIsLive) {
  std::time_t t0 = std::time(nullptr) - 100;
  std::string a = path("fn", "fn-a");
  append(a, go_time(t0) + "done\n" + go_time(t0 + 1) + "half a li");
  for (long long tail : {-1LL, 5LL}) {
    auto r = request("fn");
    r.tail = tail;
    EXPECT_THAT(texts(read_all(r)), ElementsAre("done")) << tail;
  }
  files_->maintain({a});  // live: still held back
  EXPECT_THAT(texts(read_all(request("fn"))), ElementsAre("done"));
  files_->maintain({});  // gone: the line will never be finished
  for (long long tail : {-1LL, 5LL}) {
    auto r = request("fn");
    r.tail = tail;
    EXPECT_THAT(texts(read_all(r)), ElementsAre("done", "half a li")) << tail;
  }
}

TEST_F(LogFilesTest, BadNamesAreErrors) {
  bool done = false;
  provider::LogRequest r;
  r.function = provider::FunctionRef{"../etc", "openfaas-fn"};
  provider::LogSink sink = [](const api::LogMessage&) -> net::awaitable<bool> { co_return true; };
  net::co_spawn(io_, files_->read(r, sink), [&](std::exception_ptr, Result<void> res) {
    EXPECT_FALSE(res);
    done = true;
  });
  io_.run();
  EXPECT_TRUE(done);
}

TEST_F(LogFilesTest, TheSinkSayingNoEndsTheRead) {
  std::string a = path("fn", "fn-a");
  for (int i = 0; i < 5; ++i) append(a, "line\n");
  int calls = 0;
  bool done = false;
  provider::LogSink sink = [&calls](const api::LogMessage&) -> net::awaitable<bool> {
    co_return ++calls < 2;
  };
  net::co_spawn(io_, files_->read(request("fn"), sink), [&](std::exception_ptr, Result<void> res) {
    EXPECT_TRUE(res);
    done = true;
  });
  io_.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(calls, 2);
}

TEST_F(LogFilesTest, RemoveFunctionDeletesItsFiles) {
  std::string a = path("fn", "fn-a");
  append(a, "x\n");
  files_->remove_function("openfaas-fn", "fn");
  EXPECT_FALSE(std::filesystem::exists(a));
  EXPECT_TRUE(read_all(request("fn")).empty());
}

}  // namespace
}  // namespace faas::logfiles::test
