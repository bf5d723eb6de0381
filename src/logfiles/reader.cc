#include "reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "faas/logfiles/line.h"

namespace faas::logfiles::detail {

namespace {

// Untimed lines waiting (reading backward) for an older timed line; past this many they take the
// newer neighbour's time, so a file without any timestamp cannot fill memory.
constexpr std::size_t kMaxPending = 10000;
// Bytes one Follower::poll() reads at most; the rest waits for the next poll.
constexpr std::uint64_t kMaxPollBytes = 4 << 20;

api::Timestamp mtime_of(const struct stat& st) {
  return api::Timestamp(std::chrono::duration_cast<api::Timestamp::duration>(
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

UniqueFd open_read(const std::string& path) {
  return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
}

// pread until `len` bytes or the end of the file; the bytes read.
std::size_t pread_full(int fd, char* data, std::size_t len, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, data + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

FileSig file_sig(const std::string& path) {
  auto fd = std::make_shared<UniqueFd>(open_read(path));
  struct stat st {};
  if (!*fd || ::fstat(fd->get(), &st) != 0) return {};
  return FileSig{.ino = st.st_ino,
                 .size = st.st_size,
                 .mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                 .pin = std::move(fd)};
}

Line make_line(std::string_view bytes, api::Timestamp& last) {
  auto parsed = parse_line(bytes);
  if (parsed.timestamp) last = *parsed.timestamp;
  return Line{.timestamp = last, .text = std::string(parsed.text)};
}

// ForwardReader

ForwardReader::ForwardReader(std::vector<std::string> chain, bool finish_partial)
    : chain_(std::move(chain)), finish_partial_(finish_partial) {}

bool ForwardReader::fill() {
  while (index_ < chain_.size()) {
    if (!fd_) {
      fd_ = open_read(chain_[index_]);
      offset_ = 0;
      struct stat st {};
      if (fd_ && ::fstat(fd_.get(), &st) == 0 && !started_) last_ = mtime_of(st);
      started_ = true;
    }
    if (fd_) {
      std::size_t old = buf_.size();
      buf_.resize(old + kChunk);
      std::size_t n = pread_full(fd_.get(), buf_.data() + old, kChunk, offset_);
      buf_.resize(old + n);
      offset_ += n;
      if (n > 0) return true;
    }
    if (index_ + 1 == chain_.size()) return false;  // stay on the live file for follow_point()
    ++index_;
    fd_.reset();
  }
  return false;
}

std::optional<Line> ForwardReader::next() {
  for (;;) {
    auto nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      std::string_view bytes(buf_.data() + pos_, nl - pos_);
      pos_ = nl + 1;
      return make_line(bytes, last_);
    }
    if (buf_.size() - pos_ > kMaxLine) {
      std::string_view bytes(buf_.data() + pos_, kMaxLine);
      pos_ += kMaxLine;
      return make_line(bytes, last_);
    }
    buf_.erase(0, pos_);
    pos_ = 0;
    if (!fill()) {
      if (!finish_partial_ || buf_.empty()) return std::nullopt;
      std::string bytes = std::move(buf_);
      buf_.clear();
      return make_line(bytes, last_);
    }
  }
}

FollowPoint ForwardReader::follow_point() const {
  return FollowPoint{.offset = offset_, .partial = buf_.substr(pos_), .last = last_};
}

// BackwardReader

BackwardReader::BackwardReader(const std::vector<std::string>& chain, bool finish_partial) {
  std::uint64_t start = 0;
  for (const auto& path : chain) {
    UniqueFd fd = open_read(path);
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0) continue;
    if (segments_.empty()) first_mtime_ = mtime_of(st);
    newer_ = mtime_of(st);
    auto size = static_cast<std::uint64_t>(st.st_size);
    segments_.push_back(Segment{std::move(fd), start, size, mtime_of(st)});
    start += size;
  }
  window_start_ = start;
  follow_.offset = segments_.empty() ? 0 : segments_.back().size;
  follow_.last = newer_;
  // The bytes after the chain's last '\n' are a partial line: held back unless finish_partial.
  if (!read_before()) {
    done_ = true;
    return;
  }
  if (window_.back() == '\n') {
    window_.pop_back();
    return;
  }
  if (finish_partial) return;
  std::size_t nl;
  while ((nl = window_.rfind('\n')) == std::string::npos && window_.size() <= kMaxLine &&
         read_before()) {
  }
  if (nl == std::string::npos) nl = window_.rfind('\n');
  if (nl == std::string::npos) {
    follow_.partial = std::move(window_);
    window_.clear();
    done_ = window_start_ == 0;
    return;
  }
  follow_.partial = window_.substr(nl + 1);
  window_.resize(nl);
}

bool BackwardReader::read_before() {
  if (window_start_ == 0) return false;
  std::uint64_t n = std::min<std::uint64_t>(kChunk, window_start_);
  std::uint64_t from = window_start_ - n;
  std::string chunk(n, '\0');
  std::uint64_t got = 0;
  for (auto& seg : segments_) {
    std::uint64_t seg_end = seg.start + seg.size;
    if (seg_end <= from + got || seg.start >= from + n) continue;
    std::uint64_t at = from + got;
    std::uint64_t len = std::min(seg_end, from + n) - at;
    std::size_t read = pread_full(seg.fd.get(), chunk.data() + got, len, at - seg.start);
    got += read;
    if (read < len) break;  // truncated under us (rotated): stop going back
  }
  if (got < n) {
    // A file shrank under us (a rotation truncated it): what we got is not contiguous with the
    // window, so the older part of the chain is given up.
    window_start_ = 0;
    return false;
  }
  window_.insert(0, chunk);
  window_start_ = from;
  return true;
}

std::optional<std::string> BackwardReader::raw_prev() {
  for (;;) {
    if (done_) return std::nullopt;
    auto nl = window_.rfind('\n');
    if (nl != std::string::npos) {
      std::string line = window_.substr(nl + 1);
      window_.resize(nl);
      return line;
    }
    if (window_.size() > kMaxLine || !read_before()) {
      // The first line of the chain (or a cut piece of an over-long line).
      std::string line = std::move(window_);
      window_.clear();
      if (window_start_ == 0) done_ = true;
      return line;
    }
  }
}

void BackwardReader::resolve() {
  auto flush_pending = [&](api::Timestamp ts) {
    for (auto& text : pending_) ready_.push_back(Line{ts, std::move(text)});
    pending_.clear();
  };
  while (ready_.empty()) {
    auto raw = raw_prev();
    if (!raw) {
      flush_pending(first_mtime_);
      return;
    }
    auto parsed = parse_line(*raw);
    if (!parsed.timestamp) {
      pending_.emplace_back(parsed.text);
      if (pending_.size() >= kMaxPending) flush_pending(newer_);
      continue;
    }
    flush_pending(*parsed.timestamp);
    ready_.push_back(Line{*parsed.timestamp, std::string(parsed.text)});
  }
}

std::optional<Line> BackwardReader::prev() {
  if (ready_.empty()) resolve();
  if (ready_.empty()) return std::nullopt;
  Line line = std::move(ready_.front());
  ready_.pop_front();
  // The newest line's time is the time of untimed lines a follower reads next.
  if (!returned_any_) follow_.last = line.timestamp;
  returned_any_ = true;
  newer_ = line.timestamp;
  return line;
}

// Follower

Follower::Follower(std::string live, FollowPoint start, FileSig rotated)
    : live_(std::move(live)),
      offset_(start.offset),
      partial_(std::move(start.partial)),
      last_(start.last),
      rotated_(rotated) {
  if (last_ == api::Timestamp{}) {
    struct stat st {};
    if (::stat(live_.c_str(), &st) == 0) last_ = mtime_of(st);
  }
}

void Follower::split(std::vector<Line>& out) {
  std::size_t pos = 0;
  for (;;) {
    auto nl = partial_.find('\n', pos);
    if (nl == std::string::npos) break;
    out.push_back(make_line(std::string_view(partial_).substr(pos, nl - pos), last_));
    pos = nl + 1;
  }
  partial_.erase(0, pos);
  while (partial_.size() > kMaxLine) {
    out.push_back(make_line(std::string_view(partial_).substr(0, kMaxLine), last_));
    partial_.erase(0, kMaxLine);
  }
}

std::vector<Line> Follower::poll(bool finish_partial) {
  std::vector<Line> out;
  UniqueFd fd = open_read(live_);
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    gone_ = true;
    return out;
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  FileSig sig = file_sig(live_ + ".1");
  bool rotated = sig.size >= 0 && !sig.same_file(rotated_);
  if (rotated || size < offset_) {
    // The bytes we had not read yet went to the rotated copy (all but those written between its
    // copy and the truncate); read them from there, then the live file from its start.
    if (rotated && static_cast<std::uint64_t>(sig.size) > offset_) {
      std::uint64_t len = std::min<std::uint64_t>(sig.size - offset_, kMaxPollBytes);
      std::string bytes(len, '\0');
      bytes.resize(pread_full(sig.pin->get(), bytes.data(), len, offset_));
      partial_ += bytes;
    }
    offset_ = 0;
  }
  rotated_ = std::move(sig);
  if (size > offset_) {
    std::uint64_t len = std::min<std::uint64_t>(size - offset_, kMaxPollBytes);
    std::size_t old = partial_.size();
    partial_.resize(old + len);
    std::size_t got = pread_full(fd.get(), partial_.data() + old, len, offset_);
    partial_.resize(old + got);
    offset_ += got;
  }
  split(out);
  if (finish_partial) {
    if (auto line = take_partial()) out.push_back(std::move(*line));
  }
  return out;
}

std::optional<Line> Follower::take_partial() {
  if (partial_.empty()) return std::nullopt;
  Line line = make_line(partial_, last_);
  partial_.clear();
  return line;
}

}  // namespace faas::logfiles::detail
