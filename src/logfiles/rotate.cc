#include "rotate.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "faas/core/unique_fd.h"

namespace faas::logfiles::detail {

namespace fs = std::filesystem;

namespace {

// Copies from `in` to `out` until the end of `in`, but at most `limit` bytes: a writer faster
// than the copy must not keep it going forever.
Result<void> copy_bytes(int in, int out, std::uint64_t limit) {
  std::uint64_t done = 0;
  char buf[64 << 10];
  while (done < limit) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, limit - done));
    ssize_t n = ::read(in, buf, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(errno, "read");
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(out, buf + off, static_cast<std::size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return errno_error(errno, "write");
      off += w;
    }
    done += static_cast<std::uint64_t>(n);
  }
  return {};
}

std::string hidden_temp(const std::string& live) {
  auto slash = live.rfind('/');
  return live.substr(0, slash + 1) + "." + live.substr(slash + 1) + ".1.tmp";
}

}  // namespace

Result<void> rotate_if_large(const std::string& live, std::uint64_t max_bytes, int keep) {
  struct stat st {};
  if (::stat(live.c_str(), &st) != 0) return {};  // gone: nothing to rotate
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size <= max_bytes) return {};
  if (keep > 0) {
    ::unlink(rotated_path(live, keep).c_str());
    for (int k = keep - 1; k >= 1; --k) {
      ::rename(rotated_path(live, k).c_str(), rotated_path(live, k + 1).c_str());
    }
    UniqueFd in(::open(live.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!in) return errno_error(errno, "open " + live);
    std::string tmp = hidden_temp(live);
    UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!out) return errno_error(errno, "create " + tmp);
    if (auto copied = copy_bytes(in.get(), out.get(), size + max_bytes); !copied) {
      ::unlink(tmp.c_str());
      return copied.error();
    }
    if (::rename(tmp.c_str(), rotated_path(live, 1).c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return errno_error(err, "rename " + tmp);
    }
    // What the writer appended during the copy and the rename goes to .1 too (the fd still
    // refers to it), so the bytes lost are only those written between this read and the truncate.
    if (auto caught_up = copy_bytes(in.get(), out.get(), std::max(size, max_bytes)); !caught_up) {
      return caught_up.error();
    }
  }
  // Bytes appended since the copy ended are lost here (copytruncate's known gap).
  if (::truncate(live.c_str(), 0) != 0) return errno_error(errno, "truncate " + live);
  return {};
}

bool idle_longer_than(const InstanceFiles& files, fs::file_time_type cutoff) {
  for (const auto& path : files.chain) {
    std::error_code ec;
    auto t = fs::last_write_time(path, ec);
    if (!ec && t >= cutoff) return false;
  }
  return true;
}

void remove_files(const InstanceFiles& files) {
  for (const auto& path : files.chain) ::unlink(path.c_str());
}

}  // namespace faas::logfiles::detail
