// pull_oci_archive against Debian's docker-registry on 127.0.0.1, with images built FROM scratch
// by buildah (OCI and Docker formats, an OCI index and a Docker manifest list, gzip layers), and
// the pulled archives imported into a private containerd and run. Needs root.
#include "faas/registry/pull.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "faas/containerd/client.h"
#include "faas/containerd/oci_spec.h"

#include "registry_fixture.h"
#include "support/containerd_process.h"

namespace faas::registry {
namespace {

namespace fs = std::filesystem;
using containerd::Client;
using nlohmann::json;
using test::run_async;

const std::string kHello = "hello from the registry\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& text, std::size_t bytes = 4000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

// The archive unpacked by the system's tar, each blob's name checked against its content.
struct Layout {
  json index, manifest, config;
  std::map<std::string, std::string> blobs;  // digest -> bytes
};

Layout read_layout(const std::string& archive, const std::string& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto untar = test::run_command({"tar", "-xf", archive, "-C", dir});
  EXPECT_TRUE(untar) << untar.error().message();
  Layout l;
  EXPECT_EQ(json::parse(read_file(dir + "/oci-layout"))["imageLayoutVersion"], "1.0.0");
  l.index = json::parse(read_file(dir + "/index.json"));
  for (const auto& e : fs::directory_iterator(dir + "/blobs/sha256")) {
    auto bytes = read_file(e.path().string());
    auto digest = "sha256:" + e.path().filename().string();
    auto check = test::run_command({"sha256sum", e.path().string()});
    EXPECT_TRUE(check && check->starts_with(digest.substr(7))) << digest;
    l.blobs[digest] = std::move(bytes);
  }
  auto manifest_digest = l.index["manifests"][0]["digest"].get<std::string>();
  l.manifest = json::parse(l.blobs.at(manifest_digest));
  l.config = json::parse(l.blobs.at(l.manifest["config"]["digest"].get<std::string>()));
  return l;
}

class RegistryPullTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = test::TempDir::create("faas-registry-it");
    ASSERT_TRUE(dir);
    dir_ = new test::TempDir(std::move(*dir));
    fs::create_directories(dir_->file("open"));
    fs::create_directories(dir_->file("locked"));
    auto open = test::DockerRegistry::start(dir_->file("open"));
    ASSERT_TRUE(open) << open.error().message();
    open_ = open->release();
    // bcrypt, as docker-registry requires.
    auto htpasswd =
        test::run_command({"htpasswd", "-Bbc", dir_->file("htpasswd"), "alice", "s3cret"});
    ASSERT_TRUE(htpasswd) << htpasswd.error().message();
    auto locked = test::DockerRegistry::start(dir_->file("locked"), dir_->file("htpasswd"));
    ASSERT_TRUE(locked) << locked.error().message();
    locked_ = locked->release();

    test::Buildah buildah(dir_->file("buildah"));
    auto image = "localhost/faas-registry-it:1";
    auto host = open_->host();
    for (auto r : {buildah.build(image, kHello), buildah.push(image, host + "/fn:oci", "oci"),
                   buildah.push(image, host + "/fn:docker", "docker"),
                   buildah.push_list("list-oci", image, host + "/fn:oci-index", "oci"),
                   buildah.push_list("list-docker", image, host + "/fn:docker-list", "docker"),
                   buildah.push(image, locked_->host() + "/private:1", "oci", "alice:s3cret")}) {
      ASSERT_TRUE(r) << r.error().message();
    }
    auto ctrd = test::ContainerdProcess::start();
    ASSERT_TRUE(ctrd) << ctrd.error().message();
    containerd_ = ctrd->release();
  }
  static void TearDownTestSuite() {
    delete containerd_;
    delete locked_;
    delete open_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(containerd_, nullptr);
    options_.auth_file = dir_->file("auth-" + name() + ".json");
    std::ofstream(options_.auth_file) << "{}";
  }
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "registry log (tail):\n"
                << tail(open_->log()) << "\nlocked registry log (tail):\n"
                << tail(locked_->log());
    }
  }

  static std::string name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  std::string archive() const { return dir_->file(name() + ".tar"); }
  static Reference ref(const std::string& text) {
    auto r = parse_reference(text);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : Reference{};
  }

  // Imports the archive into containerd, runs the image's cmd, returns its stdout.
  std::string import_and_run(const std::string& path, const Reference& pulled) {
    auto client = Client::connect(containerd_->socket(), "faas-registry-it");
    EXPECT_TRUE(client);
    if (!client) return {};
    auto imported = run_async(client->import_oci_archive(path, {}));
    EXPECT_TRUE(imported) << imported.error().message();
    if (!imported) return {};
    EXPECT_EQ(imported->name, pulled.str());  // from index.json's ref.name annotation
    auto image = run_async(client->get_image(pulled.str()));
    EXPECT_TRUE(image) << image.error().message();
    if (!image) return {};
    EXPECT_EQ(image->config.cmd, (std::vector<std::string>{"/bin/busybox", "cat", "/hello.txt"}));
    return run_image(*client, *image);
  }

  std::string run_image(Client& client, const containerd::Image& image) {
    static int runs = 0;
    auto id = "pull-" + name() + "-" + std::to_string(++runs);  // the shim appends to out
    auto spec = containerd::spec_from_image(image.config);
    EXPECT_TRUE(spec) << spec.error().message();
    if (!spec) return {};
    auto out = dir_->file(id + ".out");
    auto started = run_async(start(client, id, image, *spec, out));
    EXPECT_TRUE(started) << started.error().message();
    auto exit = run_async(client.wait_task(id));
    EXPECT_TRUE(exit && exit->status == 0);
    run_async(cleanup(client, id));
    return read_file(out);
  }

  static boost::asio::awaitable<Result<void>> start(Client client, std::string id,
                                                    containerd::Image image,
                                                    containerd::SpecOptions spec, std::string out) {
    auto json = containerd::make_runtime_spec(spec);
    if (!json) co_return json.error();
    containerd::ContainerCreate create;
    create.id = id;
    create.image = image.name;
    create.snapshot_key = id;
    create.spec_json = *json;
    auto created = co_await client.create_container(std::move(create));
    if (!created) co_return created.error();
    auto mounts = co_await client.prepare_snapshot(id, image.chain_id);
    if (!mounts) co_return mounts.error();
    containerd::TaskIo io{"", "file://" + out, "file://" + out + ".err"};
    auto pid = co_await client.create_task(id, *mounts, io);
    if (!pid) co_return pid.error();
    co_return co_await client.start_task(id);
  }

  static boost::asio::awaitable<void> cleanup(Client client, std::string id) {
    (void)co_await client.kill_task(id, SIGKILL, true);
    (void)co_await client.delete_task(id);
    (void)co_await client.delete_container(id);
    (void)co_await client.remove_snapshot(id);
  }

  static inline test::TempDir* dir_ = nullptr;
  static inline test::DockerRegistry* open_ = nullptr;
  static inline test::DockerRegistry* locked_ = nullptr;
  static inline test::ContainerdProcess* containerd_ = nullptr;
  PullOptions options_;
};

TEST_F(RegistryPullTest, OciImageWithGzipLayerPullsImportsAndRuns) {
  auto r = ref(open_->host() + "/fn:oci");
  std::vector<PullProgress> progress;
  options_.progress = [&](const PullProgress& p) { progress.push_back(p); };
  auto pulled = pull_oci_archive(r, archive(), options_);
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->reference, r.str());

  auto l = read_layout(archive(), dir_->file(name() + ".x"));
  ASSERT_EQ(l.index["manifests"].size(), 1u);
  EXPECT_EQ(l.index["manifests"][0]["digest"], pulled->manifest_digest);
  EXPECT_EQ(l.index["manifests"][0]["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(l.index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], r.str());
  ASSERT_EQ(l.manifest["layers"].size(), 1u);
  EXPECT_EQ(l.manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(l.blobs.size(), 3u);  // manifest, config, layer
  std::int64_t sum = 0;
  for (const auto& [digest, bytes] : l.blobs) sum += static_cast<std::int64_t>(bytes.size());
  EXPECT_EQ(pulled->bytes, sum);
  EXPECT_GT(sum, 500'000);  // busybox is in there
  EXPECT_EQ(l.config["config"]["Cmd"], json({"/bin/busybox", "cat", "/hello.txt"}));
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().done, progress.back().total);

  EXPECT_EQ(import_and_run(archive(), r), kHello);

  // The same image by digest.
  auto by_digest = ref(open_->host() + "/fn@" + pulled->manifest_digest);
  auto again = pull_oci_archive(by_digest, dir_->file("by-digest.tar"), options_);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->manifest_digest, pulled->manifest_digest);
}

TEST_F(RegistryPullTest, DockerFormatImagePullsImportsAndRuns) {
  auto r = ref(open_->host() + "/fn:docker");
  auto pulled = pull_oci_archive(r, archive(), options_);
  ASSERT_TRUE(pulled) << pulled.error().message();
  auto l = read_layout(archive(), dir_->file(name() + ".x"));
  EXPECT_EQ(l.index["manifests"][0]["mediaType"],
            "application/vnd.docker.distribution.manifest.v2+json");
  EXPECT_EQ(l.manifest["layers"][0]["mediaType"],
            "application/vnd.docker.image.rootfs.diff.tar.gzip");
  EXPECT_EQ(l.manifest["config"]["mediaType"], "application/vnd.docker.container.image.v1+json");
  EXPECT_EQ(import_and_run(archive(), r), kHello);
}

TEST_F(RegistryPullTest, OciIndexAndDockerManifestListResolveToLinuxAmd64) {
  for (const std::string tag : {"oci-index", "docker-list"}) {
    auto r = ref(open_->host() + "/fn:" + tag);
    auto pulled = pull_oci_archive(r, archive(), options_);
    ASSERT_TRUE(pulled) << tag << ": " << pulled.error().message();
    auto l = read_layout(archive(), dir_->file(name() + ".x"));
    // The archive holds the platform's manifest, not the list.
    EXPECT_TRUE(l.manifest.contains("layers")) << tag;
    EXPECT_FALSE(l.manifest.contains("manifests")) << tag;
    EXPECT_EQ(import_and_run(archive(), r), kHello) << tag;
    fs::remove(archive());
  }
  options_.platform = "linux/arm64";
  auto none = pull_oci_archive(ref(open_->host() + "/fn:oci-index"), archive(), options_);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, make_error_code(Errc::kNotFound));
  EXPECT_NE(none.error().message().find(
                "no linux/arm64 manifest in the image index (it has: linux/amd64)"),
            std::string::npos)
      << none.error().message();
}

TEST_F(RegistryPullTest, UnknownTagRepoOrDigestIs404) {
  auto r = ref(open_->host() + "/fn:nope");
  auto tag = pull_oci_archive(r, archive(), options_);
  ASSERT_FALSE(tag);
  EXPECT_EQ(tag.error().code, make_error_code(Errc::kNotFound));
  EXPECT_EQ(tag.error().context, "pull " + r.str() + ": manifest unknown (404)");

  auto repo = pull_oci_archive(ref(open_->host() + "/nobody/here:1"), archive(), options_);
  ASSERT_FALSE(repo);
  EXPECT_EQ(repo.error().code, make_error_code(Errc::kNotFound));
  EXPECT_NE(repo.error().message().find("(404)"), std::string::npos) << repo.error().message();

  auto digest = pull_oci_archive(ref(open_->host() + "/fn@sha256:" + std::string(64, '0')),
                                 archive(), options_);
  ASSERT_FALSE(digest);
  EXPECT_EQ(digest.error().code, make_error_code(Errc::kNotFound)) << digest.error().message();
  EXPECT_FALSE(fs::exists(archive()));
  EXPECT_FALSE(fs::exists(archive() + ".partial"));
}

TEST_F(RegistryPullTest, RegistryDownIsAClearError) {
  fs::create_directories(dir_->file("gone"));
  std::string host;
  {
    auto gone = test::DockerRegistry::start(dir_->file("gone"));
    ASSERT_TRUE(gone) << gone.error().message();
    host = (*gone)->host();
  }  // stopped: nothing listens there now
  auto r = ref(host + "/fn:oci");
  auto pulled = pull_oci_archive(r, archive(), options_);
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().code, make_error_code(Errc::kUnavailable));
  EXPECT_NE(pulled.error().message().find("pull " + r.str() + ": GET http://" + host +
                                          "/v2/fn/manifests/oci: "),
            std::string::npos)
      << pulled.error().message();
  EXPECT_NE(pulled.error().message().find("onnect"), std::string::npos) << pulled.error().message();
}

TEST_F(RegistryPullTest, BasicAuthWithHtpasswd) {
  auto r = ref(locked_->host() + "/private:1");
  auto anonymous = pull_oci_archive(r, archive(), options_);
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().code, make_error_code(Errc::kUnauthorized));
  EXPECT_NE(anonymous.error().message().find("there are none for " + locked_->host() + " in " +
                                             options_.auth_file),
            std::string::npos)
      << anonymous.error().message();

  auto write_auth = [&](const std::string& password) {
    std::ofstream(options_.auth_file)
        << json{{"auths", {{locked_->host(), {{"username", "alice"}, {"password", password}}}}}}
               .dump();
  };
  write_auth("wrong");
  auto refused = pull_oci_archive(r, archive(), options_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, make_error_code(Errc::kUnauthorized));
  EXPECT_NE(refused.error().message().find("refused the credentials from " + options_.auth_file),
            std::string::npos)
      << refused.error().message();

  write_auth("s3cret");
  auto pulled = pull_oci_archive(r, archive(), options_);
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(import_and_run(archive(), r), kHello);
}

}  // namespace
}  // namespace faas::registry
