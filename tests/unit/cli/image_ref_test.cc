#include "faas/cli/image_ref.h"

#include <gtest/gtest.h>

#include "faas/cli/process.h"

#include "test_util.h"

namespace faas::cli {
namespace {

TEST(ImageRef, RegistryHostAsDockerReadsIt) {
  EXPECT_EQ(registry_host("127.0.0.1:5000/fn:1"), "127.0.0.1:5000");
  EXPECT_EQ(registry_host("ghcr.io/me/fn"), "ghcr.io");
  EXPECT_EQ(registry_host("localhost/fn"), "localhost");
  EXPECT_EQ(registry_host("me/fn:1"), "");  // Docker Hub
  EXPECT_EQ(registry_host("fn:1"), "");
}

TEST(ImageRef, LoopbackRegistries) {
  EXPECT_TRUE(is_loopback_registry("127.0.0.1:5000"));
  EXPECT_TRUE(is_loopback_registry("127.1.2.3"));
  EXPECT_TRUE(is_loopback_registry("localhost:5000"));
  EXPECT_TRUE(is_loopback_registry("[::1]:5000"));
  EXPECT_FALSE(is_loopback_registry("ghcr.io"));
  EXPECT_FALSE(is_loopback_registry("128.0.0.1:5000"));
  EXPECT_FALSE(is_loopback_registry(""));
}

TEST(ImageRef, LocalOnlyImagesHaveNoRepositoryPath) {
  EXPECT_TRUE(is_local_only("hello"));
  EXPECT_TRUE(is_local_only("hello:0.1"));
  EXPECT_TRUE(is_local_only("localhost/hello:0.1"));
  EXPECT_FALSE(is_local_only("me/hello"));
  EXPECT_FALSE(is_local_only("127.0.0.1:5000/hello"));
  EXPECT_FALSE(is_local_only("localhost:5000/hello"));
}

TEST(ImageRef, TagIsNotARegistryPort) {
  EXPECT_EQ(image_tag("fn:1"), "1");
  EXPECT_EQ(image_tag("127.0.0.1:5000/fn"), "");
  EXPECT_EQ(image_tag("127.0.0.1:5000/fn:2"), "2");
  EXPECT_EQ(image_tag("fn"), "");
}

TEST(ImageRef, TagFormatsAsOpenFaas) {
  GitVersion git{.sha = "abc1234", .branch = "main", .describe = "v1.0-2-gabc1234"};
  EXPECT_EQ(tagged_image("me/fn", TagFormat::kLatest, git), "me/fn");
  EXPECT_EQ(tagged_image("me/fn", TagFormat::kSha, git), "me/fn:latest-abc1234");
  EXPECT_EQ(tagged_image("me/fn:0.2", TagFormat::kSha, git), "me/fn:0.2-abc1234");
  EXPECT_EQ(tagged_image("127.0.0.1:5000/fn", TagFormat::kBranch, git),
            "127.0.0.1:5000/fn:latest-main-abc1234");
  EXPECT_EQ(tagged_image("fn:1", TagFormat::kDescribe, git), "fn:1-v1.0-2-gabc1234");
  EXPECT_TRUE(parse_tag_format("sha"));
  EXPECT_TRUE(parse_tag_format(""));
  auto bad = parse_tag_format("md5");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "--tag must be latest, sha, branch, describe or digest, not md5");
}

TEST(ImageRef, DigestReplacesTheTag) {
  GitVersion none;
  std::string d = "0d875f8a44c46ffbd8f47f9351180623";
  auto format = parse_tag_format("digest");
  ASSERT_TRUE(format && *format == TagFormat::kDigest);
  EXPECT_EQ(tagged_image("me/fn", TagFormat::kDigest, none, d), "me/fn:" + d);
  EXPECT_EQ(tagged_image("me/fn:0.2", TagFormat::kDigest, none, d), "me/fn:" + d);
  EXPECT_EQ(tagged_image("127.0.0.1:5000/fn", TagFormat::kDigest, none, d),
            "127.0.0.1:5000/fn:" + d);
  EXPECT_EQ(tagged_image("127.0.0.1:5000/fn:1", TagFormat::kDigest, none, d),
            "127.0.0.1:5000/fn:" + d);
  EXPECT_TRUE(read_git_version(TagFormat::kDigest, "/nonexistent", {}));  // asks no git
}

Environment git_env(const testing::TempDir& home) {
  return {{"PATH", "/usr/bin:/bin"},   {"HOME", home.path().string()},
          {"GIT_AUTHOR_NAME", "t"},    {"GIT_AUTHOR_EMAIL", "t@example.invalid"},
          {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.invalid"}};
}

int git(const std::vector<std::string>& args, const std::filesystem::path& dir,
        const Environment& env) {
  std::vector<std::string> argv{"/usr/bin/git", "-C", dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = capture_process(argv, env);
  return r ? r->exit_code : -1;
}

TEST(ImageRef, ReadsTheVersionFromGit) {
  testing::TempDir repo;
  Environment env = git_env(repo);
  ASSERT_EQ(git({"init", "-q", "-b", "feature"}, repo.path(), env), 0);
  repo.write("f.txt", "x");
  ASSERT_EQ(git({"add", "f.txt"}, repo.path(), env), 0);
  ASSERT_EQ(git({"commit", "-q", "-m", "one"}, repo.path(), env), 0);
  ASSERT_EQ(git({"tag", "v0.3"}, repo.path(), env), 0);
  auto head = capture_process(
      {"/usr/bin/git", "-C", repo.path().string(), "rev-parse", "--short", "HEAD"}, env);
  ASSERT_TRUE(head);
  std::string sha = head->out.substr(0, head->out.find('\n'));

  auto branch = read_git_version(TagFormat::kBranch, repo.path(), env);
  ASSERT_TRUE(branch) << branch.error().message();
  EXPECT_EQ(branch->sha, sha);
  EXPECT_EQ(branch->branch, "feature");
  auto describe = read_git_version(TagFormat::kDescribe, repo.path(), env);
  ASSERT_TRUE(describe) << describe.error().message();
  EXPECT_EQ(describe->describe, "v0.3");
  auto latest = read_git_version(TagFormat::kLatest, "/nonexistent", env);
  EXPECT_TRUE(latest);  // asks nothing

  testing::TempDir not_a_repo;
  auto bad = read_git_version(TagFormat::kSha, not_a_repo.path(), env);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("--tag needs a git repository"), std::string::npos);
}

}  // namespace
}  // namespace faas::cli
