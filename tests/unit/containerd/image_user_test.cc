// numeric_user: an image's configured user resolved against its own passwd and group files.
#include "faas/containerd/image_user.h"

#include <gtest/gtest.h>

namespace faas::containerd {
namespace {

constexpr std::string_view kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "app:x:1000:1001::/home/app:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
constexpr std::string_view kGroup = "root:x:0:\napp:x:1001:\nstaff:x:50:app\n";

TEST(NumericUser, NameTakesUidAndPrimaryGidFromPasswd) {
  EXPECT_EQ(numeric_user("app", kPasswd, kGroup).value(), "1000:1001");
  EXPECT_EQ(numeric_user("root", kPasswd, kGroup).value(), "0:0");
}

TEST(NumericUser, GroupByNameOrNumber) {
  EXPECT_EQ(numeric_user("app:staff", kPasswd, kGroup).value(), "1000:50");
  EXPECT_EQ(numeric_user("app:7", kPasswd, kGroup).value(), "1000:7");
  EXPECT_EQ(numeric_user("1000:staff", kPasswd, kGroup).value(), "1000:50");
}

TEST(NumericUser, NumericUidUsesItsPasswdEntryElseGroupZero) {
  EXPECT_EQ(numeric_user("65534", kPasswd, kGroup).value(), "65534:65534");
  EXPECT_EQ(numeric_user("4242", kPasswd, kGroup).value(), "4242:0");
  EXPECT_EQ(numeric_user("4242", "", "").value(), "4242:0");
}

TEST(NumericUser, UnknownNamesAreErrorsNamingThem) {
  auto r = numeric_user("ghost", kPasswd, kGroup);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("'ghost'"), std::string::npos) << r.error().message();
  r = numeric_user("app:nogroup", kPasswd, kGroup);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("'nogroup'"), std::string::npos) << r.error().message();
  EXPECT_FALSE(numeric_user("app", "", ""));
  EXPECT_FALSE(numeric_user("app", "garbage without colons\n::\n", ""));
}

}  // namespace
}  // namespace faas::containerd
