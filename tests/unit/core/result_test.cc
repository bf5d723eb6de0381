#include "faas/core/result.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <stdexcept>

namespace faas {
namespace {

TEST(Error, InvalidArgumentIsItsContextAlone) {
  Error e = invalid_argument("port: not an integer");
  EXPECT_EQ(e.code, std::errc::invalid_argument);
  EXPECT_EQ(e.message(), "port: not an integer");
}

TEST(Error, ErrnoErrorAppendsTheSystemMessage) {
  Error e = errno_error(ENOENT, "open /nope");
  EXPECT_EQ(e.code, std::errc::no_such_file_or_directory);
  EXPECT_EQ(e.message(), "open /nope: " + std::generic_category().message(ENOENT));
}

TEST(Error, EmptyContextIsTheCodeMessage) {
  Error e = errno_error(EPIPE, "");
  EXPECT_EQ(e.message(), std::generic_category().message(EPIPE));
}

TEST(Result, HoldsValueOrError) {
  Result<int> ok = 7;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 7);
  Result<int> bad = invalid_argument("nope");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context, "nope");
}

TEST(Result, ValueOnErrorThrowsWithTheMessage) {
  Result<int> bad = errno_error(EACCES, "bind :80");
  try {
    (void)bad.value();
    FAIL() << "value() did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), bad.error().message());
  }
}

TEST(Result, VoidResult) {
  Result<void> ok;
  EXPECT_TRUE(ok);
  Result<void> bad = make_error(std::make_error_code(std::errc::timed_out), "connect");
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().code, std::errc::timed_out);
}

}  // namespace
}  // namespace faas
