// Large bodies through fwatchdog: streamed end to end with flat memory, and intact byte for byte.
#include <iostream>
#include <thread>

#include "support/byte_pattern.h"
#include "test_helpers.h"

namespace faas::test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// While 1 GiB streams through, fwatchdog's peak resident memory may grow by at most this much
// over what it used before the request: the body is never buffered.
constexpr std::int64_t kMaxGrowthKib = 64 * 1024;
// And in a normal build its whole peak stays under the same bound. (A sanitized fwatchdog starts
// at ~100 MiB of shadow memory and allocator caches, so only the growth is checked there.)
constexpr std::int64_t kMaxHwmKib = 64 * 1024;

struct Received {
  bool complete = false;
  std::string error;
};

// Reads the response body on this thread, checking it against the pattern as it arrives.
Received read_pattern_body(HttpConnection& c, PatternVerifier& verifier) {
  Received out;
  auto head = c.read_head();
  if (!head) {
    out.error = "head: " + head.error().message();
    return out;
  }
  if (head->status != 200) {
    out.error = "status " + std::to_string(head->status);
    return out;
  }
  for (;;) {
    auto piece = c.read_body_piece(1 << 20);
    if (!piece) {
      out.error = "body: " + piece.error().message();
      return out;
    }
    if (piece->empty()) break;
    verifier.consume(*piece);
  }
  out.complete = true;
  return out;
}

TEST(LargeBodyTest, OneGibibyteStreamsThroughCatWithFlatMemory) {
  Environment env{{"mode", "streaming"}, {"fprocess", "cat"}, {"exec_timeout", "0"}};
  if (kSanitized) {
    // Measure fwatchdog, not ASan's quarantine of freed blocks (256 MiB by default).
    auto inherited = inherited_environment();
    auto asan = inherited.contains("ASAN_OPTIONS") ? inherited["ASAN_OPTIONS"] + ":" : "";
    env["ASAN_OPTIONS"] = asan + "quarantine_size_mb=16";
  }
  auto wd = start_watchdog(std::move(env));
  ASSERT_TRUE(wd);
  auto before = read_memory_usage(wd->pid());
  ASSERT_TRUE(before) << "cannot read /proc/" << wd->pid() << "/status";
  auto c = HttpConnection::connect(wd->port(), std::chrono::seconds(30));
  ASSERT_TRUE(c) << error_text(c);
  const std::uint64_t size = 1ull << 30;
  ASSERT_TRUE(c->send_chunked_head({.method = "POST"}));
  Result<std::uint64_t> sent = 0ull;
  std::thread writer([&] {
    PatternSource source(size, 256 * 1024);
    sent = c->send_chunked_body(std::ref(source));
  });
  PatternVerifier verifier;
  auto received = read_pattern_body(*c, verifier);
  writer.join();
  auto memory = read_memory_usage(wd->pid());

  ASSERT_TRUE(sent) << error_text(sent);
  EXPECT_EQ(*sent, size);
  EXPECT_TRUE(received.complete) << received.error;
  EXPECT_EQ(verifier.received(), size);
  EXPECT_TRUE(verifier.ok()) << "first bad byte at offset " << verifier.first_mismatch();
  ASSERT_TRUE(memory) << "cannot read /proc/" << wd->pid() << "/status";
  RecordProperty("fwatchdog_vmhwm_kib", std::to_string(memory->hwm_kib));
  std::cout << "fwatchdog VmRSS before: " << before->rss_kib
            << " KiB, VmHWM after 1 GiB: " << memory->hwm_kib << " KiB\n";
  EXPECT_LT(memory->hwm_kib - before->rss_kib, kMaxGrowthKib)
      << "VmRSS before " << before->rss_kib << " KiB, VmHWM after " << memory->hwm_kib << " KiB";
  if (!kSanitized) {
    EXPECT_LT(memory->hwm_kib, kMaxHwmKib) << "VmHWM " << memory->hwm_kib << " KiB";
  }
}

TEST(LargeBodyTest, HundredMegabytesRoundTripThroughHttpModeEcho) {
  auto port = pick_free_port();
  ASSERT_TRUE(port) << error_text(port);
  auto wd = start_watchdog({{"mode", "http"},
                            {"fprocess", upstream_path() + " --port " + std::to_string(*port)},
                            {"upstream_url", "http://127.0.0.1:" + std::to_string(*port)}});
  ASSERT_TRUE(wd);
  auto c = HttpConnection::connect(wd->port(), std::chrono::seconds(30));
  ASSERT_TRUE(c) << error_text(c);
  const std::uint64_t size = 100ull << 20;
  // Content-Length framing here (the 1 GiB test covers chunked uploads).
  ASSERT_TRUE(c->send_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n"));
  bool sent_all = false;
  std::thread writer([&] {
    PatternSource source(size, 256 * 1024);
    for (auto piece = source(); !piece.empty(); piece = source()) {
      if (!c->send_raw(piece)) return;
    }
    sent_all = true;
  });
  PatternVerifier verifier;
  auto received = read_pattern_body(*c, verifier);
  writer.join();

  EXPECT_TRUE(sent_all);
  EXPECT_TRUE(received.complete) << received.error;
  EXPECT_EQ(verifier.received(), size);
  EXPECT_TRUE(verifier.ok()) << "first bad byte at offset " << verifier.first_mismatch();
}

}  // namespace
}  // namespace faas::test
