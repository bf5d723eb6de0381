// Private: a sequential reader of tar archives (ustar, GNU long names, pax path records), enough
// for OCI image layouts written by buildah, skopeo, docker and our tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "faas/core/result.h"
#include "faas/core/unique_fd.h"

namespace faas::containerd::detail {

struct TarEntry {
  std::string path;  // without a leading "./"
  char type = '0';   // '0' regular file, '5' directory, '2' symlink, ...
  std::uint64_t size = 0;
  bool regular() const { return type == '0' || type == '\0'; }
};

class TarReader {
 public:
  static Result<TarReader> open(const std::string& path);

  // The next entry (skipping what is left of the current one); nullopt at the end.
  Result<std::optional<TarEntry>> next();
  // Up to n bytes of the current entry's data; 0 at its end.
  Result<std::size_t> read(char* buf, std::size_t n);
  // The rest of the current entry, when it is at most limit bytes.
  Result<std::string> read_all(std::size_t limit);

 private:
  explicit TarReader(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Result<void> read_exact(char* buf, std::size_t n);
  Result<void> skip(std::uint64_t n);

  UniqueFd fd_;
  std::string path_;
  std::uint64_t remaining_ = 0;  // data bytes left in the current entry
  std::uint64_t padding_ = 0;    // zero bytes after it up to the 512-byte boundary
};

}  // namespace faas::containerd::detail
