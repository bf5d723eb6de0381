// faas-cli build with the real buildah leaves no working containers behind: a multi-stage build
// whose first stage is only a source (`FROM base AS watchdog`, as every template's watchdog stage)
// kept one container per build in buildah 1.28, and a failed build kept the failing stage's. The
// images are `FROM scratch` with busybox-static, so nothing is pulled. Containers are counted by
// the test's own base image name, so builds others run on this machine at the same time do not
// count.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "faas/cli/app.h"
#include "faas/cli/process.h"

#include "support/spawn.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;

class BuildContainers : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
    if (!find_executable("buildah", env_) || !fs::exists("/bin/busybox")) {
      GTEST_SKIP() << "needs buildah and busybox-static";
    }
    char tmpl[] = "/tmp/cli-build-containers-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_["HOME"] = (dir_ / "home").string();
    std::string id = std::to_string(::getpid());
    base_ = "localhost/cli-it-" + id + "-base:1";
    image_ = "localhost/cli-it-" + id + "-fn:1";
    write("base/Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\n");
    fs::copy_file("/bin/busybox", dir_ / "base" / "busybox");
    ASSERT_EQ(buildah({"bud", "-q", "-t", base_, (dir_ / "base").string()}), 0);
    // The watchdog stage of the templates: a stage that is only a source for COPY --from.
    write("project/fn/Dockerfile",
          "ARG BASE=" + base_ + "\nFROM ${BASE} AS watchdog\n\nFROM ${BASE}\nARG FAIL=\"\"\n" +
              "COPY --from=watchdog /bin/busybox /bin/sh\n" + "COPY handler.sh /handler.sh\n" +
              "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"test -z \\\"$FAIL\\\"\"]\n" +
              "CMD [\"/bin/busybox\", \"sh\", \"/handler.sh\"]\n");
    write("project/fn/handler.sh", "echo hi\n");
    write("project/stack.yaml",
          "provider: {name: openfaas}\nfunctions:\n  fn: {lang: dockerfile, handler: ./fn, "
          "image: " +
              image_ + "}\n");
  }

  void TearDown() override {
    if (dir_.empty()) return;
    for (const auto& c : containers_of_base()) buildah({"rm", c});
    buildah({"rmi", "-f", image_});
    buildah({"rmi", "-f", base_});
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  int buildah(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/buildah");
    auto r = capture_process(args, env_);
    return r ? r->exit_code : -1;
  }
  // The ids of buildah's containers (all of them, podman's too) made from the test's base image.
  std::vector<std::string> containers_of_base() {
    auto r = capture_process(
        {"/usr/bin/buildah", "containers", "-a", "--format", "{{.ContainerID}} {{.ImageName}}"},
        env_);
    std::vector<std::string> ids;
    if (!r) return {"(buildah containers failed)"};
    std::istringstream lines(r->out);
    for (std::string id, image; lines >> id >> image;) {
      if (image == base_) ids.push_back(id);
    }
    return ids;
  }
  bool image_exists(const std::string& name) { return buildah({"inspect", name}) == 0; }
  int cli(const std::vector<std::string>& args) {
    std::istringstream in;
    out_.str("");
    err_.str("");
    return run(args, env_, Io{in, out_, err_}, dir_ / "project");
  }

  fs::path dir_;
  Environment env_;
  std::string base_, image_;
  std::ostringstream out_, err_;
};

TEST_F(BuildContainers, MultiStageBuildsLeaveNoneBehind) {
  ASSERT_TRUE(containers_of_base().empty());
  ASSERT_EQ(cli({"build"}), 0) << err_.str();
  EXPECT_TRUE(image_exists(image_));
  EXPECT_EQ(containers_of_base(), std::vector<std::string>{});
  // A rebuild (from buildah's layer cache) and a --no-cache build: still none, and the source
  // stage's base image survives (buildah 1.28 without --layers deletes it with --no-cache).
  ASSERT_EQ(cli({"build"}), 0) << err_.str();
  ASSERT_EQ(cli({"build", "--no-cache"}), 0) << err_.str();
  EXPECT_EQ(containers_of_base(), std::vector<std::string>{});
  EXPECT_TRUE(image_exists(base_));
  EXPECT_TRUE(image_exists(image_));
}

TEST_F(BuildContainers, AFailedBuildLeavesNoneBehind) {
  EXPECT_EQ(cli({"build", "-b", "FAIL=1"}), 1);
  EXPECT_NE(err_.str().find("build fn: /usr/bin/buildah exited with"), std::string::npos)
      << err_.str();
  EXPECT_EQ(containers_of_base(), std::vector<std::string>{});
  EXPECT_EQ(cli({"build", "--no-cache", "-b", "FAIL=1"}), 1);
  EXPECT_EQ(containers_of_base(), std::vector<std::string>{});
  EXPECT_TRUE(image_exists(base_));
}

}  // namespace
}  // namespace faas::cli
