// POST /system/images: an OCI image archive uploaded by faas-cli (or curl) goes to the provider's
// image store, so a single node needs no registry. The body is spooled to a file because
// containerd's import reads the archive twice (index first, then blobs) and archives are large;
// nothing of it is held in memory.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "faas/core/unique_fd.h"
#include "faas/http/body.h"
#include "management.h"
#include "replies.h"

namespace faas::gateway {

namespace {

// A spool file that is unlinked when it goes out of scope, whatever happened.
struct SpoolFile {
  std::string path;
  UniqueFd fd;
  SpoolFile() = default;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile() { remove(); }
  void remove() {
    if (!path.empty()) ::unlink(path.c_str());
    path.clear();
  }
};

Result<void> open_spool(const std::string& dir, SpoolFile& file) {
  std::error_code ec;
  const auto base = dir.empty() ? std::filesystem::temp_directory_path(ec).string() : dir;
  std::filesystem::create_directories(base, ec);
  std::string templ = base + "/upload-XXXXXX";
  int fd = ::mkostemp(templ.data(), O_CLOEXEC);
  if (fd < 0) return Error{std::error_code(errno, std::generic_category()), "spool in " + base};
  file.path = templ;
  file.fd = UniqueFd(fd);
  return {};
}

Result<void> write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Error{std::error_code(errno, std::generic_category()), "write spool file"};
    data += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

}  // namespace

http::awaitable<void> ManagementApi::images(http::Exchange& x) {
  const auto target = x.request().target();
  const auto name = query_param(target, "name");
  if (name.empty()) co_return co_await reply(x, 400, "name: query parameter is required\n");
  const auto namespace_ = namespace_of(x, "");
  if (auto len = x.parser.content_length(); len && *len > options_.max_image_bytes) {
    co_return co_await reply(x, 413, "image archive larger than " +
                                         std::to_string(options_.max_image_bytes) + " bytes\n");
  }
  SpoolFile spool;
  if (auto r = open_spool(options_.spool_dir, spool); !r) co_return co_await reply_error(x, r.error());
  // Disk writes on the io thread: page-cache speed, and uploads are rare operator actions.
  static thread_local std::array<char, 64 * 1024> chunk;
  std::uint64_t total = 0;
  for (;;) {
    x.watch.expires_after(std::chrono::seconds(30));
    auto n = co_await http::read_body_some(x.stream, x.buffer, x.parser, std::span<char>(chunk));
    x.watch.expires_never();
    if (!n) {
      x.keep_alive = false;
      co_return co_await reply(x, 400, "reading the archive: " + n.error().message() + "\n");
    }
    if (*n == 0) break;
    total += *n;
    if (total > options_.max_image_bytes) {
      co_return co_await reply(x, 413, "image archive larger than " +
                                           std::to_string(options_.max_image_bytes) + " bytes\n");
    }
    if (auto w = write_all(spool.fd.get(), chunk.data(), *n); !w) {
      co_return co_await reply_error(x, w.error());
    }
  }
  if (total == 0) co_return co_await reply(x, 400, "empty body: send an OCI image archive (tar)\n");
  auto stored = co_await provider_.import_image(spool.path, name, namespace_);
  // Gone before the answer: a client that sees 200 sees the disk space back too.
  spool.remove();
  if (!stored) co_return co_await reply_error(x, stored.error());
  nlohmann::json j{{"image", *stored}, {"namespace", namespace_}, {"bytes", total}};
  co_await reply_json(x, 200, j.dump());
}

}  // namespace faas::gateway
