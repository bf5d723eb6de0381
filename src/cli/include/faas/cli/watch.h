// Watching handler folders for `faas-cli up --watch`: inotify on every directory of each tree
// (new subdirectories are added as they appear), with a quiet period so one editor save, or a
// burst of them, is one change. Linux only. Not thread-safe; one thread owns a watcher.
#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <signal.h>

#include "faas/core/result.h"

namespace faas::cli {

class TreeWatcher {
 public:
  // `ignored`: directories never watched (the stack's build/ and template/), and .git anywhere.
  static Result<std::unique_ptr<TreeWatcher>> create(std::vector<std::filesystem::path> ignored);
  ~TreeWatcher();
  TreeWatcher(const TreeWatcher&) = delete;
  TreeWatcher& operator=(const TreeWatcher&) = delete;

  // Watches `root` and every directory below it; changes there are reported as `tag`. A root
  // may also be a single file (the stack file), watched through its directory.
  Result<void> add(const std::filesystem::path& root, const std::string& tag);

  // Blocks until something changed and then `quiet` passed with no further change, and returns
  // the tags that changed; returns an empty set as soon as `stop_fd` becomes readable. Editor
  // droppings (*.swp, *~, 4913, .#*) are not changes.
  Result<std::set<std::string>> wait(std::chrono::milliseconds quiet, int stop_fd);

 private:
  struct Watch {
    std::filesystem::path dir;
    std::string tag;
    std::string only_file;  // non-empty: report only changes to this name in dir
  };
  TreeWatcher(int fd, std::vector<std::filesystem::path> ignored)
      : fd_(fd), ignored_(std::move(ignored)) {}
  bool is_ignored(const std::filesystem::path& dir) const;
  Result<void> add_dir(const std::filesystem::path& dir, const std::string& tag);
  // Reads the pending events; adds new directories; inserts changed tags into `changed`.
  Result<void> drain(std::set<std::string>& changed);

  int fd_;
  std::vector<std::filesystem::path> ignored_;
  std::map<int, Watch> watches_;
};

// While alive, SIGINT and SIGTERM make fd() readable instead of ending the process (the previous
// handlers come back on destruction). One at a time per process.
class InterruptPipe {
 public:
  static Result<std::unique_ptr<InterruptPipe>> create();
  ~InterruptPipe();
  InterruptPipe(const InterruptPipe&) = delete;
  InterruptPipe& operator=(const InterruptPipe&) = delete;
  int fd() const { return read_fd_; }

 private:
  InterruptPipe(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}
  int read_fd_;
  int write_fd_;
  std::array<struct sigaction, 2> saved_{};  // SIGINT, SIGTERM
};

}  // namespace faas::cli
