#include "faas/logfiles/log_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "faas/core/log.h"
#include "faas/core/unique_fd.h"
#include "layout.h"
#include "rotate.h"
#include "shared.h"

namespace faas::logfiles {

namespace fs = std::filesystem;

namespace {

std::string absolute_dir(const std::string& dir) {
  std::error_code ec;
  auto abs = fs::absolute(dir.empty() ? fs::path(".") : fs::path(dir), ec).lexically_normal();
  std::string out = abs.string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Result<void> make_private_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return errno_error(errno, "mkdir " + dir);
  if (::chmod(dir.c_str(), 0700) != 0) return errno_error(errno, "chmod " + dir);
  return {};
}

}  // namespace

LogFiles::LogFiles(boost::asio::any_io_executor /*ex*/, Config config)
    : shared_(std::make_shared<detail::Shared>()) {
  config.dir = absolute_dir(config.dir);
  shared_->config = std::move(config);
}

LogFiles::~LogFiles() { stop(); }

const Config& LogFiles::config() const { return shared_->config; }

Result<std::string> LogFiles::path_for(const std::string& ns, const std::string& fn,
                                       const std::string& instance) {
  if (auto v = detail::check_part("namespace", ns); !v) return v.error();
  if (auto v = detail::check_part("function", fn); !v) return v.error();
  if (auto v = detail::check_part("instance", instance); !v) return v.error();
  std::error_code ec;
  fs::create_directories(shared_->config.dir, ec);
  if (ec) return make_error(ec, "create " + shared_->config.dir);
  for (const auto& dir : {shared_->config.dir, shared_->config.dir + "/" + ns,
                          shared_->function_dir(ns, fn)}) {
    if (auto made = make_private_dir(dir); !made) return made.error();
  }
  std::string path = shared_->function_dir(ns, fn) + "/" + instance + ".log";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return errno_error(errno, "create " + path);
  return path;
}

void LogFiles::maintain(const std::set<std::string>& live_paths) {
  auto& shared = *shared_;
  shared.live = live_paths;
  shared.live_known = true;
  auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (fs::directory_iterator ns(shared.config.dir, ec), end; !ec && ns != end; ns.increment(ec)) {
    if (!ns->is_directory(ec)) continue;
    std::error_code ec2;
    for (fs::directory_iterator fn(ns->path(), ec2); !ec2 && fn != end; fn.increment(ec2)) {
      if (!fn->is_directory(ec2)) continue;
      auto nsname = ns->path().filename().string();
      auto fnname = fn->path().filename().string();
      for (const auto& [instance, files] : detail::list_instances(fn->path().string())) {
        if (shared.finished(nsname, fnname, instance) &&
            detail::idle_longer_than(files, now - shared.config.retention)) {
          detail::remove_files(files);
          continue;
        }
        if (auto r = detail::rotate_if_large(files.live, shared.config.max_bytes,
                                             shared.config.keep);
            !r) {
          log_warn("logfiles: rotate " + files.live + ": " + r.error().message());
        }
      }
      std::error_code ignored;
      fs::remove(fn->path(), ignored);  // only succeeds when empty
    }
  }
}

void LogFiles::remove_function(const std::string& ns, const std::string& fn) {
  if (!detail::check_part("namespace", ns) || !detail::check_part("function", fn)) return;
  std::error_code ec;
  fs::remove_all(shared_->function_dir(ns, fn), ec);
  if (ec) log_warn("logfiles: remove " + shared_->function_dir(ns, fn) + ": " + ec.message());
}

void LogFiles::stop() {
  shared_->stopped = true;
  shared_->wake_all();
}

}  // namespace faas::logfiles
