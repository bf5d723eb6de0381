#include "tar_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "faas/containerd/types.h"

namespace faas::containerd::detail {

namespace {
constexpr std::size_t kBlock = 512;

Error bad_tar(const std::string& path, const std::string& why) {
  return make_error(make_error_code(Errc::kBadImage), "archive " + path + ": " + why);
}

std::string field(const char* p, std::size_t n) { return std::string(p, strnlen(p, n)); }

std::optional<std::uint64_t> parse_size(const char* p) {
  if (static_cast<unsigned char>(p[0]) & 0x80) {  // GNU base-256 for sizes >= 8 GiB
    std::uint64_t v = 0;
    for (int i = 1; i < 12; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
  }
  std::uint64_t v = 0;
  bool any = false;
  for (int i = 0; i < 12 && p[i] != '\0' && p[i] != ' '; ++i) {
    if (p[i] < '0' || p[i] > '7') return std::nullopt;
    v = v * 8 + static_cast<std::uint64_t>(p[i] - '0');
    any = true;
  }
  return any ? std::optional(v) : std::optional<std::uint64_t>(0);
}

// "path" from pax records "<len> key=value\n".
std::optional<std::string> pax_path(const std::string& records) {
  std::size_t pos = 0;
  while (pos < records.size()) {
    auto space = records.find(' ', pos);
    if (space == std::string::npos) break;
    std::size_t len = std::strtoull(records.c_str() + pos, nullptr, 10);
    if (len == 0 || pos + len > records.size()) break;
    std::string rec = records.substr(space + 1, pos + len - space - 2);  // drop '\n'
    if (rec.starts_with("path=")) return rec.substr(5);
    pos += len;
  }
  return std::nullopt;
}

std::string clean(std::string p) {
  while (p.starts_with("./")) p.erase(0, 2);
  while (p.starts_with("/")) p.erase(0, 1);
  return p;
}
}  // namespace

Result<TarReader> TarReader::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "open archive " + path);
  return TarReader(UniqueFd(fd), path);
}

Result<void> TarReader::read_exact(char* buf, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd_.get(), buf, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno_error(errno, "read archive " + path_);
    if (r == 0) return bad_tar(path_, "truncated");
    buf += r;
    n -= static_cast<std::size_t>(r);
  }
  return {};
}

Result<void> TarReader::skip(std::uint64_t n) {
  std::array<char, 64 * 1024> buf;
  while (n > 0) {
    auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
    if (auto r = read_exact(buf.data(), chunk); !r) return r;
    n -= chunk;
  }
  return {};
}

Result<std::optional<TarEntry>> TarReader::next() {
  if (auto r = skip(remaining_ + padding_); !r) return r.error();
  remaining_ = padding_ = 0;
  std::optional<std::string> long_name;
  for (;;) {
    std::array<char, kBlock> h{};
    if (auto r = read_exact(h.data(), h.size()); !r) return r.error();
    if (std::all_of(h.begin(), h.end(), [](char c) { return c == '\0'; })) {
      return std::optional<TarEntry>();  // end-of-archive marker
    }
    auto size = parse_size(&h[124]);
    if (!size) return bad_tar(path_, "bad size field");
    TarEntry e;
    e.type = h[156];
    e.size = *size;
    std::string prefix = std::memcmp(&h[257], "ustar", 5) == 0 ? field(&h[345], 155) : "";
    e.path = prefix.empty() ? field(&h[0], 100) : prefix + "/" + field(&h[0], 100);
    remaining_ = e.size;
    padding_ = (kBlock - e.size % kBlock) % kBlock;
    if (e.type == 'L' || e.type == 'x') {  // a name for the next header
      auto data = read_all(1 << 20);
      if (!data) return data.error();
      if (auto r = skip(padding_); !r) return r.error();
      padding_ = 0;
      if (e.type == 'L') {
        long_name = field(data->data(), data->size());
      } else if (auto p = pax_path(*data)) {
        long_name = *p;
      }
      continue;
    }
    if (e.type == 'g') {  // global pax header: nothing we use
      if (auto r = skip(remaining_ + padding_); !r) return r.error();
      remaining_ = padding_ = 0;
      continue;
    }
    if (long_name) e.path = *long_name;
    e.path = clean(e.path);
    return std::optional<TarEntry>(std::move(e));
  }
}

Result<std::size_t> TarReader::read(char* buf, std::size_t n) {
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, remaining_));
  if (n == 0) return std::size_t{0};
  if (auto r = read_exact(buf, n); !r) return r.error();
  remaining_ -= n;
  return n;
}

Result<std::string> TarReader::read_all(std::size_t limit) {
  if (remaining_ > limit) return bad_tar(path_, "entry larger than " + std::to_string(limit));
  std::string out(static_cast<std::size_t>(remaining_), '\0');
  if (auto r = read_exact(out.data(), out.size()); !r) return r.error();
  remaining_ = 0;
  return out;
}

}  // namespace faas::containerd::detail
