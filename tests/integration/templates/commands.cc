#include "templates/commands.h"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/spawn.h"

extern char** environ;

namespace faas::test::templates {

Result<CommandResult> run_command(const std::vector<std::string>& argv, const std::string& cwd,
                                  std::chrono::seconds timeout) {
  if (argv.empty()) return invalid_argument("run_command: empty argv");
  char out_path[] = "/tmp/faas-templates-cmd-XXXXXX";
  int out_fd = ::mkstemp(out_path);
  if (out_fd < 0) return errno_error(errno, "mkstemp");
  ::unlink(out_path);

  Spawner spawner;
  posix_spawn_file_actions_addopen(&spawner.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&spawner.actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&spawner.actions, out_fd, 2);
  posix_spawn_file_actions_addclose(&spawner.actions, out_fd);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&spawner.actions, cwd.c_str());
  // Its own process group, so a timeout kills buildah's children too.
  posix_spawnattr_setpgroup(&spawner.attr, 0);
  short flags = 0;
  posix_spawnattr_getflags(&spawner.attr, &flags);
  posix_spawnattr_setflags(&spawner.attr, static_cast<short>(flags | POSIX_SPAWN_SETPGROUP));

  auto args = c_strings(argv);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &spawner.actions, &spawner.attr, args.data(), environ);
  if (rc != 0) {
    ::close(out_fd);
    return errno_error(rc, "cannot run " + argv[0]);
  }
  auto status = wait_pid(pid, timeout);
  if (!status) {
    ::kill(-pid, SIGKILL);
    wait_pid(pid, std::chrono::seconds(10));
  }
  CommandResult result;
  std::string text;
  char buf[65536];
  ::lseek(out_fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(out_fd, buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<size_t>(n));
  ::close(out_fd);
  result.output = std::move(text);
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
