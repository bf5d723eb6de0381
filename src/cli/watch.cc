#include "faas/cli/watch.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

constexpr std::uint32_t kMask = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF;

bool is_editor_dropping(std::string_view name) {
  return name.ends_with(".swp") || name.ends_with(".swx") || name.ends_with("~") ||
         name == "4913" || name.starts_with(".#");
}

// The write end of the live InterruptPipe, for the signal handler.
std::atomic<int> g_interrupt_fd{-1};

extern "C" void on_interrupt(int) {
  int saved = errno;
  char byte = 1;
  int fd = g_interrupt_fd.load();
  if (fd >= 0) {
    ssize_t n = ::write(fd, &byte, 1);  // a full pipe already says "interrupted"
    (void)n;
  }
  errno = saved;
}

}  // namespace

Result<std::unique_ptr<TreeWatcher>> TreeWatcher::create(std::vector<fs::path> ignored) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return errno_error(errno, "inotify_init1");
  for (auto& p : ignored) p = p.lexically_normal();
  return std::unique_ptr<TreeWatcher>(new TreeWatcher(fd, std::move(ignored)));
}

TreeWatcher::~TreeWatcher() { ::close(fd_); }

bool TreeWatcher::is_ignored(const fs::path& dir) const {
  if (dir.filename() == ".git") return true;
  fs::path normal = dir.lexically_normal();
  for (const auto& p : ignored_) {
    if (normal == p) return true;
  }
  return false;
}

Result<void> TreeWatcher::add_dir(const fs::path& dir, const std::string& tag) {
  if (is_ignored(dir)) return {};
  int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask | IN_ONLYDIR);
  if (wd < 0) return errno_error(errno, "cannot watch " + dir.string());
  watches_[wd] = Watch{dir, tag, ""};
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      if (auto ok = add_dir(it->path(), tag); !ok) return ok;
    }
  }
  return {};
}

Result<void> TreeWatcher::add(const fs::path& root, const std::string& tag) {
  std::error_code ec;
  if (fs::is_directory(root, ec)) return add_dir(root, tag);
  fs::path dir = root.parent_path();
  int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask | IN_ONLYDIR);
  if (wd < 0) return errno_error(errno, "cannot watch " + dir.string());
  // A directory watched twice shares one wd; the file watch must not shadow a tree watch.
  if (!watches_.contains(wd)) watches_[wd] = Watch{dir, tag, root.filename().string()};
  return {};
}

Result<void> TreeWatcher::drain(std::set<std::string>& changed) {
  alignas(inotify_event) std::array<char, 16384> buf;
  for (;;) {
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return {};
    if (n <= 0) return errno_error(errno, "reading inotify events");
    for (char* p = buf.data(); p < buf.data() + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      auto it = watches_.find(ev->wd);
      if (it == watches_.end()) continue;
      if (ev->mask & IN_IGNORED) {
        watches_.erase(it);
        continue;
      }
      std::string name = ev->len ? std::string(ev->name) : "";
      const Watch& w = it->second;
      if (!w.only_file.empty() && name != w.only_file) continue;
      if (is_editor_dropping(name)) continue;
      fs::path path = w.dir / name;
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
        if (is_ignored(path)) continue;
        if (auto ok = add_dir(path, w.tag); !ok) return ok;
      }
      changed.insert(w.tag);
    }
  }
}

Result<std::set<std::string>> TreeWatcher::wait(std::chrono::milliseconds quiet, int stop_fd) {
  std::set<std::string> changed;
  for (;;) {
    std::array<pollfd, 2> fds{pollfd{fd_, POLLIN, 0}, pollfd{stop_fd, POLLIN, 0}};
    // Block until the first change; then wait only for the quiet period to pass.
    int timeout = changed.empty() ? -1 : static_cast<int>(quiet.count());
    int rc = ::poll(fds.data(), stop_fd >= 0 ? 2 : 1, timeout);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return errno_error(errno, "poll");
    if (stop_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) return std::set<std::string>{};
    if (rc == 0) return changed;  // quiet for long enough
    if (auto ok = drain(changed); !ok) return ok.error();
  }
}

Result<std::unique_ptr<InterruptPipe>> InterruptPipe::create() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return errno_error(errno, "pipe");
  std::unique_ptr<InterruptPipe> p(new InterruptPipe(fds[0], fds[1]));
  g_interrupt_fd = fds[1];
  struct sigaction sa {};
  sa.sa_handler = &on_interrupt;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &p->saved_[0]);
  ::sigaction(SIGTERM, &sa, &p->saved_[1]);
  return p;
}

InterruptPipe::~InterruptPipe() {
  ::sigaction(SIGINT, &saved_[0], nullptr);
  ::sigaction(SIGTERM, &saved_[1], nullptr);
  g_interrupt_fd = -1;
  ::close(read_fd_);
  ::close(write_fd_);
}

}  // namespace faas::cli
