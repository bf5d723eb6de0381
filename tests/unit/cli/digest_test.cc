#include "faas/cli/digest.h"

#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "faas/cli/app.h"

#include "test_util.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;

// The expected values come from a separate implementation of faas-cli's hashFolder (Python's
// hashlib over the same files), not from this code.
void write_handler(const testing::TempDir& dir) {
  dir.write("fn/handler.py", "def handle(req):\n    return req\n");
  dir.write("fn/requirements.txt", "");
  dir.write("fn/a.txt", "x");  // "a.txt" sorts before "a/b": byte order of the paths
  dir.write("fn/a/b", "y");
}

TEST(FolderDigest, AsFaasCliHashesAHandler) {
  testing::TempDir dir;
  write_handler(dir);
  auto d = folder_digest(dir.path() / "fn");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(*d, "0d875f8a44c46ffbd8f47f9351180623");
}

TEST(FolderDigest, ContentsCountModesAndSymlinksDoNot) {
  testing::TempDir dir;
  write_handler(dir);
  std::string before = *folder_digest(dir.path() / "fn");
  ::chmod((dir.path() / "fn" / "a.txt").c_str(), 0600);
  fs::create_symlink("handler.py", dir.path() / "fn" / "link.py");
  EXPECT_EQ(*folder_digest(dir.path() / "fn"), before);
  dir.write("fn/a/b", "z");
  EXPECT_NE(*folder_digest(dir.path() / "fn"), before);
  fs::create_directories(dir.path() / "empty");
  EXPECT_EQ(*folder_digest(dir.path() / "empty"), "d41d8cd98f00b204e9800998ecf8427e");  // md5("")
  EXPECT_FALSE(folder_digest(dir.path() / "missing"));
}

TEST(Hmac, Sha1AsGoCryptoHmac) {
  // Python: hmac.new(b"yoursecret", b'{"hello":"world"}', hashlib.sha1).hexdigest()
  EXPECT_EQ(hmac_sha1_hex("yoursecret", R"({"hello":"world"})"),
            "550f017cdcddb068987273abf1303e5c9f001a74");
}

// build --tag digest names the image after the handler: a fake buildah records the -t.
TEST(FolderDigest, BuildTagsTheImageWithIt) {
  testing::TempDir dir;
  write_handler(dir);
  dir.write("fn/Dockerfile", "FROM scratch\n");
  dir.write("stack.yaml",
            "provider: {name: openfaas}\nfunctions:\n"
            "  fn: {lang: dockerfile, handler: ./fn, image: me/fn:0.1}\n");
  fs::path fake = dir.write("bin/buildah", "#!/bin/sh\necho \"$@\" > \"$FAKE_ARGS\"\n");
  ::chmod(fake.c_str(), 0755);
  Environment env{{"PATH", (dir.path() / "bin").string()},
                  {"FAKE_ARGS", (dir.path() / "args.txt").string()}};
  std::string digest = *folder_digest(dir.path() / "fn");
  std::istringstream in;
  std::ostringstream out, err;
  ASSERT_EQ(run({"build", "--tag", "digest"}, env, Io{in, out, err}, dir.path()), 0) << err.str();
  EXPECT_NE(out.str().find("Image: me/fn:" + digest + " built."), std::string::npos) << out.str();
  std::ostringstream out2;
  ASSERT_EQ(run({"build", "--tag", "digest", "--shrinkwrap"}, env, Io{in, out2, err}, dir.path()),
            0);
  EXPECT_EQ(*folder_digest(dir.path() / "fn"), digest);  // ./build is not the handler
}

}  // namespace
}  // namespace faas::cli
