// fwatchdog mode=static: a file server rooted at static_path.
#include "test_helpers.h"

namespace faas::test {
namespace {

class StaticTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("static");
    ASSERT_TRUE(d) << error_text(d);
    site_.emplace(std::move(*d));
    ASSERT_TRUE(site_->write("public/index.html", "<h1>home</h1>\n"));
    ASSERT_TRUE(site_->write("public/a.txt", "plain text file\n"));
    ASSERT_TRUE(site_->write("public/sub/index.html", "<p>sub</p>\n"));
    ASSERT_TRUE(site_->write("secret.txt", "outside the root\n"));
    wd_ = start_watchdog({{"mode", "static"}, {"static_path", site_->file("public")}});
    ASSERT_TRUE(wd_);
  }
  Result<Response> get(std::string target, std::string method = "GET") {
    return http_request(wd_->port(), {.method = std::move(method), .target = std::move(target)});
  }

  std::optional<TempDir> site_;
  std::unique_ptr<WatchdogProcess> wd_;
};

TEST_F(StaticTest, ServesAFileWithItsType) {
  auto r = get("/a.txt");
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "plain text file\n");
  EXPECT_TRUE(r->header("Content-Type").value_or("").starts_with("text/plain"));
}

TEST_F(StaticTest, DirectoryServesItsIndexHtml) {
  auto root = get("/");
  ASSERT_TRUE(root) << error_text(root);
  EXPECT_EQ(root->status, 200);
  EXPECT_EQ(root->body, "<h1>home</h1>\n");
  EXPECT_TRUE(root->header("Content-Type").value_or("").starts_with("text/html"));

  auto sub = get("/sub/");
  ASSERT_TRUE(sub) << error_text(sub);
  EXPECT_EQ(sub->status, 200);
  EXPECT_EQ(sub->body, "<p>sub</p>\n");
}

TEST_F(StaticTest, PathTraversalIsNotFound) {
  for (std::string target : {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                             "/sub/%2E%2E/%2E%2E/secret.txt"}) {
    auto r = get(target);
    ASSERT_TRUE(r) << target << ": " << error_text(r);
    EXPECT_EQ(r->status, 404) << target;
    EXPECT_EQ(r->body.find("outside the root"), std::string::npos) << target;
  }
}

TEST_F(StaticTest, MissingFileIsNotFound) {
  auto r = get("/nope.txt");
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(StaticTest, HeadSendsHeadersOnly) {
  auto c = HttpConnection::connect(wd_->port());
  ASSERT_TRUE(c) << error_text(c);
  auto head = c->round_trip({.method = "HEAD", .target = "/a.txt"});
  ASSERT_TRUE(head) << error_text(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length").value_or(""), "16");
  EXPECT_EQ(head->body, "");
  // Had the body been sent after all, it would be read as the next response's status line.
  auto next = c->round_trip({.target = "/a.txt"});
  ASSERT_TRUE(next) << error_text(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "plain text file\n");
}

TEST_F(StaticTest, OtherMethodsAreNotAllowed) {
  auto r = get("/a.txt", "POST");
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 405);
}

}  // namespace
}  // namespace faas::test
