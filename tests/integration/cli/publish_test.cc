// faas-cli publish with the real buildah and Debian's docker-registry on 127.0.0.1: a FROM-scratch
// function is built per platform into a manifest list and pushed; the registry then serves an
// image index under the function's tag (and --extra-tag). Only linux/amd64, this machine's own
// platform, can really run here (no qemu); the two-platform case works only because the
// Dockerfile has no RUN step (busybox stays amd64 in both images: it checks the list, not arm64).
// buildah runs on a private vfs store in the test's directory (CONTAINERS_STORAGE_CONF), so the
// per-platform images it leaves behind go with the directory.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "faas/cli/app.h"
#include "faas/cli/process.h"

#include "registry/registry_fixture.h"
#include "support/http_client.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIndexTypes =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr const char* kImageTypes =
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

class Publish : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
    if (!find_executable("buildah", env_) || !fs::exists("/usr/bin/docker-registry") ||
        !fs::exists("/bin/busybox")) {
      GTEST_SKIP() << "needs buildah, docker-registry and busybox-static";
    }
    char tmpl[] = "/tmp/cli-publish-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "registry");
    auto registry = test::DockerRegistry::start((dir_ / "registry").string());
    ASSERT_TRUE(registry) << registry.error().message();
    registry_ = std::move(*registry);
    std::ofstream(dir_ / "storage.conf")
        << "[storage]\ndriver = \"vfs\"\ngraphroot = \"" << (dir_ / "storage").string()
        << "\"\nrunroot = \"" << (dir_ / "run").string() << "\"\n";
    env_["CONTAINERS_STORAGE_CONF"] = (dir_ / "storage.conf").string();
    env_["HOME"] = (dir_ / "home").string();
    env_["FAAS_BUILD_ENGINE"] = "buildah";
    repo_ = "cli-it-" + std::to_string(::getpid()) + "/pub";
    fs::create_directories(dir_ / "project" / "fn");
    fs::copy_file("/bin/busybox", dir_ / "project" / "fn" / "busybox");
    std::ofstream(dir_ / "project" / "fn" / "hello.txt") << "hello\n";
    std::ofstream(dir_ / "project" / "fn" / "Dockerfile")
        << "FROM scratch\nCOPY busybox /bin/busybox\nCOPY hello.txt /hello.txt\n"
           "CMD [\"/bin/busybox\", \"cat\", \"/hello.txt\"]\n";
    std::ofstream(dir_ / "project" / "stack.yaml")
        << "provider: {name: openfaas}\nfunctions:\n  pub: {lang: dockerfile, handler: ./fn, "
           "image: "
        << registry_->host() << "/" << repo_ << ":0.1}\n";
  }

  void TearDown() override {
    if (dir_.empty()) return;
    registry_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  int cli(const std::vector<std::string>& args) {
    std::istringstream in;
    out_.str("");
    err_.str("");
    return run(args, env_, Io{in, out_, err_}, dir_ / "project");
  }

  std::uint16_t port() const {
    return static_cast<std::uint16_t>(std::stoi(registry_->host().substr(10)));
  }
  // GET /v2/<repo>/manifests/<ref> asking for an index.
  test::Response manifest(const std::string& ref, const char* accept = kIndexTypes) const {
    test::Request req{.method = "GET",
                      .target = "/v2/" + repo_ + "/manifests/" + ref,
                      .headers = {{"Accept", accept}}};
    auto r = test::http_request(port(), req);
    return r ? *r : test::Response{};
  }
  // "os/architecture" of each image in the index under `tag`, sorted (the platforms are built in
  // parallel, so the list's order varies).
  std::vector<std::string> platforms(const std::string& tag) const {
    auto r = manifest(tag);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    std::vector<std::string> out;
    if (j.is_discarded() || !j.contains("manifests")) return {"(no index: " + r.body + ")"};
    for (const auto& m : j["manifests"]) {
      out.push_back(m["platform"]["os"].get<std::string>() + "/" +
                    m["platform"]["architecture"].get<std::string>());
      // Each image of the list is in the registry too.
      if (manifest(m["digest"].get<std::string>(), kImageTypes).status != 200) {
        out.back() += " (missing)";
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // Manifest lists left in buildah's store (publish's temporary local list included).
  std::string local_lists() {
    auto r = capture_process({"/usr/bin/buildah", "images", "--format", "{{.Name}}"}, env_);
    return r ? r->out : "(buildah images failed)";
  }

  fs::path dir_;
  std::unique_ptr<test::DockerRegistry> registry_;
  Environment env_;
  std::string repo_;
  std::ostringstream out_, err_;
};

TEST_F(Publish, TheNativePlatformAsAnImageIndex) {
  ASSERT_EQ(cli({"publish"}), 0) << err_.str() << out_.str();
  EXPECT_NE(
      out_.str().find("Published: " + registry_->host() + "/" + repo_ + ":0.1 (linux/amd64)."),
      std::string::npos)
      << out_.str();
  auto index = manifest("0.1");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.header("Content-Type"), "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(platforms("0.1"), std::vector<std::string>{"linux/amd64"});
  EXPECT_EQ(local_lists().find("faas-cli-publish"), std::string::npos) << local_lists();
}

TEST_F(Publish, TwoPlatformsAndAnExtraTag) {
  ASSERT_EQ(cli({"publish", "--platforms", "linux/amd64,linux/arm64", "--extra-tag", "latest"}), 0)
      << err_.str() << out_.str();
  EXPECT_EQ(platforms("0.1"), (std::vector<std::string>{"linux/amd64", "linux/arm64"}));
  auto tagged = manifest("0.1");
  auto latest = manifest("latest");
  ASSERT_EQ(latest.status, 200);
  EXPECT_EQ(latest.header("Docker-Content-Digest"), tagged.header("Docker-Content-Digest"));
  EXPECT_EQ(local_lists().find("faas-cli-publish"), std::string::npos) << local_lists();
}

}  // namespace
}  // namespace faas::cli
