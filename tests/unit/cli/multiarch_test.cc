#include "faas/cli/multiarch.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faas/cli/app.h"

#include "test_util.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;
using Argv = std::vector<std::string>;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

BuildPlan plan() { return {"fn", "127.0.0.1:5000/me/fn:0.1", "/p/build/fn", {{"A", "1"}}}; }

TEST(MultiArchPublish, ExtraTagsReplaceTheTag) {
  EXPECT_EQ(extra_tagged("127.0.0.1:5000/me/fn:0.1", {"latest", "v1"}),
            (Argv{"127.0.0.1:5000/me/fn:latest", "127.0.0.1:5000/me/fn:v1"}));
  EXPECT_EQ(extra_tagged("127.0.0.1:5000/me/fn", {"x"}), Argv{"127.0.0.1:5000/me/fn:x"});
}

TEST(MultiArchPublish, BuildahBuildsIntoAListAndPushesItAll) {
  PublishOptions o{.platforms = "linux/amd64", .extra_tags = {"latest"}, .no_cache = false};
  EXPECT_EQ(buildah_publish_commands("/usr/bin/buildah", plan(), o, "localhost/l"),
            (std::vector<Argv>{
                {"/usr/bin/buildah", "bud", "--layers", "--force-rm", "--manifest", "localhost/l",
                 "--platform", "linux/amd64", "--build-arg", "A=1", "/p/build/fn"},
                {"/usr/bin/buildah", "manifest", "push", "--all", "--tls-verify=false",
                 "localhost/l", "docker://127.0.0.1:5000/me/fn:0.1"},
                {"/usr/bin/buildah", "manifest", "push", "--all", "--tls-verify=false",
                 "localhost/l", "docker://127.0.0.1:5000/me/fn:latest"}}));
  // Several platforms: no layer cache (it would merge FROM-scratch platforms into one image).
  o = {.platforms = "linux/amd64,linux/arm64"};
  BuildPlan hub = plan();
  hub.image = "me/fn:0.1";
  auto cmds = buildah_publish_commands("buildah", hub, o, "localhost/l");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0][4], "--no-cache");
  EXPECT_EQ(cmds[1], (Argv{"buildah", "manifest", "push", "--all", "localhost/l",
                           "docker://me/fn:0.1"}));  // TLS stays on for other registries
}

TEST(MultiArchPublish, DockerUsesBuildxPush) {
  PublishOptions o{
      .platforms = "linux/amd64,linux/arm64", .extra_tags = {"latest"}, .no_cache = true};
  EXPECT_EQ(docker_publish_command("docker", plan(), o),
            (Argv{"docker", "buildx", "build", "--platform", "linux/amd64,linux/arm64", "--push",
                  "-t", "127.0.0.1:5000/me/fn:0.1", "-t", "127.0.0.1:5000/me/fn:latest",
                  "--no-cache", "--build-arg", "A=1", "/p/build/fn"}));
}

// The command end to end with a stand-in buildah that records each call.
TEST(MultiArchPublish, CommandRunsEachStepAndRemovesTheList) {
  testing::TempDir dir;
  dir.write("fn/Dockerfile", "FROM scratch\n");
  dir.write("stack.yaml",
            "provider: {name: openfaas}\nfunctions:\n"
            "  fn: {lang: dockerfile, handler: ./fn, image: 127.0.0.1:5000/me/fn:0.1,\n"
            "       platforms: linux/arm64}\n"
            "  local: {lang: dockerfile, handler: ./fn, image: local:1}\n");
  fs::path fake = dir.write("bin/buildah", "#!/bin/sh\necho \"$*\" >> \"$FAKE_LOG\"\n");
  ::chmod(fake.c_str(), 0755);
  Environment env{{"PATH", (dir.path() / "bin").string()},
                  {"FAKE_LOG", (dir.path() / "calls.txt").string()}};
  std::istringstream in;
  std::ostringstream out, err;
  ASSERT_EQ(run({"publish", "--filter", "fn"}, env, Io{in, out, err}, dir.path()), 0) << err.str();
  std::string calls = slurp(dir.path() / "calls.txt");
  std::string list = "localhost/faas-cli-publish-fn-" + std::to_string(::getpid());
  std::string context = (dir.path() / "build" / "fn").string();
  EXPECT_EQ(calls, "bud --layers --force-rm --manifest " + list + " --platform linux/arm64 " +
                       context + "\nmanifest push --all --tls-verify=false " + list +
                       " docker://127.0.0.1:5000/me/fn:0.1\nmanifest rm " + list + "\n");
  EXPECT_NE(out.str().find("Published: 127.0.0.1:5000/me/fn:0.1 (linux/arm64)."), std::string::npos)
      << out.str();

  std::ostringstream out2, err2;
  EXPECT_EQ(run({"publish", "--filter", "local"}, env, Io{in, out2, err2}, dir.path()), 1);
  EXPECT_EQ(err2.str(),
            "Error: publish local: local:1 names no registry repository to push the list to\n");
}

}  // namespace
}  // namespace faas::cli
