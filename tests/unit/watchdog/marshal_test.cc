// marshal_request: the classic watchdog's marshal_request=true stdin document.
#include <gtest/gtest.h>

#include "fork_handler.h"

namespace faas::watchdog {
namespace {

namespace bhttp = http::bhttp;

http::RequestHeader request_with(std::initializer_list<std::pair<const char*, const char*>> fields) {
  http::RequestHeader req;
  req.method(bhttp::verb::post);
  req.target("/");
  for (auto [k, v] : fields) req.insert(k, v);
  return req;
}

TEST(MarshalRequest, HeadersCanonicalSortedAndMultiValued) {
  auto req = request_with({{"x-foo", "a"},
                           {"Content-Type", "application/json"},
                           {"X-FOO", "b"},
                           {"Host", "gw"},
                           {"Content-Length", "3"}});
  EXPECT_EQ(marshal_request(req, "abc"),
            R"({"header":{"header":{"Content-Type":["application/json"],"X-Foo":["a","b"]}},)"
            R"("body":{"raw":"YWJj"}})");
}

TEST(MarshalRequest, Base64Padding) {
  auto req = request_with({});
  EXPECT_EQ(marshal_request(req, ""), R"({"header":{"header":{}},"body":{"raw":""}})");
  EXPECT_EQ(marshal_request(req, "a"), R"({"header":{"header":{}},"body":{"raw":"YQ=="}})");
  EXPECT_EQ(marshal_request(req, "ab"), R"({"header":{"header":{}},"body":{"raw":"YWI="}})");
  EXPECT_EQ(marshal_request(req, std::string_view("\xff\x00\xfe", 3)),
            R"({"header":{"header":{}},"body":{"raw":"/wD+"}})");
}

TEST(MarshalRequest, JsonEscapesHeaderValues) {
  auto req = request_with({{"X-Q", "say \"hi\" \\ \t\x01"}});
  EXPECT_EQ(marshal_request(req, ""),
            R"({"header":{"header":{"X-Q":["say \"hi\" \\ \t\u0001"]}},"body":{"raw":""}})");
}

TEST(MarshalRequest, TransferEncodingIsNotAHeader) {
  auto req = request_with({{"Transfer-Encoding", "chunked"}, {"Accept", "*/*"}});
  EXPECT_EQ(marshal_request(req, "x"),
            R"({"header":{"header":{"Accept":["*/*"]}},"body":{"raw":"eA=="}})");
}

}  // namespace
}  // namespace faas::watchdog
