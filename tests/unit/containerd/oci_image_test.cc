// Private pieces of the image import: tar reading, digests and chain ids, OCI JSON documents.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "digest.h"
#include "image_config.h"
#include "tar_reader.h"

namespace faas::containerd::detail {
namespace {

TEST(Digest, Sha256AndChainIds) {
  EXPECT_EQ(sha256_digest(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string a = sha256_digest("a"), b = sha256_digest("b");
  auto chain = chain_ids({a, b});
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0], a);
  EXPECT_EQ(chain[1], sha256_digest(a + " " + b));
  EXPECT_TRUE(valid_sha256_digest(a));
  EXPECT_FALSE(valid_sha256_digest("sha256:../../etc/passwd"));
  EXPECT_FALSE(valid_sha256_digest("md5:abc"));
}

// Writes files with GNU tar (long names included) and reads them back.
TEST(TarReader, ReadsEntriesAndLongNames) {
  char tmpl[] = "/tmp/faas-tar-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::string long_name(150, 'n');
  std::filesystem::create_directories(dir + "/in/blobs/sha256");
  std::ofstream(dir + "/in/index.json") << "{}";
  std::ofstream(dir + "/in/blobs/sha256/" + long_name) << std::string(1000, 'x');
  std::string cmd = "tar -C " + dir + "/in -cf " + dir + "/a.tar .";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto tar = TarReader::open(dir + "/a.tar");
  ASSERT_TRUE(tar);
  std::map<std::string, std::string> files;
  for (;;) {
    auto e = tar->next();
    ASSERT_TRUE(e) << e.error().message();
    if (!*e) break;
    if (!(*e)->regular()) continue;
    auto data = tar->read_all(1 << 20);
    ASSERT_TRUE(data);
    files[(*e)->path] = *data;
  }
  EXPECT_EQ(files["index.json"], "{}");
  EXPECT_EQ(files["blobs/sha256/" + long_name], std::string(1000, 'x'));
  std::filesystem::remove_all(dir);
}

TEST(TarReader, TruncatedArchiveIsAnError) {
  char tmpl[] = "/tmp/faas-tar-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/t.tar";
  std::ofstream(path) << std::string(100, 'x');
  auto tar = TarReader::open(path);
  ASSERT_TRUE(tar);
  EXPECT_FALSE(tar->next());
  std::filesystem::remove_all(tmpl);
}

constexpr const char* kDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(ImageJson, IndexPicksLinuxAmd64) {
  std::string index = std::string(R"({"manifests":[
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")") + kDigest +
                      R"(","size":1,"platform":{"os":"linux","architecture":"arm64"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kDigest +
                      R"(","size":2,"platform":{"os":"linux","architecture":"amd64"},
     "annotations":{"org.opencontainers.image.ref.name":"v1"}}]})";
  auto entries = parse_index(index);
  ASSERT_TRUE(entries) << entries.error().message();
  auto pick = select_platform(*entries);
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->descriptor.size, 2);
  EXPECT_EQ(pick->ref_name, "v1");
  EXPECT_FALSE(parse_index("not json"));
  EXPECT_FALSE(parse_index(R"({"manifests":[{"digest":"sha256:../x","size":1}]})"));
}

TEST(ImageJson, ManifestAndConfig) {
  std::string manifest = std::string(R"({"config":{"mediaType":"c","digest":")") + kDigest +
                         R"(","size":3},"layers":[{"mediaType":"l","digest":")" + kDigest +
                         R"(","size":4}]})";
  auto m = parse_manifest(manifest);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->config.size, 3);
  ASSERT_EQ(m->layers.size(), 1u);
  auto c = parse_image_config(std::string(R"({"config":{"User":"1000","Env":["A=1"],
    "Cmd":["/fwatchdog"],"WorkingDir":"/home/app","Labels":{"k":"v"}},
    "rootfs":{"type":"layers","diff_ids":[")") + kDigest + R"("]}})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->user, "1000");
  EXPECT_EQ(c->env, std::vector<std::string>{"A=1"});
  EXPECT_EQ(c->labels.at("k"), "v");
  EXPECT_EQ(c->diff_ids.size(), 1u);
  EXPECT_FALSE(parse_manifest(R"({"config":{}})"));
}

}  // namespace
}  // namespace faas::containerd::detail
