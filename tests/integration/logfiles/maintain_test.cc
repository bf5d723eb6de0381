// Rotation (copytruncate) and retention, including rotation under a live O_APPEND writer, and a
// tail of a 100 MB file in bounded memory.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "fixture.h"

namespace faas::logfiles::test {
namespace {

using ::testing::ElementsAre;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(LogFilesTest, RotationCopiesTruncatesAndKeepsN) {
  make_files(Config{.dir = root_ + "/logs", .max_bytes = 10, .keep = 2});
  std::string a = path("fn", "fn-a");
  append(a, "0123456789abc\n");
  files_->maintain({a});
  EXPECT_EQ(slurp(a + ".1"), "0123456789abc\n");
  EXPECT_EQ(file_size(a), 0u);
  append(a, "second file!\n");
  files_->maintain({a});
  EXPECT_EQ(slurp(a + ".2"), "0123456789abc\n");
  EXPECT_EQ(slurp(a + ".1"), "second file!\n");
  append(a, "third file!!\n");
  files_->maintain({a});
  EXPECT_EQ(slurp(a + ".2"), "second file!\n");
  EXPECT_EQ(slurp(a + ".1"), "third file!!\n");
  EXPECT_FALSE(std::filesystem::exists(a + ".3"));
  append(a, "small\n");
  files_->maintain({a});  // under max_bytes: untouched
  EXPECT_EQ(slurp(a), "small\n");
  EXPECT_THAT(texts(read_all(request("fn"))), ElementsAre("second file!", "third file!!", "small"));
}

TEST_F(LogFilesTest, KeepZeroOnlyTruncates) {
  make_files(Config{.dir = root_ + "/logs", .max_bytes = 4, .keep = 0});
  std::string a = path("fn", "fn-a");
  append(a, "too long\n");
  files_->maintain({a});
  EXPECT_EQ(file_size(a), 0u);
  EXPECT_FALSE(std::filesystem::exists(a + ".1"));
}

TEST_F(LogFilesTest, RetentionRemovesOnlyOldFilesOfGoneInstances) {
  make_files(Config{.dir = root_ + "/logs", .retention = std::chrono::hours(1)});
  std::time_t old = std::time(nullptr) - 2 * 3600;
  std::string live_old = path("fn", "live"), gone_old = path("fn", "gone"),
              gone_new = path("fn", "recent");
  append(gone_old + ".1", "rotated\n");
  for (const auto& p : {live_old, gone_old, gone_old + ".1"}) set_mtime(p, old);
  // Both spellings of the live set are accepted.
  files_->maintain({"openfaas-fn/fn/live"});
  EXPECT_TRUE(std::filesystem::exists(live_old));
  EXPECT_FALSE(std::filesystem::exists(gone_old));
  EXPECT_FALSE(std::filesystem::exists(gone_old + ".1"));
  EXPECT_TRUE(std::filesystem::exists(gone_new));
  files_->maintain({live_old, gone_new});
  EXPECT_TRUE(std::filesystem::exists(live_old));
  // Once every instance is gone, the function's directory goes too.
  set_mtime(live_old, old);
  set_mtime(gone_new, old);
  files_->maintain({});
  EXPECT_FALSE(std::filesystem::exists(root_ + "/logs/openfaas-fn/fn"));
}

// A writer thread appends numbered lines through its own O_APPEND fd (as the shim does) while a
// follow reads and maintain() rotates. Lines written between a copy and its truncate may be lost
// (and the line cut there glued to a later one), but the reader never goes backwards, keeps up
// to the last line, and the files stay bounded.
TEST_F(LogFilesTest, RotationUnderAConcurrentAppender) {
  constexpr std::uint64_t kMax = 64 << 10;
  make_files(Config{.dir = root_ + "/logs", .max_bytes = kMax, .keep = 1, .poll = 1ms});
  std::string a = path("fn", "fn-a");
  files_->maintain({a});
  auto f = start_follow(request("fn"));
  constexpr int kLines = 60000;
  std::atomic<bool> finished{false};
  std::thread writer([&] {
    int fd = ::open(a.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    for (int i = 1; i <= kLines; ++i) {
      char number[16];
      std::snprintf(number, sizeof number, "n=%06d\n", i);  // fixed width: glued lines show
      std::string line = go_time(std::time(nullptr)) + number;
      if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
      // Past 1.5 x max_bytes, wait for a rotation (a writer slower than the disk), so the test
      // sees many rotations, each with the writer still writing.
      while (file_size(a) > kMax + kMax / 2) std::this_thread::sleep_for(1ms);
    }
    ::close(fd);
    finished = true;
  });
  int rotations = 0;
  std::uint64_t biggest_copy = 0;
  auto maintain_and_count = [&] {
    auto size_before = file_size(a);  // it only grows until maintain() truncates it
    files_->maintain({a});
    if (size_before > kMax) ++rotations;
    biggest_copy = std::max(biggest_copy, file_size(a + ".1"));
  };
  while (!finished) {
    // Several polls per maintain(), as in faasd (poll 200 ms, maintain every few seconds): a
    // follower that sleeps through two rotations misses the older copy (documented).
    io_.run_for(5ms);
    io_.restart();
    maintain_and_count();
  }
  writer.join();
  maintain_and_count();
  std::string last = "n=0" + std::to_string(kLines);
  ASSERT_TRUE(run_until([&] { return !f->got.empty() && f->got.back().text == last; }));
  files_->stop();
  ASSERT_TRUE(run_until([&] { return f->done; }));

  EXPECT_GE(rotations, 10);
  EXPECT_LE(file_size(a), kMax);
  // The copy stops at its size plus max_bytes, plus a catch-up of at most max(size, max_bytes).
  EXPECT_LE(biggest_copy, 3 * (kMax + kMax / 2) + 100);
  EXPECT_FALSE(std::filesystem::exists(a + ".2"));
  int glued = 0;
  long previous = 0, largest_gap = 0;
  for (const auto& m : f->got) {
    // A line cut by a rotation's gap is glued to the rest of a later one: "2026/12/0" +
    // "2:05 n=000007" has the wrong shape, "n=0012" + "99" goes backwards.
    if (m.text.size() != 8 || m.text.rfind("n=", 0) != 0) {
      ++glued;
      continue;
    }
    long n = std::stol(m.text.substr(2));
    if (n <= previous) {
      ++glued;
      continue;
    }
    if (n > previous) largest_gap = std::max(largest_gap, n - previous - 1);
    previous = n;
  }
  RecordProperty("largest_gap_lines", static_cast<int>(largest_gap));
  RecordProperty("glued_lines", glued);
  // At most one glued line per rotation.
  EXPECT_LE(glued, rotations);
  RecordProperty("rotations", rotations);
  RecordProperty("lines_seen", static_cast<int>(f->got.size()));
  RecordProperty("biggest_copy", static_cast<int>(biggest_copy));
}

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      in >> kib;
      return kib;
    }
    in.ignore(1 << 16, '\n');
  }
  return -1;
}

TEST_F(LogFilesTest, TailOfA100MBFileReadsOnlyItsEnd) {
  std::string a = path("fn", "fn-a");
  {
    std::ofstream out(a, std::ios::binary | std::ios::app);
    std::string prefix = go_time(std::time(nullptr) - 3600);
    std::string filler(60, 'x');
    std::string block;
    long i = 0;
    while (file_size(a) < (100u << 20)) {
      block.clear();
      for (int k = 0; k < 10000; ++k) block += prefix + filler + " " + std::to_string(++i) + "\n";
      out << block;
      out.flush();
    }
    ASSERT_GT(i, 100000);
  }
  long before = rss_kib();
  auto r = request("fn");
  r.tail = 5;
  auto got = read_all(r);
  long grew = rss_kib() - before;
  ASSERT_EQ(got.size(), 5u);
  std::string last = got.back().text;
  EXPECT_EQ(last.substr(0, 60), std::string(60, 'x'));
  // The newest line carries the highest number; the five are consecutive.
  long n = std::stol(last.substr(61));
  EXPECT_EQ(got.front().text, std::string(60, 'x') + " " + std::to_string(n - 4));
  EXPECT_LT(grew, 16 * 1024) << "RSS grew by " << grew << " KiB for a tail of 5 lines";
  RecordProperty("rss_growth_kib", static_cast<int>(grew));
}

}  // namespace
}  // namespace faas::logfiles::test
