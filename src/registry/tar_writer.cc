#include "tar_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace faas::registry::detail {
namespace {

constexpr std::size_t kBlock = 512;

void octal(char* field, std::size_t width, std::uint64_t value) {
  // width-1 digits and a NUL, as tar writes them.
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
}

}  // namespace

Result<void> fill_tar_header(char (&block)[512], std::string_view name, char type,
                             std::uint64_t size) {
  std::memset(block, 0, sizeof block);
  std::string_view prefix;
  if (name.size() > 100) {
    auto split = name.rfind('/', 155);
    if (split == std::string_view::npos || name.size() - split - 1 > 100 || split == 0) {
      return invalid_argument("tar: name too long: " + std::string(name));
    }
    prefix = name.substr(0, split);
    name = name.substr(split + 1);
  }
  std::memcpy(block, name.data(), name.size());
  octal(block + 100, 8, type == '5' ? 0755 : 0644);
  octal(block + 108, 8, 0);  // uid
  octal(block + 116, 8, 0);  // gid
  if (size < (1ULL << 33)) {
    octal(block + 124, 12, size);
  } else {
    // GNU base-256: high bit of the first byte set, big-endian value in the rest.
    block[124] = static_cast<char>(0x80);
    for (int i = 11; i >= 1; --i, size >>= 8) block[124 + i] = static_cast<char>(size & 0xff);
  }
  octal(block + 136, 12, 0);  // mtime: fixed, so the same image gives the same archive
  block[156] = type;
  std::memcpy(block + 257, "ustar", 6);
  std::memcpy(block + 263, "00", 2);
  if (!prefix.empty()) std::memcpy(block + 345, prefix.data(), prefix.size());
  std::memset(block + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : block) sum += c;
  std::snprintf(block + 148, 8, "%06o", sum);  // six digits, NUL, and the space already there
  return {};
}

Result<TarWriter> TarWriter::create(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return errno_error(errno, "create " + path);
  return TarWriter(std::move(fd), path);
}

Result<void> TarWriter::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, "write " + path_);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> TarWriter::header(std::string_view name, char type, std::uint64_t size) {
  if (in_file_) return invalid_argument("tar: entry started before the last one ended");
  char block[kBlock];
  if (auto r = fill_tar_header(block, name, type, size); !r) return r;
  return write_all({block, kBlock});
}

Result<void> TarWriter::add_directory(std::string_view name) {
  std::string dir(name);
  if (!dir.ends_with('/')) dir += '/';
  return header(dir, '5', 0);
}

Result<void> TarWriter::add_file(std::string_view name, std::string_view content) {
  if (auto r = begin_file(name, content.size()); !r) return r;
  if (auto r = write(content); !r) return r;
  return end_file();
}

Result<void> TarWriter::begin_file(std::string_view name, std::uint64_t size) {
  if (auto r = header(name, '0', size); !r) return r;
  in_file_ = true;
  left_ = size;
  padding_ = (kBlock - size % kBlock) % kBlock;
  return {};
}

Result<void> TarWriter::write(std::string_view data) {
  if (!in_file_ || data.size() > left_) {
    return invalid_argument("tar: more data than the entry's declared size");
  }
  left_ -= data.size();
  return write_all(data);
}

Result<void> TarWriter::end_file() {
  if (!in_file_ || left_ != 0) {
    return invalid_argument("tar: entry ended " + std::to_string(left_) + " bytes short");
  }
  in_file_ = false;
  static const char zeros[kBlock] = {};
  return write_all({zeros, static_cast<std::size_t>(padding_)});
}

Result<void> TarWriter::finish() {
  if (in_file_) return invalid_argument("tar: finished inside an entry");
  static const char zeros[2 * kBlock] = {};
  if (auto r = write_all({zeros, sizeof zeros}); !r) return r;
  if (::fsync(fd_.get()) != 0) return errno_error(errno, "fsync " + path_);
  return {};
}

}  // namespace faas::registry::detail
