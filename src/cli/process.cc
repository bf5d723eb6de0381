#include "faas/cli/process.h"

#include <cerrno>
#include <sstream>

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// posix_spawn file actions, destroyed on every path.
class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

Result<int> wait_child(pid_t pid, const std::string& what) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return errno_error(errno, "waiting for " + what);
  }
  return exit_code_of(status);
}

}  // namespace

Result<pid_t> spawn_process(const std::vector<std::string>& argv, const Environment& env,
                            const posix_spawn_file_actions_t* actions,
                            const posix_spawnattr_t* attr) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envp_strings = to_envp(env);
  std::vector<char*> envp;
  for (auto& e : envp_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, args[0], actions, attr, args.data(), envp.data());
  if (rc != 0) return errno_error(rc, "cannot run " + argv[0]);
  return pid;
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ScratchDir::ScratchDir() {
  std::string tmpl = (fs::temp_directory_path() / "faas-cli-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

std::optional<std::string> find_executable(std::string_view name, const Environment& env) {
  std::stringstream dirs(lookup(env, "PATH").value_or("/usr/local/bin:/usr/bin:/bin"));
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

Result<int> run_process(const std::vector<std::string>& argv, const Environment& env) {
  auto pid = spawn_process(argv, env, nullptr, nullptr);
  if (!pid) return pid.error();
  return wait_child(*pid, argv[0]);
}

Result<Captured> capture_process(const std::vector<std::string>& argv, const Environment& env,
                                 const fs::path& cwd, bool with_stderr) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error(errno, "pipe");
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  FileActions actions;
  ::posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), 1);
  if (with_stderr) ::posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), 2);
  // glibc 2.36 has the _np chdir action; it runs in the child only.
  if (!cwd.empty()) ::posix_spawn_file_actions_addchdir_np(actions.get(), cwd.c_str());
  auto pid = spawn_process(argv, env, actions.get(), nullptr);
  if (!pid) return pid.error();
  write_end.reset();  // so read() sees EOF when the child exits
  Captured captured;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n > 0) {
      captured.out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  auto rc = wait_child(*pid, argv[0]);
  if (!rc) return rc.error();
  captured.exit_code = *rc;
  return captured;
}

}  // namespace faas::cli
