#include "faas/http/listener.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace faas::http {
namespace {

std::string endpoint_text(std::string_view url, std::uint16_t default_port = 80) {
  auto ep = parse_endpoint(url, default_port);
  if (!ep) return "error";
  return ep->address().to_string() + " " + std::to_string(ep->port());
}

TEST(ParseEndpoint, HostPort) {
  EXPECT_EQ(endpoint_text("127.0.0.1:8082"), "127.0.0.1 8082");
  EXPECT_EQ(endpoint_text("10.62.0.5:8080"), "10.62.0.5 8080");
}

TEST(ParseEndpoint, UrlWithSchemeAndPath) {
  EXPECT_EQ(endpoint_text("http://127.0.0.1:8082"), "127.0.0.1 8082");
  EXPECT_EQ(endpoint_text("http://127.0.0.1:3000/api/v1?x=1"), "127.0.0.1 3000");
}

TEST(ParseEndpoint, LocalhostAndEmptyHostMeanLoopback) {
  EXPECT_EQ(endpoint_text("http://localhost:5000"), "127.0.0.1 5000");
  EXPECT_EQ(endpoint_text(":9000"), "127.0.0.1 9000");
}

TEST(ParseEndpoint, DefaultPort) {
  EXPECT_EQ(endpoint_text("http://127.0.0.1"), "127.0.0.1 80");
  EXPECT_EQ(endpoint_text("http://127.0.0.1/", 8082), "127.0.0.1 8082");
}

TEST(ParseEndpoint, Ipv6Literals) {
  EXPECT_EQ(endpoint_text("[::1]:9000"), "::1 9000");
  EXPECT_EQ(endpoint_text("http://[::1]/path"), "::1 80");
}

TEST(ParseEndpoint, RejectsNamesAndBadPorts) {
  for (const char* bad : {"example.com:80", "http://upstream:8080", "127.0.0.1:0",
                          "127.0.0.1:65536", "127.0.0.1:http", "127.0.0.1:", "[::1", "[::1]:x",
                          "999.0.0.1:80"}) {
    EXPECT_EQ(endpoint_text(bad), "error") << bad;
  }
}

TEST(Listener, PortZeroPicksAFreePort) {
  boost::asio::io_context io;
  auto l = Listener::bind(io.get_executor(), "127.0.0.1", 0);
  ASSERT_TRUE(l) << l.error().message();
  EXPECT_NE(l->port(), 0);
  l->close();
}

TEST(Listener, RejectsNonIpAddress) {
  boost::asio::io_context io;
  auto l = Listener::bind(io.get_executor(), "localhost", 0);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message().find("localhost"), std::string::npos);
}

}  // namespace
}  // namespace faas::http
