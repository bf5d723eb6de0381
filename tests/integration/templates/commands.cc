#include "templates/commands.h"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faas/core/unique_fd.h"

#include "support/spawn.h"

extern char** environ;

namespace faas::test::templates {
namespace {

// An unlinked temporary file: the command's stdin (no pipe to feed while waiting) and its output
// (no pipe to drain while waiting).
Result<UniqueFd> scratch_file(const std::string& content) {
  char path[] = "/tmp/faas-templates-cmd-XXXXXX";
  UniqueFd fd(::mkostemp(path, O_CLOEXEC));
  if (!fd) return errno_error(errno, "mkostemp");
  ::unlink(path);
  if (::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()) ||
      ::lseek(fd.get(), 0, SEEK_SET) != 0) {
    return errno_error(errno, "writing a scratch file");
  }
  return fd;
}

std::string read_all(int fd) {
  std::string text;
  char buf[65536];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  return text;
}

}  // namespace

Result<CommandResult> run_command(const std::vector<std::string>& argv, const std::string& cwd,
                                  std::chrono::seconds timeout, const std::string& input) {
  if (argv.empty()) return invalid_argument("run_command: empty argv");
  auto in = scratch_file(input);
  if (!in) return in.error();
  auto out = scratch_file("");
  if (!out) return out.error();

  Spawner spawner;
  posix_spawn_file_actions_adddup2(&spawner.actions, in->get(), 0);
  posix_spawn_file_actions_adddup2(&spawner.actions, out->get(), 1);
  posix_spawn_file_actions_adddup2(&spawner.actions, out->get(), 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&spawner.actions, cwd.c_str());
  // Its own process group, so a timeout kills buildah's children too.
  posix_spawnattr_setpgroup(&spawner.attr, 0);
  short flags = 0;
  posix_spawnattr_getflags(&spawner.attr, &flags);
  posix_spawnattr_setflags(&spawner.attr, static_cast<short>(flags | POSIX_SPAWN_SETPGROUP));

  auto args = c_strings(argv);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &spawner.actions, &spawner.attr, args.data(), environ);
  if (rc != 0) return errno_error(rc, "cannot run " + argv[0]);
  auto status = wait_pid(pid, timeout);
  if (!status) {
    ::kill(-pid, SIGKILL);
    wait_pid(pid, std::chrono::seconds(10));
  }
  CommandResult result;
  result.output = read_all(out->get());
  if (!status) {
    return make_error(std::make_error_code(std::errc::timed_out),
                      argv[0] + " did not finish within " + std::to_string(timeout.count()) +
                          " s; output:\n" + tail(result.output));
  }
  result.exit_code = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
  return result;
}

std::string tail(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return "..." + text.substr(text.size() - max_bytes);
}

}  // namespace faas::test::templates
