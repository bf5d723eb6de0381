// Private: a streaming writer of ustar archives (the OCI image layout tar), regular files and
// directories only. A file's size is declared in its header before its data, so data can be
// streamed from the network without holding it; writing more or fewer bytes than declared is
// an error. Owns its fd; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "faas/core/result.h"
#include "faas/core/unique_fd.h"

namespace faas::registry::detail {

class TarWriter {
 public:
  // Creates (truncates) path, mode 0644.
  static Result<TarWriter> create(const std::string& path);

  Result<void> add_directory(std::string_view name);
  Result<void> add_file(std::string_view name, std::string_view content);
  // begin_file, then write() exactly size bytes in any pieces, then end_file().
  Result<void> begin_file(std::string_view name, std::uint64_t size);
  Result<void> write(std::string_view data);
  Result<void> end_file();
  // The two zero blocks that end an archive, and fsync.
  Result<void> finish();

 private:
  TarWriter(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Result<void> header(std::string_view name, char type, std::uint64_t size);
  Result<void> write_all(std::string_view data);

  UniqueFd fd_;
  std::string path_;
  std::uint64_t left_ = 0;     // data bytes the current file still expects
  std::uint64_t padding_ = 0;  // zero bytes after it up to the 512-byte boundary
  bool in_file_ = false;
};

// Fills a 512-byte ustar header; exposed for tests. Names over 100 bytes use the ustar prefix
// field (split at a '/'); sizes of 8 GiB and more use the base-256 form GNU tar reads.
Result<void> fill_tar_header(char (&block)[512], std::string_view name, char type,
                             std::uint64_t size);

}  // namespace faas::registry::detail
