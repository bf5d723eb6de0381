#include "manifest.h"

#include <gtest/gtest.h>

namespace faas::registry::detail {
namespace {

std::string digest_of(char c) { return "sha256:" + std::string(64, c); }

std::string entry(char c, const std::string& os, const std::string& arch,
                  const std::string& variant = "") {
  std::string platform = R"({"os":")" + os + R"(","architecture":")" + arch + "\"";
  if (!variant.empty()) platform += R"(,"variant":")" + variant + "\"";
  platform += "}";
  return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + digest_of(c) +
         R"(","size":100,"platform":)" + platform + "}";
}

std::vector<IndexEntry> index_of(const std::vector<std::string>& entries) {
  std::string body = R"({"schemaVersion":2,"manifests":[)";
  for (std::size_t i = 0; i < entries.size(); ++i) body += (i ? "," : "") + entries[i];
  body += "]}";
  auto parsed = parse_index(body);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return parsed ? *parsed : std::vector<IndexEntry>{};
}

Platform platform(std::string_view text) { return *parse_platform(text); }

TEST(Manifest, AcceptNamesTheFourTypesAndNotSchema1) {
  auto accept = manifest_accept();
  for (auto t : {kOciIndex, kOciManifest, kDockerList, kDockerManifest}) {
    EXPECT_NE(accept.find(t), std::string::npos) << t;
  }
  EXPECT_EQ(accept.find("distribution.manifest.v1"), std::string::npos);
}

TEST(Manifest, ClassifyByMediaTypeFieldThenContentTypeThenShape) {
  EXPECT_EQ(
      *classify("", R"({"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json"})"),
      DocumentKind::kIndex);
  EXPECT_EQ(*classify(std::string(kOciManifest) + "; charset=utf-8", R"({"schemaVersion":2})"),
            DocumentKind::kManifest);
  EXPECT_EQ(*classify("application/json", R"({"schemaVersion":2,"manifests":[]})"),
            DocumentKind::kIndex);
  EXPECT_EQ(*classify("application/json", R"({"config":{},"layers":[]})"), DocumentKind::kManifest);
  EXPECT_EQ(media_type_of(std::string(kDockerManifest) + " ; q=1", "{}"), kDockerManifest);
}

TEST(Manifest, Schema1AndUnknownTypesAreClearErrors) {
  auto s1 = classify("application/vnd.docker.distribution.manifest.v1+prettyjws",
                     R"({"schemaVersion":1,"name":"x","fsLayers":[]})");
  ASSERT_FALSE(s1);
  EXPECT_NE(s1.error().message().find("schema 1"), std::string::npos) << s1.error().message();
  auto s1_type =
      classify("application/vnd.docker.distribution.manifest.v1+json", R"({"schemaVersion":3})");
  ASSERT_FALSE(s1_type);
  EXPECT_NE(s1_type.error().message().find("schema 1"), std::string::npos);
  auto odd = classify("text/html", R"({"hello":1})");
  ASSERT_FALSE(odd);
  EXPECT_NE(odd.error().message().find("text/html"), std::string::npos);
  EXPECT_FALSE(classify(std::string(kOciManifest), "<html>"));
}

TEST(Manifest, SelectPlatform) {
  auto entries = index_of({entry('a', "linux", "amd64"), entry('b', "linux", "arm64"),
                           entry('c', "linux", "arm", "v7"), entry('d', "linux", "arm", "v6"),
                           entry('e', "windows", "amd64")});
  EXPECT_EQ(select_platform(entries, platform("linux/amd64"))->digest, digest_of('a'));
  EXPECT_EQ(select_platform(entries, platform("linux/arm64"))->digest, digest_of('b'));
  // arm64 without a variant is v8.
  EXPECT_EQ(select_platform(entries, platform("linux/arm64/v8"))->digest, digest_of('b'));
  EXPECT_EQ(select_platform(entries, platform("linux/arm/v6"))->digest, digest_of('d'));
  // No variant asked: the first with one, when none lacks it.
  EXPECT_EQ(select_platform(entries, platform("linux/arm"))->digest, digest_of('c'));
  EXPECT_EQ(select_platform(entries, platform("windows/amd64"))->digest, digest_of('e'));
  auto missing = select_platform(entries, platform("linux/s390x"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("no linux/s390x manifest"), std::string::npos);
  EXPECT_NE(missing.error().message().find("linux/arm/v7"), std::string::npos)
      << missing.error().message();
}

TEST(Manifest, SelectPlatformPrefersEntryWithoutVariant) {
  auto entries = index_of({entry('a', "linux", "amd64", "v3"), entry('b', "linux", "amd64")});
  EXPECT_EQ(select_platform(entries, platform("linux/amd64"))->digest, digest_of('b'));
  EXPECT_EQ(select_platform(entries, platform("linux/amd64/v3"))->digest, digest_of('a'));
  // Attestation manifests (unknown/unknown, as buildkit writes) are never chosen.
  auto attested = index_of({entry('f', "unknown", "unknown")});
  EXPECT_FALSE(select_platform(attested, platform("linux/amd64")));
}

TEST(Manifest, ParsePlatform) {
  auto p = parse_platform("linux/arm64/v8");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->os, "linux");
  EXPECT_EQ(p->architecture, "arm64");
  EXPECT_EQ(p->variant, "v8");
  for (auto bad :
       {"", "linux", "linux/", "/amd64", "linux/amd64/", "Linux/amd64", "linux/amd 64"}) {
    EXPECT_FALSE(parse_platform(bad)) << bad;
  }
}

TEST(Manifest, ParseManifest) {
  std::string body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      digest_of('c') +
      R"(","size":7},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
      digest_of('1') +
      R"(","size":1024},{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":")" +
      digest_of('2') + R"(","size":0}]})";
  auto m = parse_manifest(body);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->config.digest, digest_of('c'));
  EXPECT_EQ(m->config.size, 7);
  ASSERT_EQ(m->layers.size(), 2u);
  EXPECT_EQ(m->layers[0].size, 1024);
  EXPECT_EQ(m->layers[1].media_type, "application/vnd.docker.image.rootfs.diff.tar.gzip");
}

TEST(Manifest, BadDescriptorsAreErrors) {
  auto with_config = [](const std::string& config) {
    return parse_manifest(R"({"config":)" + config + R"(,"layers":[]})");
  };
  EXPECT_FALSE(with_config(R"({"digest":"sha256:abc","size":1})"));
  EXPECT_FALSE(with_config(R"({"digest":"sha512:)" + std::string(128, 'a') + R"(","size":1})"));
  EXPECT_FALSE(with_config(R"({"digest":"sha256:../../../../etc/passwd)" + std::string(40, 'a') +
                           R"(","size":1})"));
  EXPECT_FALSE(with_config(R"({"digest":")" + digest_of('a') + R"("})"));
  EXPECT_FALSE(with_config(R"({"digest":")" + digest_of('a') + R"(","size":-1})"));
  EXPECT_FALSE(with_config(R"({"digest":")" + digest_of('a') + R"(","size":"1"})"));
  EXPECT_FALSE(with_config("[]"));
  EXPECT_TRUE(with_config(R"({"digest":")" + digest_of('a') + R"(","size":1})"));
  EXPECT_FALSE(parse_manifest(R"({"config":{}})"));
  EXPECT_FALSE(parse_manifest("[]"));
  EXPECT_FALSE(parse_index(R"({"manifests":{}})"));
  EXPECT_FALSE(parse_index(R"({"manifests":[{"digest":"x","size":1}]})"));
}

}  // namespace
}  // namespace faas::registry::detail
