#include "faas/registry/reference.h"

#include <gtest/gtest.h>

namespace faas::registry {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

struct Normalized {
  std::string input, registry, repository, tag, digest, str;
};

TEST(Reference, NormalizationTable) {
  const Normalized table[] = {
      {"alpine", "docker.io", "library/alpine", "latest", "", "docker.io/library/alpine:latest"},
      {"alpine:3.18", "docker.io", "library/alpine", "3.18", "", "docker.io/library/alpine:3.18"},
      {"openfaas/of-watchdog:0.9.1", "docker.io", "openfaas/of-watchdog", "0.9.1", "",
       "docker.io/openfaas/of-watchdog:0.9.1"},
      {"docker.io/alpine", "docker.io", "library/alpine", "latest", "",
       "docker.io/library/alpine:latest"},
      {"index.docker.io/user/repo", "docker.io", "user/repo", "latest", "",
       "docker.io/user/repo:latest"},
      {"ghcr.io/openfaas/gateway:1", "ghcr.io", "openfaas/gateway", "1", "",
       "ghcr.io/openfaas/gateway:1"},
      {"ghcr.io/one", "ghcr.io", "one", "latest", "", "ghcr.io/one:latest"},
      {"127.0.0.1:5000/fn", "127.0.0.1:5000", "fn", "latest", "", "127.0.0.1:5000/fn:latest"},
      {"127.0.0.1:5000/fn:1", "127.0.0.1:5000", "fn", "1", "", "127.0.0.1:5000/fn:1"},
      {"localhost/repo", "localhost", "repo", "latest", "", "localhost/repo:latest"},
      {"localhost:5000/a/b/c:v_1", "localhost:5000", "a/b/c", "v_1", "",
       "localhost:5000/a/b/c:v_1"},
      {"[::1]:5000/fn:2", "[::1]:5000", "fn", "2", "", "[::1]:5000/fn:2"},
      {"my-registry.example.com/a__b/c.d-e:Tag.1-x", "my-registry.example.com", "a__b/c.d-e",
       "Tag.1-x", "", "my-registry.example.com/a__b/c.d-e:Tag.1-x"},
      {"alpine@" + kDigest, "docker.io", "library/alpine", "", kDigest,
       "docker.io/library/alpine@" + kDigest},
      {"127.0.0.1:5000/fn:1@" + kDigest, "127.0.0.1:5000", "fn", "1", kDigest,
       "127.0.0.1:5000/fn:1@" + kDigest},
      // docker too reads "localhost:5000" without a slash as repository "localhost", tag "5000".
      {"localhost:5000", "docker.io", "library/localhost", "5000", "",
       "docker.io/library/localhost:5000"},
  };
  for (const auto& row : table) {
    auto ref = parse_reference(row.input);
    ASSERT_TRUE(ref.has_value()) << row.input << ": " << ref.error().message();
    EXPECT_EQ(ref->registry, row.registry) << row.input;
    EXPECT_EQ(ref->repository, row.repository) << row.input;
    EXPECT_EQ(ref->tag, row.tag) << row.input;
    EXPECT_EQ(ref->digest, row.digest) << row.input;
    EXPECT_EQ(ref->str(), row.str) << row.input;
    // Normalizing twice changes nothing.
    auto again = parse_reference(ref->str());
    ASSERT_TRUE(again.has_value()) << ref->str();
    EXPECT_EQ(*again, *ref);
  }
}

TEST(Reference, ManifestRefPrefersDigest) {
  EXPECT_EQ(parse_reference("a:1")->manifest_ref(), "1");
  EXPECT_EQ(parse_reference("a:1@" + kDigest)->manifest_ref(), kDigest);
}

TEST(Reference, PlainHttpOnlyForLoopback) {
  EXPECT_TRUE(parse_reference("127.0.0.1:5000/fn")->plain_http());
  EXPECT_TRUE(parse_reference("127.3.4.5/fn")->plain_http());
  EXPECT_TRUE(parse_reference("localhost/fn")->plain_http());
  EXPECT_TRUE(parse_reference("localhost:5000/fn")->plain_http());
  EXPECT_TRUE(parse_reference("[::1]:5000/fn")->plain_http());
  EXPECT_FALSE(parse_reference("alpine")->plain_http());
  EXPECT_FALSE(parse_reference("ghcr.io/a/b")->plain_http());
  EXPECT_FALSE(parse_reference("localhost.example.com/fn")->plain_http());
  EXPECT_FALSE(parse_reference("10.0.0.1:5000/fn")->plain_http());
  // Names that merely look local are not.
  EXPECT_FALSE(parse_reference("127.example.com/fn")->plain_http());
  EXPECT_FALSE(parse_reference("127.0.0.1.nip.io/fn")->plain_http());
  EXPECT_FALSE(parse_reference("127.0.0.256/fn")->plain_http());
  EXPECT_FALSE(parse_reference("localhost.example.com:5000/fn")->plain_http());
}

TEST(Reference, LoopbackHost) {
  for (auto host : {"localhost", "127.0.0.1", "127.1.2.3", "127.255.255.255", "[::1]"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (auto host : {"", "127", "127.0.0", "127.0.0.1.", "127..0.1", "127.0.0.1000", "128.0.0.1",
                    "127.0.0.x", "[::2]", "::1", "localhost:5000"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

void expect_error(const std::string& input, const std::string& needle) {
  auto ref = parse_reference(input);
  ASSERT_FALSE(ref.has_value()) << input << " parsed as " << ref->str();
  EXPECT_NE(ref.error().message().find(needle), std::string::npos)
      << input << ": " << ref.error().message();
}

TEST(Reference, BadInputSaysWhatIsWrong) {
  expect_error("", "empty");
  expect_error("Alpine", "must be lowercase");
  expect_error("ghcr.io/OpenFaaS/gw", "must be lowercase");
  expect_error("alpine:", "bad tag");
  expect_error("alpine:-x", "bad tag");
  expect_error("alpine:" + std::string(129, 'a'), "bad tag");
  expect_error("alpine:a/b", "bad registry host \"alpine:a\"");
  expect_error("alpine@sha256:abc", "wrong length");
  expect_error("alpine@sha256:" + std::string(64, 'A'), "lowercase hex");
  expect_error("alpine@md5:" + std::string(32, 'a'), "unsupported digest");
  expect_error("alpine@", "digest");
  expect_error(":tag", "no repository");
  expect_error("a//b", "bad repository");
  expect_error("a/b/", "bad repository");
  expect_error("a..b", "bad repository");
  expect_error("a-", "bad repository");
  expect_error("_a", "bad repository");
  expect_error("a___b", "bad repository");
  expect_error("a b", "bad repository");
  expect_error("-host.io/a", "bad registry");
  expect_error("host.io:port/a", "bad registry");
  expect_error("[::1/a", "bad registry");
  expect_error("[zz]:5000/a", "bad registry");
  expect_error(std::string(64, 'f'), "image id");
  expect_error("ghcr.io/" + std::string(250, 'a'), "longer than 255");
}

}  // namespace
}  // namespace faas::registry
