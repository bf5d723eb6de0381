#include "faas/core/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>

namespace faas {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

TEST(UniqueFd, DefaultIsInvalid) {
  UniqueFd fd;
  EXPECT_FALSE(fd);
  EXPECT_EQ(fd.get(), -1);
}

TEST(UniqueFd, ClosesOnDestruction) {
  int raw = ::dup(STDERR_FILENO);
  ASSERT_GE(raw, 0);
  { UniqueFd fd(raw); EXPECT_TRUE(fd.valid()); }
  EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveTransfersOwnership) {
  int raw = ::dup(STDERR_FILENO);
  UniqueFd a(raw);
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from state is the contract
  EXPECT_EQ(b.get(), raw);
  UniqueFd c;
  c = std::move(b);
  EXPECT_EQ(c.get(), raw);
  EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFd, ResetClosesThePreviousFd) {
  int first = ::dup(STDERR_FILENO);
  int second = ::dup(STDERR_FILENO);
  UniqueFd fd(first);
  fd.reset(second);
  EXPECT_FALSE(is_open(first));
  EXPECT_EQ(fd.get(), second);
}

TEST(UniqueFd, ReleaseGivesUpOwnership) {
  int raw = ::dup(STDERR_FILENO);
  {
    UniqueFd fd(raw);
    EXPECT_EQ(fd.release(), raw);
    EXPECT_FALSE(fd);
  }
  EXPECT_TRUE(is_open(raw));
  ::close(raw);
}

TEST(Pipe, BothEndsCloexecAndConnected) {
  auto p = Pipe::create();
  ASSERT_TRUE(p);
  EXPECT_TRUE(::fcntl(p->read.get(), F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(::fcntl(p->write.get(), F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(::write(p->write.get(), "hi", 2), 2);
  p->write.reset();
  char buf[8];
  EXPECT_EQ(::read(p->read.get(), buf, sizeof buf), 2);
  EXPECT_EQ(::read(p->read.get(), buf, sizeof buf), 0);  // EOF: the write end is closed
}

}  // namespace
}  // namespace faas
