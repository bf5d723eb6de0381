#include "faas/http/client.h"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/imposter.h"

namespace faas::http {
namespace {

using test::Imposter;
using test::Reply;
using namespace std::chrono_literals;

// Runs one coroutine on `io` to completion and returns its result.
template <class T>
T run(net::io_context& io, awaitable<T> op) {
  auto future = net::co_spawn(io, std::move(op), net::use_future);
  io.restart();
  io.run();
  return future.get();
}

Client make_client(net::io_context& io, const std::string& url, ClientOptions options = {}) {
  auto c = Client::create(io.get_executor(), url, std::move(options));
  EXPECT_TRUE(c) << c.error().message();
  return std::move(*c);
}

ClientRequest get(std::string target, std::chrono::nanoseconds timeout = 10s) {
  ClientRequest r;
  r.target = std::move(target);
  r.timeout = timeout;
  return r;
}

// A sink that appends what it gets to `out` and always asks for more.
ChunkSink collect(std::vector<std::string>& out) {
  return [&out](std::string_view piece) -> awaitable<bool> {
    out.emplace_back(piece);
    co_return true;
  };
}

TEST(Client, GetReturnsStatusHeadersAndBody) {
  Imposter imp;
  Reply reply = Reply::json(200, R"({"ok":true})");
  reply.headers.emplace_back("X-Test", "yes");
  imp.when("GET", "/x", reply);
  net::io_context io;
  auto client = make_client(io, imp.url());

  auto r = run(io, client.request(get("/x?y=1")));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_EQ(r->headers["X-Test"], "yes");
  auto seen = imp.last_request();
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/x?y=1");
  EXPECT_EQ(seen.header("Host"), "127.0.0.1:" + std::to_string(imp.port()));
  EXPECT_EQ(seen.header("User-Agent"), "faas++");
}

TEST(Client, PostSendsHeadersAndBody) {
  Imposter imp;
  imp.when("POST", "/echo", Reply::text(202, ""));
  net::io_context io;
  auto client = make_client(io, imp.url());
  ClientRequest req = get("/echo");
  req.method = bhttp::verb::post;
  req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Basic eDp5"}};
  req.body = R"({"a":1})";

  auto r = run(io, client.request(req));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 202u);
  auto seen = imp.last_request();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.body, R"({"a":1})");
  EXPECT_EQ(seen.header("Content-Length"), "7");
  EXPECT_EQ(seen.header("Content-Type"), "application/json");
  EXPECT_EQ(seen.header("Authorization"), "Basic eDp5");
}

TEST(Client, BaseUrlPathIsPrefixedToEveryTarget) {
  Imposter imp;
  imp.when("GET", "/api/system/info", Reply::json(200, "{}"));
  net::io_context io;
  auto client = make_client(io, imp.url() + "/api/");
  EXPECT_EQ(client.path_prefix(), "/api");

  auto r = run(io, client.request(get("/system/info")));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(imp.last_request().target, "/api/system/info");
}

TEST(Client, ErrorStatusIsAResponseWithItsBody) {
  Imposter imp;
  imp.when("GET", "/missing", Reply::text(404, "not here\n"));
  net::io_context io;
  auto client = make_client(io, imp.url());

  auto r = run(io, client.request(get("/missing")));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 404u);
  EXPECT_EQ(r->body, "not here\n");
}

TEST(Client, SequentialRequestsReuseOneKeepAliveConnection) {
  Imposter imp;
  imp.when("GET", "/x", Reply::text(200, "x"));
  net::io_context io;
  auto client = make_client(io, imp.url());

  for (int i = 0; i < 3; ++i) {
    auto r = run(io, client.request(get("/x")));
    ASSERT_TRUE(r) << r.error().message();
  }
  EXPECT_EQ(imp.connections(), 1u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST(Client, ConcurrentRequestsUseSeparateConnections) {
  Imposter imp;
  imp.when("GET", "/x", Reply::text(200, "x"));
  net::io_context io;
  auto client = make_client(io, imp.url());

  auto a = net::co_spawn(io, client.request(get("/x")), net::use_future);
  auto b = net::co_spawn(io, client.request(get("/x")), net::use_future);
  io.run();
  EXPECT_TRUE(a.get());
  EXPECT_TRUE(b.get());
  EXPECT_EQ(imp.connections(), 2u);
  EXPECT_EQ(client.idle_connections(), 2u);
}

TEST(Client, StalePooledConnectionIsRetriedOnceOnAFreshOne) {
  Imposter imp;
  Reply reply = Reply::text(200, "ok");
  reply.close_after = true;  // the server drops the connection the client keeps
  imp.when("POST", "/x", reply);
  net::io_context io;
  auto client = make_client(io, imp.url());
  ClientRequest req = get("/x");
  req.method = bhttp::verb::post;
  req.body = "payload";

  for (int i = 0; i < 2; ++i) {
    auto r = run(io, client.request(req));
    ASSERT_TRUE(r) << "request " << i << ": " << r.error().message();
    EXPECT_EQ(r->body, "ok");
  }
  EXPECT_EQ(imp.connections(), 2u);
  ASSERT_EQ(imp.requests().size(), 2u);
  EXPECT_EQ(imp.requests()[1].body, "payload");
}

TEST(Client, WhenEveryPooledConnectionIsStaleTheRetryUsesAFreshOne) {
  Imposter imp;
  Reply reply = Reply::text(200, "ok");
  reply.close_after = true;
  imp.when("GET", "/x", reply);
  net::io_context io;
  auto client = make_client(io, imp.url());
  auto a = net::co_spawn(io, client.request(get("/x")), net::use_future);
  auto b = net::co_spawn(io, client.request(get("/x")), net::use_future);
  io.run();
  ASSERT_TRUE(a.get() && b.get());
  ASSERT_EQ(client.idle_connections(), 2u);  // both already closed by the server

  auto r = run(io, client.request(get("/x")));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(imp.connections(), 3u);
  EXPECT_EQ(client.idle_connections(), 1u);  // the stale pair was dropped, the fresh one kept
}

TEST(Client, ConnectionRefusedIsConnectError) {
  auto port = test::pick_free_port();
  ASSERT_TRUE(port);
  net::io_context io;
  auto client = make_client(io, "http://127.0.0.1:" + std::to_string(*port));

  auto r = run(io, client.request(get("/")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ClientErrc::kConnect);
  EXPECT_NE(r.error().message().find("127.0.0.1"), std::string::npos) << r.error().message();
}

TEST(Client, ServerThatNeverAnswersTimesOut) {
  Imposter imp;
  imp.when("GET", "/slow", Reply::hang());
  net::io_context io;
  auto client = make_client(io, imp.url());

  auto r = run(io, client.request(get("/slow", 200ms)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ClientErrc::kTimeout) << r.error().message();
}

TEST(Client, BodyOverTheCapIsTooLarge) {
  Imposter imp;
  imp.when("GET", "/big", Reply::text(200, std::string(5000, 'a')));
  Reply chunked = Reply::text(200, "");
  chunked.chunks = {std::string(800, 'b'), std::string(800, 'c')};
  imp.when("GET", "/big-chunked", chunked);
  net::io_context io;
  ClientOptions options;
  options.max_body = 1000;
  auto client = make_client(io, imp.url(), options);

  for (const char* target : {"/big", "/big-chunked"}) {
    auto r = run(io, client.request(get(target)));
    ASSERT_FALSE(r) << target;
    EXPECT_EQ(r.error().code, ClientErrc::kTooLarge) << r.error().message();
    EXPECT_NE(r.error().message().find("1000"), std::string::npos) << r.error().message();
  }
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST(Client, GarbageOrNoResponseIsBadResponse) {
  Imposter imp;
  imp.when("GET", "/garbage", Reply::raw_bytes("this is not HTTP\r\n\r\n"));
  imp.when("GET", "/close", Reply::close());
  net::io_context io;
  auto client = make_client(io, imp.url());

  for (const char* target : {"/garbage", "/close"}) {
    auto r = run(io, client.request(get(target)));
    ASSERT_FALSE(r) << target;
    EXPECT_EQ(r.error().code, ClientErrc::kBadResponse) << r.error().message();
  }
}

TEST(Client, CreateRejectsHostNamesAndQueries) {
  net::io_context io;
  EXPECT_FALSE(Client::create(io.get_executor(), "http://example.com:8081"));
  EXPECT_FALSE(Client::create(io.get_executor(), "http://127.0.0.1:8081/x?y=1"));
  auto ok = Client::create(io.get_executor(), "localhost:8081");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->endpoint().port(), 8081);
}

TEST(ClientStream, DeliversEachPieceBeforeTheNextIsSent) {
  Imposter imp;
  std::promise<void> first_seen;
  // Shared with the imposter's thread by value: it may still be in the hook when the test ends.
  auto second_released = std::make_shared<std::atomic<bool>>(false);
  Reply reply = Reply::text(200, "");
  reply.chunks = {"first", "second"};
  reply.before_chunk = [seen = first_seen.get_future().share(), second_released](std::size_t i) {
    if (i != 1) return;
    // Bounded: a client that buffers the whole body never signals, and fails below.
    seen.wait_for(10s);
    *second_released = true;
  };
  imp.when("GET", "/stream", reply);
  net::io_context io;
  auto client = make_client(io, imp.url());
  std::vector<std::string> pieces;
  bool second_was_out_at_first = true;
  ChunkSink sink = [&](std::string_view piece) -> awaitable<bool> {
    if (pieces.empty()) {
      second_was_out_at_first = second_released->load();
      first_seen.set_value();
    }
    pieces.emplace_back(piece);
    co_return true;
  };

  auto r = run(io, client.stream(get("/stream"), sink));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200u);
  EXPECT_FALSE(second_was_out_at_first);
  EXPECT_EQ(pieces, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST(ClientStream, LinesAreSplitAcrossPieces) {
  Imposter imp;
  Reply reply = Reply::text(200, "");
  reply.chunks = {"one\ntw", "o\r\n\nthr", "ee"};
  imp.when("GET", "/lines", reply);
  net::io_context io;
  auto client = make_client(io, imp.url());
  std::vector<std::string> lines;

  auto r = run(io, client.stream_lines(get("/lines"), collect(lines)));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(ClientStream, SinkReturningFalseStopsAndDropsTheConnection) {
  Imposter imp;
  Reply reply = Reply::text(200, "");
  reply.chunks = {"a\nb\n", "c\n"};
  imp.when("GET", "/lines", reply);
  net::io_context io;
  auto client = make_client(io, imp.url());
  std::vector<std::string> lines;
  ChunkSink sink = [&](std::string_view line) -> awaitable<bool> {
    lines.emplace_back(line);
    co_return false;
  };

  auto r = run(io, client.stream_lines(get("/lines"), sink));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(lines, std::vector<std::string>{"a"});
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST(ClientStream, ErrorStatusBodyIsReturnedNotStreamed) {
  Imposter imp;
  imp.when("GET", "/logs", Reply::text(501, "Feature not implemented"));
  net::io_context io;
  auto client = make_client(io, imp.url());
  std::vector<std::string> lines;

  auto r = run(io, client.stream_lines(get("/logs"), collect(lines)));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 501u);
  EXPECT_EQ(r->body, "Feature not implemented");
  EXPECT_TRUE(lines.empty());
}

TEST(ClientStream, BodyThatStopsComingIsStalledNotTimedOut) {
  Imposter imp;
  std::promise<void> done;
  Reply reply = Reply::text(200, "");
  reply.chunks = {"line\n", "late\n"};
  reply.before_chunk = [done_future = done.get_future().share()](std::size_t i) {
    if (i == 1) done_future.wait_for(10s);  // holds the stream open and quiet
  };
  imp.when("GET", "/quiet", reply);
  net::io_context io;
  auto client = make_client(io, imp.url());
  std::vector<std::string> lines;

  // Long enough for the head to arrive on a loaded machine; the quiet body then stalls it.
  auto r = run(io, client.stream_lines(get("/quiet", 1s), collect(lines)));
  done.set_value();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ClientErrc::kStalled) << r.error().message();
  EXPECT_EQ(lines, std::vector<std::string>{"line"});
}

TEST(ClientStream, LineOverTheCapIsTooLarge) {
  Imposter imp;
  Reply reply = Reply::text(200, "");
  reply.chunks = {"short\n", std::string(300, 'x'), std::string(300, 'y')};
  imp.when("GET", "/lines", reply);
  net::io_context io;
  ClientOptions options;
  options.max_line = 500;
  auto client = make_client(io, imp.url(), options);
  std::vector<std::string> lines;

  auto r = run(io, client.stream_lines(get("/lines"), collect(lines)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ClientErrc::kTooLarge) << r.error().message();
  EXPECT_EQ(lines, std::vector<std::string>{"short"});
}

}  // namespace
}  // namespace faas::http
