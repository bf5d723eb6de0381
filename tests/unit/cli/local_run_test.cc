#include "faas/cli/local_run.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace faas::cli {
namespace {

LocalRun hello() { return {"hello", "me/hello:1", {{"fprocess", "cat"}, {"A", "1"}}, 8081}; }

TEST(LocalRun, DockerPublishesOnLoopbackOnly) {
  EXPECT_EQ(
      docker_run_command("/usr/bin/docker", hello()),
      (std::vector<std::string>{"/usr/bin/docker", "run", "--rm", "-i", "-p", "127.0.0.1:8081:8080",
                                "-e", "A=1", "-e", "fprocess=cat", "me/hello:1"}));
}

TEST(LocalRun, BuildahRunsOnTheHostsLoopbackAtThePort) {
  EXPECT_EQ(
      buildah_run_command("/usr/bin/buildah", "c1", hello(), {"fwatchdog"}),
      (std::vector<std::string>{"/usr/bin/buildah", "run", "--network", "host", "--env", "A=1",
                                "--env", "bind_address=127.0.0.1", "--env", "fprocess=cat", "--env",
                                "port=8081", "c1", "--", "fwatchdog"}));
  LocalRun own = hello();
  own.env["port"] = "9000";  // the function's own -e port wins
  auto argv = buildah_run_command("buildah", "c1", own, {"x"});
  EXPECT_NE(std::find(argv.begin(), argv.end(), "port=9000"), argv.end());
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "port=8081"), argv.end());
}

TEST(LocalRun, ImageCommandIsEntrypointThenCmd) {
  auto c =
      image_command(R"({"Type":"buildah 0.0.1","OCIv1":{"config":{"Entrypoint":["/tini","--"],)"
                    R"("Cmd":["fwatchdog"],"Env":["PATH=/bin"]}}})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(*c, (std::vector<std::string>{"/tini", "--", "fwatchdog"}));
  auto cmd_only = image_command(R"({"OCIv1":{"config":{"Cmd":["/bin/sh","-c","x"]}}})");
  ASSERT_TRUE(cmd_only);
  EXPECT_EQ(*cmd_only, (std::vector<std::string>{"/bin/sh", "-c", "x"}));
  EXPECT_FALSE(image_command(R"({"OCIv1":{"config":{}}})"));
  EXPECT_FALSE(image_command("not json"));
}

}  // namespace
}  // namespace faas::cli
