#include "faas/cli/watch.h"

#include <csignal>

#include <gtest/gtest.h>
#include <unistd.h>

#include "test_util.h"

namespace faas::cli {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A pipe whose read end stands for "stop" in TreeWatcher::wait.
struct StopPipe {
  int fds[2] = {-1, -1};
  StopPipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~StopPipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
};

class Watch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("a/handler.sh", "v1");
    dir_.write("b/handler.sh", "v1");
    dir_.write("build/a/handler.sh", "v1");
    dir_.write("stack.yaml", "functions: {}");
    dir_.write("other.txt", "x");
    auto w = TreeWatcher::create({dir_.path() / "build", dir_.path() / "template"});
    ASSERT_TRUE(w) << w.error().message();
    watcher_ = std::move(*w);
    ASSERT_TRUE(watcher_->add(dir_.path() / "a", "a"));
    ASSERT_TRUE(watcher_->add(dir_.path() / "b", "b"));
    ASSERT_TRUE(watcher_->add(dir_.path() / "stack.yaml", "stack"));
  }

  std::set<std::string> wait() {
    auto r = watcher_->wait(50ms, stop_.fds[0]);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : std::set<std::string>{};
  }

  testing::TempDir dir_;
  StopPipe stop_;
  std::unique_ptr<TreeWatcher> watcher_;
};

TEST_F(Watch, ReportsTheTreeThatChanged) {
  dir_.write("b/handler.sh", "v2");
  EXPECT_EQ(wait(), (std::set<std::string>{"b"}));
  dir_.write("a/handler.sh", "v2");
  dir_.write("a/handler.sh", "v3");  // a burst is one change
  EXPECT_EQ(wait(), (std::set<std::string>{"a"}));
}

TEST_F(Watch, FollowsNewSubdirectories) {
  fs::create_directories(dir_.path() / "a" / "lib");
  EXPECT_EQ(wait(), (std::set<std::string>{"a"}));
  dir_.write("a/lib/util.sh", "x");
  EXPECT_EQ(wait(), (std::set<std::string>{"a"}));
}

TEST_F(Watch, IgnoresBuildOutputEditorFilesAndOtherFiles) {
  dir_.write("build/a/handler.sh", "v2");  // the stack's build/ is never watched
  dir_.write("a/.handler.sh.swp", "x");
  dir_.write("a/handler.sh~", "x");
  dir_.write("other.txt", "y");  // same directory as the stack file, but not it
  dir_.write("b/handler.sh", "v2");
  EXPECT_EQ(wait(), (std::set<std::string>{"b"}));
  dir_.write("stack.yaml", "functions: {a: {}}");
  EXPECT_EQ(wait(), (std::set<std::string>{"stack"}));
}

TEST_F(Watch, StopsWhenTheStopFdIsReadable) {
  ASSERT_EQ(::write(stop_.fds[1], "x", 1), 1);
  EXPECT_TRUE(wait().empty());
}

TEST(InterruptPipe, SigintBecomesReadable) {
  auto p = InterruptPipe::create();
  ASSERT_TRUE(p) << p.error().message();
  ASSERT_EQ(::raise(SIGINT), 0);  // would end the test binary without the pipe
  char byte = 0;
  EXPECT_EQ(::read((*p)->fd(), &byte, 1), 1);
}

TEST(TreeWatcher, MissingDirectoryIsAnError) {
  auto w = TreeWatcher::create({});
  ASSERT_TRUE(w);
  auto r = (*w)->add("/nonexistent/handler", "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("cannot watch /nonexistent"), std::string::npos);
}

}  // namespace
}  // namespace faas::cli
