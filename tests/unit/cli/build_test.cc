#include "faas/cli/build.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "faas/cli/app.h"

#include "test_util.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Build : public ::testing::Test {
 protected:
  Build() {
    templates_.write("py/template.yml",
                     "language: py\nfprocess: python3 index.py\nbuild_options:\n"
                     "  - name: dev\n    packages: [gcc, make]\n  - name: curl\n"
                     "    packages: [curl]\n");
    templates_.write("py/Dockerfile", "FROM scratch\n");
    templates_.write("py/index.py", "import handler\n");
    templates_.write("py/function/handler.py", "skeleton\n");
    templates_.write("py/function/requirements.txt", "\n");
    project_.write("fn/handler.py", "mine\n");
    project_.write("common/util.py", "util\n");
    stack_.dir = project_.path();
    stack_.copy = {"common"};
  }

  StackFunction fn() const {
    StackFunction f{.name = "fn", .lang = "py", .handler = "./fn", .image = "me/fn:1"};
    f.build_options = {"dev"};
    f.build_args = {{"A", "stack"}};
    return f;
  }

  TempDir templates_;
  TempDir project_;
  Stack stack_;
};

TEST_F(Build, ShrinkwrapOverlaysTheHandlerOnTheTemplate) {
  project_.write("build/fn/stale.txt", "old");
  auto plan = shrinkwrap(fn(), stack_, {templates_.path()}, {{"A", "flag"}, {"B", "x"}}, {"curl"});
  ASSERT_TRUE(plan) << plan.error().message();
  fs::path ctx = project_.path() / "build" / "fn";
  EXPECT_EQ(plan->context, ctx);
  EXPECT_EQ(plan->image, "me/fn:1");
  EXPECT_FALSE(fs::exists(ctx / "stale.txt"));
  EXPECT_EQ(slurp(ctx / "Dockerfile"), "FROM scratch\n");
  EXPECT_EQ(slurp(ctx / "index.py"), "import handler\n");
  EXPECT_EQ(slurp(ctx / "function" / "handler.py"), "mine\n");
  EXPECT_TRUE(fs::exists(ctx / "function" / "requirements.txt"));
  EXPECT_EQ(slurp(ctx / "function" / "common" / "util.py"), "util\n");
  EXPECT_EQ(plan->build_args,
            (api::StringMap{{"A", "flag"}, {"ADDITIONAL_PACKAGE", "gcc make curl"}, {"B", "x"}}));
}

TEST_F(Build, DockerfileLanguageUsesTheHandlerFolderAsContext) {
  project_.write("img/Dockerfile", "FROM scratch\n");
  StackFunction f{.name = "img", .lang = "dockerfile", .handler = "./img", .image = "img:1"};
  stack_.copy.clear();
  auto plan = shrinkwrap(f, stack_, {templates_.path()}, {}, {});
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(slurp(plan->context / "Dockerfile"), "FROM scratch\n");
}

TEST_F(Build, ReportsWhatIsMissing) {
  StackFunction f = fn();
  f.build_options = {"gpu"};
  auto bad_option = shrinkwrap(f, stack_, {templates_.path()}, {}, {});
  ASSERT_FALSE(bad_option);
  EXPECT_EQ(bad_option.error().message(), "build option gpu is not defined by template py");
  f = fn();
  f.handler = "./absent";
  EXPECT_FALSE(shrinkwrap(f, stack_, {templates_.path()}, {}, {}));
  f = fn();
  f.lang = "cobol";
  EXPECT_FALSE(shrinkwrap(f, stack_, {templates_.path()}, {}, {}));
}

TEST(Builder, CommandLines) {
  BuildPlan plan{"fn", "me/fn:1", "/p/build/fn", {{"B", "2"}, {"A", "1"}}};
  EXPECT_EQ(builder_command("/usr/bin/buildah", plan, false),
            (std::vector<std::string>{"/usr/bin/buildah", "bud", "-t", "me/fn:1", "--layers",
                                      "--force-rm", "--build-arg", "A=1", "--build-arg", "B=2",
                                      "/p/build/fn"}));
  EXPECT_EQ(builder_command("/usr/bin/buildah", plan, true),
            (std::vector<std::string>{"/usr/bin/buildah", "bud", "-t", "me/fn:1", "--layers",
                                      "--force-rm", "--no-cache", "--build-arg", "A=1",
                                      "--build-arg", "B=2", "/p/build/fn"}));
  EXPECT_EQ(builder_command("/usr/bin/docker", plan, true),
            (std::vector<std::string>{"/usr/bin/docker", "build", "-t", "me/fn:1", "--no-cache",
                                      "--build-arg", "A=1", "--build-arg", "B=2", "/p/build/fn"}));
}

// A stand-in builder on PATH that records its arguments and exits with $FAKE_EXIT.
fs::path fake_builder(const TempDir& dir, const std::string& name) {
  fs::path script = dir.write("bin/" + name,
                              "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$FAKE_ARGS\"\n"
                              "exit \"${FAKE_EXIT:-0}\"\n");
  ::chmod(script.c_str(), 0755);
  return script;
}

TEST(Builder, FoundOnPathBuildahFirst) {
  TempDir dir;
  Environment env{{"PATH", (dir.path() / "bin").string()}};
  auto found = [&](std::string_view requested) {
    auto r = find_builder(requested, env);
    return r ? *r : "error: " + r.error().message();
  };
  EXPECT_FALSE(find_builder("", env));
  fake_builder(dir, "docker");
  EXPECT_EQ(found(""), (dir.path() / "bin" / "docker").string());
  fake_builder(dir, "buildah");
  EXPECT_EQ(found(""), (dir.path() / "bin" / "buildah").string());
  EXPECT_EQ(found("docker"), (dir.path() / "bin" / "docker").string());
  EXPECT_FALSE(find_builder("kaniko", env));
}

TEST_F(Build, CommandRunsTheBuilderPerFunction) {
  fake_builder(project_, "buildah");
  project_.write("stack.yaml",
                 "provider: {name: openfaas}\nfunctions:\n"
                 "  fn: {lang: py, handler: ./fn, image: me/fn:1}\n"
                 "  skipped: {lang: py, handler: ./fn, image: x, skip_build: true}\n");
  Environment env{{"PATH", (project_.path() / "bin").string()},
                  {"FAAS_TEMPLATE_DIR", templates_.path().string()},
                  {"FAKE_ARGS", (project_.path() / "args.txt").string()}};
  std::istringstream in;
  std::ostringstream out, err;
  ASSERT_EQ(run({"build", "-b", "K=V"}, env, Io{in, out, err}, project_.path()), 0) << err.str();
  EXPECT_EQ(slurp(project_.path() / "args.txt"),
            "bud\n-t\nme/fn:1\n--layers\n--force-rm\n--build-arg\nK=V\n" +
                (project_.path() / "build" / "fn").string() + "\n");
  EXPECT_NE(out.str().find("Skipping build of: skipped."), std::string::npos) << out.str();

  env["FAKE_EXIT"] = "3";
  EXPECT_EQ(run({"build", "--filter", "fn"}, env, Io{in, out, err}, project_.path()), 1);
  EXPECT_NE(err.str().find("exited with 3"), std::string::npos) << err.str();

  std::ostringstream out2, err2;
  env["PATH"] = "/nonexistent";
  ASSERT_EQ(run({"build", "--shrinkwrap"}, env, Io{in, out2, err2}, project_.path()), 0)
      << err2.str();
  EXPECT_TRUE(fs::exists(project_.path() / "build" / "fn" / "function" / "handler.py"));
}

}  // namespace
}  // namespace faas::cli
