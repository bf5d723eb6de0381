#include "faas/os/child_process.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <exception>
#include <string>

namespace faas::os {
namespace {

SpawnOptions sh(std::string script) { return {.argv = {"/bin/sh", "-c", std::move(script)}}; }

// Reads fd until EOF, or returns nullopt if no EOF arrives within the timeout (a writer survives).
std::optional<std::string> read_to_eof(int fd, int timeout_ms = 5000) {
  std::string out;
  char buf[256];
  for (;;) {
    pollfd p{.fd = fd, .events = POLLIN};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

TEST(ExitStatus, DescribeUsesGoWording) {
  EXPECT_EQ((ExitStatus{.code = 3}).describe(), "exit status 3");
  EXPECT_EQ((ExitStatus{.code = -1, .signal = SIGKILL}).describe(), "signal: killed");
  EXPECT_EQ((ExitStatus{.code = -1, .signal = SIGTERM}).describe(), "signal: terminated");
  EXPECT_TRUE((ExitStatus{}).success());
  EXPECT_FALSE((ExitStatus{.code = 1}).success());
}

TEST(ChildProcess, ReportsExitCode) {
  auto child = ChildProcess::spawn(sh("exit 3"));
  ASSERT_TRUE(child) << child.error().message();
  ExitStatus s = child->wait();
  EXPECT_EQ(s.code, 3);
  EXPECT_EQ(s.signal, 0);
  EXPECT_EQ(s.describe(), "exit status 3");
  EXPECT_TRUE(child->exited());
}

TEST(ChildProcess, ReportsKillSignal) {
  auto child = ChildProcess::spawn(sh("kill -9 $$"));
  ASSERT_TRUE(child);
  ExitStatus s = child->wait();
  EXPECT_EQ(s.signal, SIGKILL);
  EXPECT_EQ(s.describe(), "signal: killed");
}

TEST(ChildProcess, UsesExplicitEnvironmentAndStdout) {
  auto out = Pipe::create();
  ASSERT_TRUE(out);
  auto opts = sh("printf '%s' \"$GREETING\"; echo oops >&2");
  opts.env = {"GREETING=hello"};
  opts.stdout_fd = out->write.get();
  auto child = ChildProcess::spawn(opts);
  ASSERT_TRUE(child);
  out->write.reset();
  EXPECT_EQ(read_to_eof(out->read.get()), "hello");  // stderr went to /dev/null, not stdout
  EXPECT_TRUE(child->wait().success());
}

TEST(ChildProcess, SpawnErrors) {
  EXPECT_FALSE(ChildProcess::spawn({}));
  EXPECT_FALSE(ChildProcess::spawn({.argv = {""}}));
  auto missing = ChildProcess::spawn({.argv = {"/nonexistent/faas-no-such-binary"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, std::errc::no_such_file_or_directory);
}

TEST(ChildProcess, TryWaitIsNonBlocking) {
  auto in = Pipe::create();
  ASSERT_TRUE(in);
  auto opts = sh("read line; exit 4");
  opts.stdin_fd = in->read.get();
  auto child = ChildProcess::spawn(opts);
  ASSERT_TRUE(child);
  EXPECT_EQ(child->try_wait(), std::nullopt);  // blocked on stdin
  in->write.reset();
  EXPECT_EQ(child->wait().code, 4);
  EXPECT_EQ(child->try_wait()->code, 4);
}

TEST(ChildProcess, GroupKillReachesBackgroundedGrandchild) {
  auto out = Pipe::create();
  ASSERT_TRUE(out);
  auto opts = sh("sleep 1000 & echo started; wait");
  opts.stdout_fd = out->write.get();
  auto child = ChildProcess::spawn(opts);
  ASSERT_TRUE(child);
  out->write.reset();
  char buf[8];
  ASSERT_EQ(::read(out->read.get(), buf, sizeof buf), 8);  // "started\n": the grandchild runs
  child->kill_group(SIGKILL);
  EXPECT_EQ(child->wait().signal, SIGKILL);
  // The backgrounded sleep held the pipe's write end too: EOF means it died with the group.
  EXPECT_EQ(read_to_eof(out->read.get()), "");
}

TEST(ChildProcess, DestructorKillsGrandchildrenLeftInGroup) {
  auto out = Pipe::create();
  ASSERT_TRUE(out);
  auto opts = sh("sleep 1000 & exit 0");
  opts.stdout_fd = out->write.get();
  {
    auto child = ChildProcess::spawn(opts);
    ASSERT_TRUE(child);
    out->write.reset();
    EXPECT_TRUE(child->wait().success());  // the leader exited; its sleep lives on in the group
  }
  EXPECT_EQ(read_to_eof(out->read.get()), "");
}

TEST(ChildProcess, DestructorKillsAndReaps) {
  pid_t pid = -1;
  {
    auto child = ChildProcess::spawn(sh("exec sleep 1000"));
    ASSERT_TRUE(child);
    pid = child->pid();
    EXPECT_FALSE(child->exited());
  }
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // already reaped: not ours any more
  EXPECT_EQ(errno, ECHILD);
}

TEST(ChildProcess, MovedFromOwnsNothing) {
  auto child = ChildProcess::spawn(sh("exit 5"));
  ASSERT_TRUE(child);
  ChildProcess owner = std::move(*child);
  EXPECT_EQ(child->pid(), -1);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(owner.wait().code, 5);
}

TEST(ChildProcess, AsyncWaitCompletesOnTheIoContext) {
  auto in = Pipe::create();
  ASSERT_TRUE(in);
  auto opts = sh("read line; exit 7");
  opts.stdin_fd = in->read.get();
  auto child = ChildProcess::spawn(opts);
  ASSERT_TRUE(child);
  boost::asio::io_context io;
  std::optional<ExitStatus> status;
  boost::asio::co_spawn(io, child->async_wait(io.get_executor()),
                        [&](std::exception_ptr e, ExitStatus s) {
                          EXPECT_FALSE(e);
                          status = s;
                        });
  // Runs after async_wait has started waiting on the pidfd: let the child finish now.
  boost::asio::post(io, [&] { in->write.reset(); });
  io.run();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 7);
}

TEST(SplitCommand, SplitsOnWhitespaceWithoutQuoting) {
  EXPECT_EQ(split_command("python3  index.py  --flag"),
            (std::vector<std::string>{"python3", "index.py", "--flag"}));
  EXPECT_EQ(split_command("sh -c 'echo hi'"),
            (std::vector<std::string>{"sh", "-c", "'echo", "hi'"}));
  EXPECT_TRUE(split_command("   ").empty());
}

}  // namespace
}  // namespace faas::os
