#include "faas/os/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <sstream>

namespace faas::os {

namespace {

ExitStatus from_wait_status(int ws) {
  if (WIFSIGNALED(ws)) return ExitStatus{.code = -1, .signal = WTERMSIG(ws)};
  return ExitStatus{.code = WEXITSTATUS(ws), .signal = 0};
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// RAII for the posix_spawn attribute objects.
struct SpawnAttrs {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnAttrs() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnAttrs() {
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
  SpawnAttrs(const SpawnAttrs&) = delete;
  SpawnAttrs& operator=(const SpawnAttrs&) = delete;
};

void add_stdio(posix_spawn_file_actions_t* actions, int fd, int target) {
  if (fd >= 0) {
    posix_spawn_file_actions_adddup2(actions, fd, target);
  } else {
    posix_spawn_file_actions_addopen(actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY,
                                     0);
  }
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal == 0) return "exit status " + std::to_string(code);
  if (signal == SIGKILL) return "signal: killed";
  if (signal == SIGTERM) return "signal: terminated";
  if (signal == SIGSEGV) return "signal: segmentation fault";
  if (signal == SIGABRT) return "signal: aborted";
  return "signal: " + std::to_string(signal);
}

Result<ChildProcess> ChildProcess::spawn(const SpawnOptions& options) {
  if (options.argv.empty() || options.argv[0].empty()) return invalid_argument("spawn: empty command");
  SpawnAttrs sa;
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&sa.attr, 0);
  }
  posix_spawnattr_setflags(&sa.attr, flags);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&sa.attr, &empty);
  // We ignore SIGPIPE in the server; a child must get the default back or `yes | head` misbehaves.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT}) sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&sa.attr, &defaults);
  add_stdio(&sa.actions, options.stdin_fd, 0);
  add_stdio(&sa.actions, options.stdout_fd, 1);
  add_stdio(&sa.actions, options.stderr_fd, 2);
  // The child gets its stdio and nothing else. Asio opens sockets without CLOEXEC, so without this
  // every function inherited the watchdog's listening sockets and other clients' connections: a
  // drained listener kept accepting (into a backlog nobody serves) while any function ran, and a
  // connection the watchdog closed stayed open. Go's os/exec passes only stdio too.
  // (Found by tests/integration/watchdog/shutdown_test.cc.)
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&sa.actions, 3);
#endif

  auto argv = c_strings(options.argv);
  auto envp = c_strings(options.env);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &sa.actions, &sa.attr, argv.data(), envp.data());
  if (rc != 0) return errno_error(rc, "spawn '" + options.argv[0] + "'");
  UniqueFd pidfd(pidfd_open(pid));
  if (!pidfd) {
    int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return errno_error(err, "pidfd_open");
  }
  return ChildProcess(pid, std::move(pidfd), options.new_process_group);
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      pidfd_(std::move(o.pidfd_)),
      group_(o.group_),
      status_(std::exchange(o.status_, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    kill_and_reap();
    pid_ = std::exchange(o.pid_, -1);
    pidfd_ = std::move(o.pidfd_);
    group_ = o.group_;
    status_ = std::exchange(o.status_, std::nullopt);
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

void ChildProcess::kill_and_reap() {
  if (pid_ < 0) return;
  if (!status_) {
    kill_group(SIGKILL);
    wait();
  } else if (group_) {
    ::kill(-pid_, SIGKILL);  // grandchildren left in the group after the leader exited
  }
  pid_ = -1;
}

void ChildProcess::kill_group(int sig) {
  if (pid_ < 0) return;
  if (group_) {
    ::kill(-pid_, sig);
  } else if (!status_) {
    ::kill(pid_, sig);
  }
}

void ChildProcess::signal(int sig) {
  if (pid_ >= 0 && !status_) ::kill(pid_, sig);
}

std::optional<ExitStatus> ChildProcess::try_wait() {
  if (status_ || pid_ < 0) return status_;
  int ws = 0;
  pid_t r = ::waitpid(pid_, &ws, WNOHANG);
  if (r == pid_) status_ = from_wait_status(ws);
  return status_;
}

ExitStatus ChildProcess::wait() {
  if (status_) return *status_;
  int ws = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &ws, 0);
  } while (r < 0 && errno == EINTR);
  status_ = r == pid_ ? from_wait_status(ws) : ExitStatus{.code = -1, .signal = 0};
  return *status_;
}

boost::asio::awaitable<ExitStatus> ChildProcess::async_wait(boost::asio::any_io_executor ex) {
  if (auto s = try_wait()) co_return *s;
  // The pidfd becomes readable when the process exits. Dup it so the descriptor object can own
  // (and close) its copy without touching ours.
  boost::asio::posix::stream_descriptor sd(ex, ::fcntl(pidfd_.get(), F_DUPFD_CLOEXEC, 0));
  for (;;) {
    auto [ec] = co_await sd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                       boost::asio::as_tuple(boost::asio::use_awaitable));
    if (auto s = try_wait()) co_return *s;
    if (ec == boost::asio::error::operation_aborted) co_return wait();
  }
}

std::vector<std::string> split_command(const std::string& command) {
  std::vector<std::string> out;
  std::istringstream in(command);
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

}  // namespace faas::os
