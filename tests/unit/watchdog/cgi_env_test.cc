#include "faas/watchdog/cgi_env.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace faas::watchdog {
namespace {

namespace bhttp = http::bhttp;

http::RequestHeader post_request() {
  http::RequestHeader req;
  req.method(bhttp::verb::post);
  req.target("/api/v1%20x?name=a%20b&q=1");
  req.version(11);
  req.set(bhttp::field::host, "gateway:8080");
  req.set(bhttp::field::content_type, "text/plain");
  req.set(bhttp::field::content_length, "5");
  req.set(bhttp::field::user_agent, "curl/8.0");
  req.insert("x-call-id", "abc");
  return req;
}

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

int count_prefix(const std::vector<std::string>& env, const std::string& prefix) {
  return static_cast<int>(std::count_if(env.begin(), env.end(),
                                        [&](const std::string& e) { return e.starts_with(prefix); }));
}

TEST(CanonicalHeaderKey, GoCanonicalForm) {
  EXPECT_EQ(canonical_header_key("content-type"), "Content-Type");
  EXPECT_EQ(canonical_header_key("x-call-id"), "X-Call-Id");
  EXPECT_EQ(canonical_header_key("X-CALL-ID"), "X-Call-Id");
  EXPECT_EQ(canonical_header_key("accept"), "Accept");
  EXPECT_EQ(canonical_header_key("x-b3-traceid"), "X-B3-Traceid");
  EXPECT_EQ(canonical_header_key(""), "");
}

TEST(CgiEnvironment, ForkModeVariables) {
  auto env = cgi_environment({{"PATH", "/usr/bin"}}, post_request(), {});
  EXPECT_TRUE(has(env, "PATH=/usr/bin"));
  EXPECT_TRUE(has(env, "Http_Content_Type=text/plain"));
  EXPECT_TRUE(has(env, "Http_User_Agent=curl/8.0"));
  EXPECT_TRUE(has(env, "Http_X_Call_Id=abc"));
  EXPECT_TRUE(has(env, "Http_Method=POST"));
  EXPECT_TRUE(has(env, "Http_Query=name=a%20b&q=1"));  // raw
  EXPECT_TRUE(has(env, "Http_Path=/api/v1 x"));        // decoded
  // of-watchdog exports neither the length nor the host.
  EXPECT_EQ(count_prefix(env, "Http_Content_Length="), 0);
  EXPECT_EQ(count_prefix(env, "Http_ContentLength="), 0);
  EXPECT_EQ(count_prefix(env, "Http_Host="), 0);
}

TEST(CgiEnvironment, ClassicAddsLengthAndHost) {
  auto env = cgi_environment({}, post_request(), {.classic = true});
  EXPECT_TRUE(has(env, "Http_ContentLength=5"));
  EXPECT_TRUE(has(env, "Http_Content_Length=5"));
  EXPECT_TRUE(has(env, "Http_Host=gateway:8080"));
  EXPECT_EQ(count_prefix(env, "Http_Content_Length="), 1);
}

TEST(CgiEnvironment, ClassicChunkedLengthIsMinusOne) {
  http::RequestHeader req;
  req.method(bhttp::verb::post);
  req.target("/");
  req.set(bhttp::field::transfer_encoding, "chunked");
  auto env = cgi_environment({}, req, {.classic = true});
  EXPECT_TRUE(has(env, "Http_Transfer_Encoding=chunked"));
  EXPECT_TRUE(has(env, "Http_Content_Length=-1"));
  EXPECT_TRUE(has(env, "Http_ContentLength=-1"));
}

TEST(CgiEnvironment, ClassicNoBodyLengthIsZero) {
  http::RequestHeader req;
  req.method(bhttp::verb::get);
  req.target("/");
  auto env = cgi_environment({}, req, {.classic = true});
  EXPECT_TRUE(has(env, "Http_Content_Length=0"));
  EXPECT_TRUE(has(env, "Http_Method=GET"));
  EXPECT_TRUE(has(env, "Http_Path=/"));
  EXPECT_EQ(count_prefix(env, "Http_Query="), 0);  // only when non-empty
}

TEST(CgiEnvironment, RepeatedHeaderTakesFirstValue) {
  http::RequestHeader req;
  req.method(bhttp::verb::get);
  req.target("/");
  req.insert("X-Tag", "first");
  req.insert("x-tag", "second");
  auto env = cgi_environment({}, req, {});
  EXPECT_TRUE(has(env, "Http_X_Tag=first"));
  EXPECT_EQ(count_prefix(env, "Http_X_Tag="), 1);
}

TEST(CgiEnvironment, CgiHeadersOffIsTheBaseEnvironment) {
  Environment base{{"A", "1"}, {"fprocess", "cat"}};
  EXPECT_EQ(cgi_environment(base, post_request(), {.classic = true, .cgi_headers = false}),
            to_envp(base));
}

TEST(SplitTarget, DecodesPathKeepsQueryRaw) {
  Target t = split_target("/a%20b/%41?q=%20&x");
  EXPECT_EQ(t.path, "/a b/A");
  EXPECT_EQ(t.query, "q=%20&x");
  EXPECT_EQ(split_target("/").path, "/");
  EXPECT_EQ(split_target("/").query, "");
  EXPECT_EQ(split_target("/p?").query, "");
  EXPECT_EQ(split_target("").path, "");
}

TEST(SplitTarget, InvalidEscapesAreKept) {
  EXPECT_EQ(split_target("/%zz").path, "/%zz");
  EXPECT_EQ(split_target("/%4").path, "/%4");
  EXPECT_EQ(split_target("/100%").path, "/100%");
  EXPECT_EQ(split_target("/%2e%2E").path, "/..");  // decoding happens before path checks
}

}  // namespace
}  // namespace faas::watchdog
