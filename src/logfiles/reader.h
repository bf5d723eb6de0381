// Readers of one instance's chain of files (.log.N ... .log.1, .log read as one byte stream, so a
// line cut by a rotation is whole again): forward from the start, backward from the end (tail,
// without reading whole files), and the follower that picks up appended bytes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/result.h"
#include "faas/core/unique_fd.h"

namespace faas::logfiles::detail {

// Longer lines are cut (fwatchdog's own limit, log_buffer_size, is 64 KiB).
inline constexpr std::size_t kMaxLine = 1 << 20;
inline constexpr std::size_t kChunk = 64 << 10;

struct Line {
  api::Timestamp timestamp;
  std::string text;
};

// Where a follower starts: `offset` in the live file after the last complete line, the bytes of
// the held-back partial line (they may come from a rotated copy), the time for untimed lines.
struct FollowPoint {
  std::uint64_t offset = 0;
  std::string partial;
  api::Timestamp last{};
};

// Identifies a rotated copy (.log.1): a rotation replaces it with a new file. The open fd pins the
// inode: otherwise the next copy could get the freed inode number and, with the same size and a
// coarse mtime, look unchanged (seen in the rotation test).
struct FileSig {
  ino_t ino = 0;
  off_t size = -1;
  std::int64_t mtime_ns = 0;
  std::shared_ptr<const UniqueFd> pin;
  bool same_file(const FileSig& o) const {
    return ino == o.ino && size == o.size && mtime_ns == o.mtime_ns;
  }
};
FileSig file_sig(const std::string& path);  // size -1: missing

// One line from its bytes: parsed timestamp, or `last` for an untimed line (and `last` updated).
Line make_line(std::string_view bytes, api::Timestamp& last);

class ForwardReader {
 public:
  // `chain` oldest first; files that vanish are skipped. `finish_partial`: the chain's last line
  // without '\n' is emitted too (its writer is gone).
  ForwardReader(std::vector<std::string> chain, bool finish_partial);
  // The next line, nullopt at the end (a read error ends the chain early).
  std::optional<Line> next();
  // After next() returned nullopt: where a follower of the live file continues.
  FollowPoint follow_point() const;

 private:
  bool fill();  // reads more bytes; false at the end of the chain
  std::vector<std::string> chain_;
  std::size_t index_ = 0;
  UniqueFd fd_;
  std::uint64_t offset_ = 0;  // in the current file
  std::string buf_;
  std::size_t pos_ = 0;
  api::Timestamp last_{};
  bool finish_partial_;
  bool started_ = false;
};

class BackwardReader {
 public:
  // Opens every file of `chain` (oldest first) and remembers its size now.
  BackwardReader(const std::vector<std::string>& chain, bool finish_partial);
  // The next older line; nullopt before the first.
  std::optional<Line> prev();
  FollowPoint follow_point() const { return follow_; }

 private:
  struct Segment {
    UniqueFd fd;
    std::uint64_t start;  // offset of its first byte in the chain
    std::uint64_t size;
    api::Timestamp mtime;
  };
  bool read_before();          // prepends a chunk to window_; false at offset 0
  std::optional<std::string> raw_prev();  // the previous line's bytes
  void resolve();              // fills ready_ with the next group: untimed lines + their time
  std::vector<Segment> segments_;
  std::uint64_t window_start_ = 0;  // chain offset of window_[0]
  std::string window_;
  bool at_start_ = false;
  std::vector<std::string> pending_;  // untimed lines, newest first, waiting for an older time
  std::deque<Line> ready_;            // newest first
  api::Timestamp newer_{};            // the time of the last line returned (a newer one)
  bool done_ = false;
  bool returned_any_ = false;
  FollowPoint follow_;
  api::Timestamp first_mtime_{};
};

// Follows the live file of one instance after a ForwardReader or BackwardReader.
class Follower {
 public:
  Follower(std::string live, FollowPoint start, FileSig rotated);
  // Complete lines appended since the last poll (at most a few MiB per call); `finish_partial`
  // also emits a held-back partial line. A vanished file: `gone()` is true.
  std::vector<Line> poll(bool finish_partial);
  // The held-back partial line, if any (stop()).
  std::optional<Line> take_partial();
  bool gone() const { return gone_; }

 private:
  void split(std::vector<Line>& out);
  std::string live_;
  std::uint64_t offset_;
  std::string partial_;
  api::Timestamp last_;
  FileSig rotated_;
  bool gone_ = false;
};

}  // namespace faas::logfiles::detail
