// resolve_static_path and mime_type (mode=static).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "static_handler.h"

namespace faas::watchdog {
namespace {

namespace fs = std::filesystem;

class StaticPath : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "faas-static-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    fs::create_directory(root_ + "/sub");
    std::ofstream(root_ + "/a.txt") << "a";
    std::ofstream(root_ + "/sub/index.html") << "<p>";
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string root_;
};

TEST_F(StaticPath, MapsUnderRoot) {
  EXPECT_EQ(resolve_static_path(root_, "/a.txt"), root_ + "/a.txt");
  EXPECT_EQ(resolve_static_path(root_ + "/", "/a.txt"), root_ + "/a.txt");
  EXPECT_EQ(resolve_static_path(root_, "//a.txt"), root_ + "/a.txt");
  EXPECT_EQ(resolve_static_path(root_, "/./a.txt"), root_ + "/a.txt");
  EXPECT_EQ(resolve_static_path(root_, "/missing"), root_ + "/missing");  // the open then 404s
  EXPECT_EQ(resolve_static_path(root_, "/..."), root_ + "/...");           // a name, not a parent
}

TEST_F(StaticPath, DirectoriesServeIndexHtml) {
  EXPECT_EQ(resolve_static_path(root_, "/"), root_ + "/index.html");
  EXPECT_EQ(resolve_static_path(root_, ""), root_ + "/index.html");
  EXPECT_EQ(resolve_static_path(root_, "/sub"), root_ + "/sub/index.html");
  EXPECT_EQ(resolve_static_path(root_, "/sub/"), root_ + "/sub/index.html");
}

TEST(StaticPathRoot, FilesystemRootServesItsIndex) {
  // static_path=/ must not lose the root: "/" maps to "/index.html", "/etc" to "/etc/index.html".
  EXPECT_EQ(resolve_static_path("/", "/"), "/index.html");
  EXPECT_EQ(resolve_static_path("/", "/etc"), "/etc/index.html");
  EXPECT_EQ(resolve_static_path("/", "/etc/hostname"), "/etc/hostname");
}

TEST_F(StaticPath, RejectsTraversal) {
  for (std::string_view bad : {"/..", "..", "/../etc/passwd", "/sub/../../etc/passwd",
                               "/sub/..", "/a/../a.txt", "/sub/..//"}) {
    EXPECT_EQ(resolve_static_path(root_, bad), "") << bad;
  }
  EXPECT_EQ(resolve_static_path(root_, std::string_view("/a\0b", 4)), "");
}

TEST(MimeType, ByExtension) {
  EXPECT_EQ(mime_type("/x/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("data.json"), "application/json");
  EXPECT_EQ(mime_type("logo.png"), "image/png");
  EXPECT_EQ(mime_type("photo.jpeg"), "image/jpeg");
  EXPECT_EQ(mime_type("icon.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type("mod.wasm"), "application/wasm");
  EXPECT_EQ(mime_type("README"), "application/octet-stream");
  EXPECT_EQ(mime_type("dir.d/file"), "application/octet-stream");
}

}  // namespace
}  // namespace faas::watchdog
