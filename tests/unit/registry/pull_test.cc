// pull_oci_archive against a scripted registry (the Imposter on 127.0.0.1): the happy paths,
// authentication flows, and every way a registry answer can be wrong.
#include "faas/registry/pull.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include "faas/core/base64.h"

#include "manifest.h"
#include "sha256.h"
#include "support/imposter.h"

namespace faas::registry {
namespace {

namespace fs = std::filesystem;
using detail::sha256_digest;
using nlohmann::json;
using test::Imposter;
using test::RecordedRequest;
using test::Reply;

Reply typed(unsigned status, std::string body, std::string content_type) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Content-Type", std::move(content_type)}};
  return r;
}

Reply registry_error(unsigned status, const std::string& code, const std::string& message) {
  return Reply::json(status, json{{"errors", {{{"code", code}, {"message", message}}}}}.dump());
}

// A repository on an imposter: blobs and manifests served at the v2 paths.
class FakeRegistry {
 public:
  explicit FakeRegistry(Imposter& imposter, std::string repo = "fn")
      : imposter_(imposter), repo_(std::move(repo)) {}

  std::string host() const { return "127.0.0.1:" + std::to_string(imposter_.port()); }
  std::string path(const std::string& rest) const { return "/v2/" + repo_ + "/" + rest; }
  Reference ref(const std::string& tag_or_digest = ":1") const {
    return *parse_reference(host() + "/" + repo_ + tag_or_digest);
  }

  json blob(const std::string& bytes, const std::string& media_type) {
    auto digest = sha256_digest(bytes);
    imposter_.when("GET", path("blobs/" + digest), typed(200, bytes, "application/octet-stream"));
    return {{"mediaType", media_type}, {"digest", digest}, {"size", bytes.size()}};
  }
  // Serves body at the tag (if any) and at its digest; returns the digest.
  std::string manifest(const std::string& body, const std::string& media_type,
                       const std::string& tag = "") {
    auto digest = sha256_digest(body);
    imposter_.when("GET", path("manifests/" + digest), typed(200, body, media_type));
    if (!tag.empty()) imposter_.when("GET", path("manifests/" + tag), typed(200, body, media_type));
    return digest;
  }

  // A one-layer image: config, layer, manifest (OCI or Docker types) under tag.
  struct Image {
    std::string config, layer, manifest, manifest_digest;
  };
  Image image(const std::string& tag, bool docker = false,
              const std::string& layer_bytes = "layer-bytes") {
    Image img;
    img.config = json{{"architecture", "amd64"},
                      {"os", "linux"},
                      {"rootfs", {{"type", "layers"}, {"diff_ids", {sha256_digest(layer_bytes)}}}}}
                     .dump();
    img.layer = layer_bytes;
    auto config = blob(img.config, docker ? "application/vnd.docker.container.image.v1+json"
                                          : "application/vnd.oci.image.config.v1+json");
    auto layer = blob(img.layer, docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                                        : "application/vnd.oci.image.layer.v1.tar");
    std::string type(docker ? detail::kDockerManifest : detail::kOciManifest);
    img.manifest =
        json{{"schemaVersion", 2}, {"mediaType", type}, {"config", config}, {"layers", {layer}}}
            .dump();
    img.manifest_digest = manifest(img.manifest, type, tag);
    return img;
  }

 private:
  Imposter& imposter_;
  std::string repo_;
};

class PullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("registry_pull_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    // No auth file from the machine: an empty explicit one unless a test writes its own.
    auth_file_ = (dir_ / "auth.json").string();
    std::ofstream(auth_file_) << "{}";
    options_.auth_file = auth_file_;
    options_.timeout = std::chrono::seconds(30);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string out() const { return (dir_ / "image.tar").string(); }
  void write_auth(const std::string& host, const std::string& user, const std::string& password) {
    std::ofstream(auth_file_)
        << json{{"auths", {{host, {{"auth", base64_encode(user + ":" + password)}}}}}}.dump();
  }
  // The archive extracted by the system's tar: path -> content.
  std::map<std::string, std::string> unpack() {
    auto x = dir_ / "x";
    fs::create_directories(x);
    std::string cmd = "tar -xf " + out() + " -C " + x.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(x)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      files[fs::relative(e.path(), x).string()] = s.str();
    }
    return files;
  }
  void expect_no_archive() {
    EXPECT_FALSE(fs::exists(out()));
    EXPECT_FALSE(fs::exists(out() + ".partial"));
  }

  Imposter imposter_;
  FakeRegistry registry_{imposter_};
  fs::path dir_;
  std::string auth_file_;
  PullOptions options_;
};

std::string blob_file(const std::string& digest) { return "blobs/sha256/" + digest.substr(7); }

TEST_F(PullTest, OciImageByTagBecomesAnOciLayoutArchive) {
  auto img = registry_.image("1");
  std::vector<PullProgress> progress;
  options_.progress = [&](const PullProgress& p) { progress.push_back(p); };
  auto ref = registry_.ref();
  auto r = pull_oci_archive(ref, out(), options_);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->reference, ref.str());
  EXPECT_EQ(r->manifest_digest, img.manifest_digest);
  EXPECT_EQ(r->bytes,
            static_cast<std::int64_t>(img.config.size() + img.layer.size() + img.manifest.size()));

  auto files = unpack();
  EXPECT_EQ(files.size(), 5u);
  EXPECT_EQ(json::parse(files["oci-layout"])["imageLayoutVersion"], "1.0.0");
  EXPECT_EQ(files[blob_file(img.manifest_digest)], img.manifest);
  EXPECT_EQ(files[blob_file(sha256_digest(img.config))], img.config);
  EXPECT_EQ(files[blob_file(sha256_digest(img.layer))], img.layer);
  auto index = json::parse(files["index.json"]);
  ASSERT_EQ(index["manifests"].size(), 1u);
  const auto& d = index["manifests"][0];
  EXPECT_EQ(d["digest"], img.manifest_digest);
  EXPECT_EQ(d["size"], img.manifest.size());
  EXPECT_EQ(d["mediaType"], detail::kOciManifest);
  EXPECT_EQ(d["annotations"]["org.opencontainers.image.ref.name"], ref.str());

  // What was asked: the manifest with every supported type accepted, then the two blobs.
  auto requests = imposter_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].path, registry_.path("manifests/1"));
  EXPECT_EQ(requests[0].header("Accept"), detail::manifest_accept());
  EXPECT_FALSE(requests[0].header("Authorization"));
  // Progress: the manifest, then each blob from 0 to its full size.
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front().what, "manifest");
  EXPECT_EQ(progress.back().what, "layer 1/1 " + sha256_digest(img.layer));
  EXPECT_EQ(progress.back().done, static_cast<std::int64_t>(img.layer.size()));
  EXPECT_EQ(progress.back().total, static_cast<std::int64_t>(img.layer.size()));
}

TEST_F(PullTest, DockerManifestListResolvesToThePlatform) {
  auto amd = registry_.image("", /*docker=*/true, "amd64-layer");
  auto arm = registry_.image("", /*docker=*/true, "arm64-layer");
  auto entry = [](const FakeRegistry::Image& img, const char* arch) {
    return json{{"mediaType", detail::kDockerManifest},
                {"digest", sha256_digest(img.manifest)},
                {"size", img.manifest.size()},
                {"platform", {{"os", "linux"}, {"architecture", arch}}}};
  };
  auto list = json{{"schemaVersion", 2},
                   {"mediaType", detail::kDockerList},
                   {"manifests", {entry(arm, "arm64"), entry(amd, "amd64")}}}
                  .dump();
  auto list_digest = registry_.manifest(list, std::string(detail::kDockerList), "multi");

  auto r = pull_oci_archive(registry_.ref(":multi"), out(), options_);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->manifest_digest, amd.manifest_digest);
  auto files = unpack();
  EXPECT_EQ(files[blob_file(sha256_digest("amd64-layer"))], "amd64-layer");
  EXPECT_FALSE(files.contains(blob_file(sha256_digest("arm64-layer"))));
  EXPECT_EQ(json::parse(files["index.json"])["manifests"][0]["mediaType"], detail::kDockerManifest);

  // By the list's digest, for another platform.
  fs::remove(out());
  options_.platform = "linux/arm64";
  r = pull_oci_archive(registry_.ref("@" + list_digest), out(), options_);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->manifest_digest, arm.manifest_digest);

  fs::remove(out());
  options_.platform = "linux/s390x";
  r = pull_oci_archive(registry_.ref(":multi"), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kNotFound));
  EXPECT_NE(r.error().message().find("no linux/s390x manifest"), std::string::npos)
      << r.error().message();
  expect_no_archive();

  options_.platform = "nonsense";
  r = pull_oci_archive(registry_.ref(":multi"), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("bad platform"), std::string::npos);
}

TEST_F(PullTest, ManifestUnknownIsANotFoundLine) {
  imposter_.when("GET", registry_.path("manifests/1"),
                 registry_error(404, "MANIFEST_UNKNOWN", "manifest unknown"));
  auto ref = registry_.ref();
  auto r = pull_oci_archive(ref, out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kNotFound));
  EXPECT_EQ(r.error().context, "pull " + ref.str() + ": manifest unknown (404)");
  expect_no_archive();
  // A 404 without a registry error body still says what happened.
  auto bare = pull_oci_archive(registry_.ref(":nothing"), out(), options_);
  ASSERT_FALSE(bare);
  EXPECT_EQ(bare.error().context, "pull " + registry_.ref(":nothing").str() + ": HTTP 404 (404)");
}

TEST_F(PullTest, RegistryDownIsUnavailable) {
  // A port that was just free: bind, read it, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  auto ref = *parse_reference("127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/fn:1");
  auto r = pull_oci_archive(ref, out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kUnavailable));
  EXPECT_NE(r.error().message().find("pull " + ref.str() + ": GET http://127.0.0.1:"),
            std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("onnect"), std::string::npos) << r.error().message();
  expect_no_archive();
}

TEST_F(PullTest, BlobDigestMismatchLeavesNoArchive) {
  auto img = registry_.image("1");
  auto layer_digest = sha256_digest(img.layer);
  std::string wrong(img.layer.size(), 'X');  // same size, other bytes
  imposter_.when("GET", registry_.path("blobs/" + layer_digest),
                 typed(200, wrong, "application/octet-stream"));
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kBadImage));
  EXPECT_NE(r.error().message().find("blob " + layer_digest + ": digest mismatch (got " +
                                     sha256_digest(wrong)),
            std::string::npos)
      << r.error().message();
  expect_no_archive();
}

TEST_F(PullTest, BlobLongerOrShorterThanTheManifestSays) {
  auto img = registry_.image("1");
  auto layer_digest = sha256_digest(img.layer);
  imposter_.when("GET", registry_.path("blobs/" + layer_digest),
                 typed(200, img.layer + "more", "application/octet-stream"));
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("more than the manifest's size"), std::string::npos)
      << r.error().message();
  expect_no_archive();

  imposter_.when("GET", registry_.path("blobs/" + layer_digest),
                 typed(200, img.layer.substr(1), "application/octet-stream"));
  r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("bytes, the manifest says"), std::string::npos)
      << r.error().message();
  expect_no_archive();
}

TEST_F(PullTest, MissingBlobIsNotFound) {
  auto img = registry_.image("1");
  auto layer_digest = sha256_digest(img.layer);
  imposter_.when("GET", registry_.path("blobs/" + layer_digest),
                 registry_error(404, "BLOB_UNKNOWN", "blob unknown to registry"));
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kNotFound));
  EXPECT_NE(r.error().message().find("blob " + layer_digest + ": blob unknown to registry (404)"),
            std::string::npos);
}

TEST_F(PullTest, ManifestDigestIsChecked) {
  auto img = registry_.image("1");
  // Asked by digest, served something else.
  auto other = std::string(64, 'e');
  imposter_.when("GET", registry_.path("manifests/sha256:" + other),
                 typed(200, img.manifest, std::string(detail::kOciManifest)));
  auto r = pull_oci_archive(registry_.ref("@sha256:" + other), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kBadImage));
  EXPECT_NE(r.error().message().find("digest mismatch"), std::string::npos);
  // Asked by tag, with a Docker-Content-Digest that does not match the body.
  auto reply = typed(200, img.manifest, std::string(detail::kOciManifest));
  reply.headers.emplace_back("Docker-Content-Digest", "sha256:" + other);
  imposter_.when("GET", registry_.path("manifests/2"), reply);
  r = pull_oci_archive(registry_.ref(":2"), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("Docker-Content-Digest"), std::string::npos)
      << r.error().message();
  expect_no_archive();
}

TEST_F(PullTest, Schema1IsAClearError) {
  imposter_.when("GET", registry_.path("manifests/old"),
                 typed(200, R"({"schemaVersion":1,"name":"fn","tag":"old","fsLayers":[]})",
                       "application/vnd.docker.distribution.manifest.v1+prettyjws"));
  auto r = pull_oci_archive(registry_.ref(":old"), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kBadImage));
  EXPECT_NE(r.error().message().find("schema 1"), std::string::npos) << r.error().message();
}

// 401 with a Bearer challenge until the request carries the token.
Reply needs_bearer(const RecordedRequest& req, const std::string& realm, Reply ok) {
  if (req.header("Authorization") == "Bearer tok-123") return ok;
  auto r = registry_error(401, "UNAUTHORIZED", "authentication required");
  r.headers.emplace_back(
      "WWW-Authenticate",
      "Bearer realm=\"" + realm + "\",service=\"test-registry\",scope=\"repository:fn:pull\"");
  return r;
}

void protect_with_bearer(Imposter& imposter, FakeRegistry& registry,
                         const FakeRegistry::Image& img) {
  auto realm = imposter.url() + "/token";
  for (const auto& [path, body, type] :
       {std::tuple{registry.path("manifests/1"), img.manifest, std::string(detail::kOciManifest)},
        std::tuple{registry.path("blobs/" + sha256_digest(img.config)), img.config,
                   std::string("application/octet-stream")},
        std::tuple{registry.path("blobs/" + sha256_digest(img.layer)), img.layer,
                   std::string("application/octet-stream")}}) {
    auto ok = typed(200, body, type);
    imposter.when_request("GET", path, [realm, ok](const RecordedRequest& req) {
      return needs_bearer(req, realm, ok);
    });
  }
}

TEST_F(PullTest, BearerTokenFlowWithBasicCredentials) {
  auto img = registry_.image("1");
  protect_with_bearer(imposter_, registry_, img);
  imposter_.when_request("GET", "/token", [](const RecordedRequest& req) {
    if (req.header("Authorization") != "Basic " + base64_encode("alice:pw"))
      return Reply::json(401, "{}");
    return Reply::json(200, R"({"token":"tok-123","expires_in":300})");
  });
  write_auth(registry_.host(), "alice", "pw");
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_TRUE(r) << r.error().message();

  std::vector<RecordedRequest> token_requests;
  for (const auto& req : imposter_.requests()) {
    if (req.path == "/token") token_requests.push_back(req);
  }
  ASSERT_EQ(token_requests.size(), 1u);  // one token, reused for every blob
  EXPECT_EQ(token_requests[0].query_param("service"), "test-registry");
  EXPECT_EQ(token_requests[0].query_param("scope"), "repository:fn:pull");
  EXPECT_EQ(unpack()[blob_file(sha256_digest(img.layer))], img.layer);
}

TEST_F(PullTest, BearerAnonymousAndAccessToken) {
  auto img = registry_.image("1");
  protect_with_bearer(imposter_, registry_, img);
  imposter_.when_request("GET", "/token", [](const RecordedRequest& req) {
    if (req.header("Authorization")) return Reply::json(400, "{}");
    return Reply::json(200, R"({"access_token":"tok-123"})");
  });
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_TRUE(r) << r.error().message();
}

TEST_F(PullTest, BearerWithIdentityTokenUsesTheRefreshGrant) {
  auto img = registry_.image("1");
  protect_with_bearer(imposter_, registry_, img);
  imposter_.when_request("POST", "/token", [](const RecordedRequest& req) {
    if (req.body.find("grant_type=refresh_token") == std::string::npos ||
        req.body.find("refresh_token=rt%2Fx") == std::string::npos) {
      return Reply::json(400, "{}");
    }
    return Reply::json(200, R"({"access_token":"tok-123"})");
  });
  std::ofstream(auth_file_)
      << json{{"auths", {{registry_.host(), {{"identitytoken", "rt/x"}}}}}}.dump();
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_TRUE(r) << r.error().message();
}

TEST_F(PullTest, BearerTokenRefusedIsUnauthorized) {
  auto img = registry_.image("1");
  protect_with_bearer(imposter_, registry_, img);
  imposter_.when("GET", "/token", registry_error(401, "UNAUTHORIZED", "bad credentials"));
  write_auth(registry_.host(), "alice", "wrong");
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kUnauthorized));
  EXPECT_NE(
      r.error().message().find("token from " + imposter_.url() + "/token: bad credentials (401)"),
      std::string::npos)
      << r.error().message();
  expect_no_archive();
}

TEST_F(PullTest, TokenThatDoesNotWorkIsUnauthorizedNotALoop) {
  auto img = registry_.image("1");
  protect_with_bearer(imposter_, registry_, img);
  imposter_.when("GET", "/token", Reply::json(200, R"({"token":"useless"})"));
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kUnauthorized));
  EXPECT_NE(r.error().message().find("authentication required (401); no credentials for " +
                                     registry_.host() + " in " + auth_file_),
            std::string::npos)
      << r.error().message();
  EXPECT_EQ(imposter_.requests().size(), 3u);  // manifest, token, manifest again; then give up
}

TEST_F(PullTest, BasicChallenge) {
  auto img = registry_.image("1");
  auto basic = "Basic " + base64_encode("bob:pw");
  auto manifest_ok = typed(200, img.manifest, std::string(detail::kOciManifest));
  imposter_.when_request(
      "GET", registry_.path("manifests/1"), [basic, manifest_ok](const RecordedRequest& req) {
        if (req.header("Authorization") == basic) return manifest_ok;
        auto r = registry_error(401, "UNAUTHORIZED", "authentication required");
        r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Registry Realm\"");
        return r;
      });
  // Without credentials: a line that says what is missing.
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kUnauthorized));
  EXPECT_NE(r.error().message().find("wants a user and password"), std::string::npos)
      << r.error().message();

  write_auth(registry_.host(), "bob", "pw");
  r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_TRUE(r) << r.error().message();
  // The blobs are open; the retried manifest request carried the credentials.
  EXPECT_EQ(imposter_.requests().back().path, registry_.path("blobs/" + sha256_digest(img.layer)));
}

TEST_F(PullTest, BlobRedirectIsFollowed) {
  auto img = registry_.image("1");
  auto layer_digest = sha256_digest(img.layer);
  Reply redirect;
  redirect.status = 307;
  redirect.headers = {{"Location", imposter_.url() + "/storage/layer?sig=1"}};
  imposter_.when("GET", registry_.path("blobs/" + layer_digest), redirect);
  imposter_.when("GET", "/storage/layer", typed(200, img.layer, "application/octet-stream"));
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(imposter_.last_request().target, "/storage/layer?sig=1");
}

TEST_F(PullTest, StalledBlobTimesOut) {
  auto img = registry_.image("1");
  imposter_.when("GET", registry_.path("blobs/" + sha256_digest(img.layer)), Reply::hang());
  options_.timeout = std::chrono::seconds(1);
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kUnavailable));
  EXPECT_NE(r.error().message().find("imed out"), std::string::npos) << r.error().message();
  expect_no_archive();
}

TEST_F(PullTest, MalformedAuthFileIsAnErrorNamingIt) {
  std::ofstream(auth_file_) << "{oops";
  auto r = pull_oci_archive(registry_.ref(), out(), options_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find(auth_file_), std::string::npos) << r.error().message();
}

TEST_F(PullTest, UnwritableOutputIsAnError) {
  registry_.image("1");
  auto r = pull_oci_archive(registry_.ref(), "/nonexistent-dir/image.tar", options_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("/nonexistent-dir/image.tar.partial"), std::string::npos);
}

}  // namespace
}  // namespace faas::registry
