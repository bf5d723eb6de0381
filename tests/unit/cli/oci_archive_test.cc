#include "faas/cli/oci_archive.h"

#include <gtest/gtest.h>

#include "faas/cli/process.h"

#include "test_util.h"

namespace faas::cli {
namespace {

TEST(OciArchive, NamesTheImageFromTheIndex) {
  auto name = [](std::string_view index) {
    auto r = archive_image_name(index, "fn");
    return r ? *r : "error: " + r.error().message();
  };
  // buildah push IMG oci-archive:FILE:hello:0.1
  EXPECT_EQ(
      name(R"({"manifests":[{"annotations":{"org.opencontainers.image.ref.name":"hello:0.1"}}]})"),
      "hello:0.1");
  // docker save: the whole name in the containerd annotation, only the tag in the OCI one.
  EXPECT_EQ(
      name(R"({"manifests":[{"annotations":{"io.containerd.image.name":"docker.io/library/x:2",
                   "org.opencontainers.image.ref.name":"2"}}]})"),
      "docker.io/library/x:2");
  EXPECT_EQ(name(R"({"manifests":[{"annotations":{"org.opencontainers.image.ref.name":"0.3"}}]})"),
            "fn:0.3");
  EXPECT_EQ(name(R"({"manifests":[{"digest":"sha256:00"}]})"), "fn:latest");
  EXPECT_EQ(name(R"({"manifests":[]})"), "fn:latest");
  EXPECT_EQ(name(R"({"schemaVersion":2})"), "error: bad OCI index.json: no manifests");
  EXPECT_EQ(name("not json"), "error: bad OCI index.json: no manifests");
}

TEST(OciArchive, FindsIndexJsonInATar) {
  testing::TempDir dir;
  dir.write("layout/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  dir.write("layout/blobs/sha256/aa", std::string(1500, 'x'));  // more than one tar block
  dir.write("layout/index.json", R"({"manifests":[]})");
  auto tar = capture_process({"/bin/tar", "-C", (dir.path() / "layout").string(), "-cf",
                              (dir.path() / "a.tar").string(), "oci-layout", "blobs", "index.json"},
                             {{"PATH", "/usr/bin:/bin"}});
  ASSERT_TRUE(tar);
  ASSERT_EQ(tar->exit_code, 0);
  auto index = read_archive_index(dir.path() / "a.tar");
  ASSERT_TRUE(index) << index.error().message();
  EXPECT_EQ(*index, R"({"manifests":[]})");

  auto not_tar = read_archive_index(dir.write("b.tar", std::string(2048, '\0')));
  ASSERT_FALSE(not_tar);
  EXPECT_NE(not_tar.error().message().find("is not an OCI image archive"), std::string::npos);
  EXPECT_FALSE(read_archive_index(dir.path() / "absent.tar"));
}

}  // namespace
}  // namespace faas::cli
