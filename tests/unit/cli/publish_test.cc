// push, up and deploy --image oci-archive: in-process against an Imposter gateway, with a
// stand-in buildah/docker on PATH that records its arguments (the real builders are exercised by
// tests/integration/cli).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "faas/api/json.h"
#include "faas/cli/app.h"
#include "faas/cli/build.h"
#include "faas/cli/process.h"

#include "support/imposter.h"
#include "test_util.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;
using test::Imposter;
using test::Reply;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Records "$*" per call; `push IMG oci-archive:FILE:REF` writes "ARCHIVE" to FILE, `save -o FILE`
// (docker) too; exits with $FAKE_EXIT.
constexpr const char* kFakeEngine = R"sh(#!/bin/sh
printf '%s %s\n' "$(basename "$0")" "$*" >> "$FAKE_LOG"
case "$3" in oci-archive:*) f=${3#oci-archive:}; printf 'ARCHIVE' > "${f%%:*}";; esac
[ "$1" = save ] && printf 'ARCHIVE' > "$3"
exit "${FAKE_EXIT:-0}"
)sh";

class Publish : public ::testing::Test {
 protected:
  Publish() {
    for (const char* name : {"buildah", "docker"}) {
      fs::path p = dir_.write(std::string("bin/") + name, kFakeEngine);
      ::chmod(p.c_str(), 0755);
    }
    dir_.write("hello/Dockerfile", "FROM scratch\n");
    dir_.write("stack.yaml",
               "version: 1.0\nprovider: {name: openfaas}\nfunctions:\n"
               "  hello: {lang: dockerfile, handler: ./hello, image: 'hello:0.1'}\n"
               "  reg: {lang: dockerfile, handler: ./hello, image: '127.0.0.1:5000/me/reg:1'}\n");
    env_ = {{"PATH", (dir_.path() / "bin").string() + ":/usr/bin:/bin"},
            {"HOME", (dir_.path() / "home").string()},
            {"OPENFAAS_URL", gw_.url()},
            {"FAKE_LOG", (dir_.path() / "log").string()}};
    gw_.when("POST", "/system/images", Reply::json(200, R"({"image":"docker.io/library/x:1"})"));
    gw_.when("PUT", "/system/functions", Reply::text(200, ""));
  }

  int cli(std::vector<std::string> args) {
    std::istringstream in;
    out_.str("");
    err_.str("");
    return run(args, env_, Io{in, out_, err_}, dir_.path());
  }
  std::string log() const { return slurp(dir_.path() / "log"); }
  std::vector<std::string> calls() const {
    std::vector<std::string> out;
    for (const auto& r : gw_.requests()) out.push_back(r.method + " " + r.target);
    return out;
  }

  testing::TempDir dir_;
  Imposter gw_;
  Environment env_;
  std::ostringstream out_, err_;
};

TEST_F(Publish, PushSendsRegistryImagesAndUploadsLocalOnes) {
  ASSERT_EQ(cli({"push", "--token", "t0k"}), 0) << err_.str();
  std::string log_text = log();
  EXPECT_NE(log_text.find("buildah push --tls-verify=false 127.0.0.1:5000/me/reg:1\n"),
            std::string::npos)
      << log_text;
  EXPECT_NE(log_text.find("buildah push hello:0.1 oci-archive:"), std::string::npos) << log_text;
  auto reqs = gw_.requests();
  ASSERT_EQ(reqs.size(), 1u);  // only the local image goes to the gateway
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, "/system/images");
  EXPECT_EQ(reqs[0].query_param("name"), "hello:0.1");
  EXPECT_EQ(reqs[0].query_param("namespace"), std::nullopt);
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/x-tar");
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer t0k");
  EXPECT_EQ(reqs[0].body, "ARCHIVE");
  EXPECT_NE(out_.str().find("Uploaded: hello:0.1 as docker.io/library/x:1."), std::string::npos)
      << out_.str();
}

TEST_F(Publish, ProgressIsOneRedrawnLineOnATerminalOnly) {
  std::istringstream in;
  std::ostringstream out, err;
  ASSERT_EQ(run({"push", "--filter", "hello"}, env_, Io{in, out, err, true}, dir_.path()), 0)
      << err.str();
  EXPECT_NE(err.str().find("\rUploading hello:0.1 0.0 MiB / 0.0 MiB (100%)"), std::string::npos)
      << err.str();
  EXPECT_EQ(err.str().back(), '\n');
  ASSERT_EQ(cli({"push", "--filter", "hello"}), 0);
  EXPECT_EQ(err_.str(), "");  // not a terminal: the plain Uploading/Uploaded lines on out only
  EXPECT_NE(out_.str().find("Uploading: hello:0.1 (0.0 MiB) to " + gw_.url() + ".\n"),
            std::string::npos)
      << out_.str();
}

TEST_F(Publish, ViaGatewayUploadsRegistryImagesTooAndKeepsTheNamespace) {
  ASSERT_EQ(cli({"push", "--via-gateway", "--filter", "reg", "-n", "team"}), 0) << err_.str();
  auto reqs = gw_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].query_param("name"), "127.0.0.1:5000/me/reg:1");
  EXPECT_EQ(reqs[0].query_param("namespace"), "team");
  EXPECT_EQ(log().find("--tls-verify"), std::string::npos);
}

TEST_F(Publish, UploadFailuresAreOneClearLine) {
  gw_.when("POST", "/system/images", Reply::text(501, "not implemented\n"));
  EXPECT_EQ(cli({"push", "--filter", "hello"}), 1);
  EXPECT_NE(err_.str().find("Error: upload hello:0.1: 501 Not Implemented: the gateway has no "
                            "image store"),
            std::string::npos)
      << err_.str();
  gw_.when("POST", "/system/images", Reply::text(413, "too large\n"));
  EXPECT_EQ(cli({"push", "--filter", "hello"}), 1);
  EXPECT_EQ(err_.str(),
            "Error: upload hello:0.1: 413 image archive too large for the gateway (7 bytes): too "
            "large\n");
  gw_.when("POST", "/system/images", Reply::text(400, "bad archive: no index.json\n"));
  EXPECT_EQ(cli({"push", "--filter", "hello"}), 1);
  EXPECT_EQ(err_.str(), "Error: upload hello:0.1: 400 Bad Request: bad archive: no index.json\n");
  gw_.when("POST", "/system/images", Reply::json(200, "{}"));
  EXPECT_EQ(cli({"push", "--filter", "hello"}), 1);
  EXPECT_EQ(err_.str(), "Error: upload hello:0.1: bad response: {}\n");
}

TEST_F(Publish, EngineFailuresAndChoice) {
  env_["FAKE_EXIT"] = "2";
  EXPECT_EQ(cli({"push", "--filter", "reg"}), 1);
  EXPECT_NE(err_.str().find("Error: push 127.0.0.1:5000/me/reg:1: " +
                            (dir_.path() / "bin" / "buildah").string() + " exited with 2"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(cli({"push", "--filter", "hello"}), 1);
  EXPECT_NE(err_.str().find("was it built?"), std::string::npos) << err_.str();
  EXPECT_TRUE(gw_.requests().empty());

  env_.erase("FAKE_EXIT");
  env_["FAAS_BUILD_ENGINE"] = "docker";
  ASSERT_EQ(cli({"push"}), 0) << err_.str();
  EXPECT_NE(log().find("docker push 127.0.0.1:5000/me/reg:1\n"), std::string::npos) << log();
  EXPECT_NE(log().find("docker save -o "), std::string::npos) << log();
  env_["FAAS_BUILD_ENGINE"] = "podman";
  EXPECT_EQ(cli({"push"}), 1);
  EXPECT_EQ(err_.str(),
            "Error: --engine (or FAAS_BUILD_ENGINE) must be buildah or docker, not "
            "podman\n");
  EXPECT_EQ(cli({"push", "--tag", "sha"}), 1);  // not a git repository
  EXPECT_NE(err_.str().find("--tag needs a git repository"), std::string::npos) << err_.str();
}

TEST_F(Publish, UpBuildsUploadsAndDeploys) {
  ASSERT_EQ(cli({"up", "--filter", "hello", "-e", "K=V"}), 0) << err_.str();
  EXPECT_NE(log().find("buildah bud -t hello:0.1"), std::string::npos) << log();
  EXPECT_EQ(calls(), (std::vector<std::string>{"POST /system/images?name=hello%3A0.1",
                                               "PUT /system/functions"}));
  auto d = api::parse_deployment(gw_.requests()[1].body);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->image, "hello:0.1");  // deployed by the name as written
  EXPECT_EQ(d->env_vars.at("K"), "V");

  ASSERT_EQ(cli({"up", "--filter", "hello", "--skip-push"}), 0) << err_.str();
  ASSERT_EQ(cli({"up", "--filter", "hello", "--skip-deploy"}), 0) << err_.str();
  EXPECT_EQ(calls().size(), 4u);  // one PUT, then one upload
  EXPECT_EQ(calls()[2], "PUT /system/functions");
  EXPECT_EQ(calls()[3], "POST /system/images?name=hello%3A0.1");

  env_["FAKE_EXIT"] = "1";  // a failed build stops before anything reaches the gateway
  EXPECT_EQ(cli({"up", "--filter", "hello"}), 1);
  EXPECT_EQ(calls().size(), 4u);
}

TEST_F(Publish, BuildRunsInParallelAndRenamesWithTag) {
  ASSERT_EQ(cli({"build", "--parallel", "2"}), 0) << err_.str();
  EXPECT_NE(log().find("buildah bud -t hello:0.1"), std::string::npos) << log();
  EXPECT_NE(log().find("buildah bud -t 127.0.0.1:5000/me/reg:1"), std::string::npos) << log();
  EXPECT_NE(out_.str().find("Image: hello:0.1 built."), std::string::npos);
  EXPECT_NE(out_.str().find("Image: 127.0.0.1:5000/me/reg:1 built."), std::string::npos);
  EXPECT_EQ(cli({"build", "--parallel", "0"}), 1);
}

TEST_F(Publish, BuildPullsTheStackTemplatesItLacks) {
  dir_.write("tsrc/template/mylang/template.yml", "language: mylang\n");
  dir_.write("tsrc/template/mylang/Dockerfile", "FROM scratch\n");
  dir_.write("mine/handler.sh", "x\n");
  dir_.write("t.yaml",
             "version: 1.0\nprovider: {name: openfaas}\nfunctions:\n"
             "  m: {lang: mylang, handler: ./mine, image: 'm:1'}\n"
             "configuration:\n  templates:\n    - name: mylang\n      source: " +
                 (dir_.path() / "tsrc").string() + "\n");
  env_["FAAS_TEMPLATE_DIR"] = (dir_.path() / "none").string();
  EXPECT_EQ(cli({"build", "-f", "t.yaml", "--disable-stack-pull"}), 1);
  EXPECT_NE(err_.str().find("template mylang not found"), std::string::npos) << err_.str();
  ASSERT_EQ(cli({"build", "-f", "t.yaml"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Pulling template: mylang"), std::string::npos) << out_.str();
  EXPECT_TRUE(fs::exists(dir_.path() / "build" / "m" / "function" / "handler.sh"));
  EXPECT_NE(log().find("buildah bud -t m:1"), std::string::npos) << log();
  ASSERT_EQ(cli({"build", "-f", "t.yaml"}), 0) << err_.str();  // already there: no pull
  EXPECT_EQ(out_.str().find("Pulling template"), std::string::npos) << out_.str();
}

TEST_F(Publish, DeployAnOciArchiveUploadsItFirst) {
  dir_.write("layout/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  dir_.write(
      "layout/index.json",
      R"({"manifests":[{"annotations":{"org.opencontainers.image.ref.name":"hello:0.3"}}]})");
  auto tar = capture_process({"/bin/tar", "-C", (dir_.path() / "layout").string(), "-cf",
                              (dir_.path() / "hello.tar").string(), "oci-layout", "index.json"},
                             env_);
  ASSERT_TRUE(tar && tar->exit_code == 0);
  ASSERT_EQ(
      cli({"deploy", "--image", "oci-archive:hello.tar", "--name", "fn", "--fprocess", "cat"}), 0)
      << err_.str();
  auto reqs = gw_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].query_param("name"), "hello:0.3");
  EXPECT_EQ(reqs[0].body, slurp(dir_.path() / "hello.tar"));
  auto d = api::parse_deployment(reqs[1].body);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->service, "fn");
  EXPECT_EQ(d->image, "hello:0.3");

  EXPECT_EQ(cli({"deploy", "--image", "oci-archive:hello.tar"}), 1);
  EXPECT_EQ(err_.str(), "Error: --image oci-archive:PATH needs --name\n");
  EXPECT_EQ(cli({"deploy", "--image", "oci-archive:absent.tar", "--name", "fn"}), 1);
  EXPECT_NE(err_.str().find("cannot open"), std::string::npos) << err_.str();
  EXPECT_EQ(gw_.requests().size(), 2u);
}

}  // namespace
}  // namespace faas::cli
