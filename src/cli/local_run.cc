#include "faas/cli/local_run.h"

#include <cerrno>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "faas/cli/process.h"
#include "faas/cli/watch.h"

namespace faas::cli {
namespace {

std::vector<std::string> strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& s : j) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

Result<pid_t> spawn_in_own_group(const std::vector<std::string>& argv, const Environment& env) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attr);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // Its own group: a terminal's Ctrl-C reaches only faas-cli, which stops the child once, in
  // order, instead of both racing; the default mask and dispositions, not the CLI's.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  ::posix_spawnattr_setpgroup(&attr, 0);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setsigdefault(&attr, &all);
  ::posix_spawnattr_setflags(
      &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  auto pid = spawn_process(argv, env, &actions, &attr);
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  return pid;
}

// Waits up to `ms` for pid; true when it was reaped.
bool reap_within(pid_t pid, int ms) {
  for (int waited = 0; waited <= ms; waited += 20) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    ::poll(nullptr, 0, 20);
  }
  return false;
}

}  // namespace

std::vector<std::string> docker_run_command(std::string_view docker, const LocalRun& run) {
  std::vector<std::string> argv{std::string(docker),
                                "run",
                                "--rm",
                                "-i",
                                "-p",
                                "127.0.0.1:" + std::to_string(run.port) + ":8080"};
  for (const auto& [k, v] : run.env) argv.insert(argv.end(), {"-e", k + "=" + v});
  argv.push_back(run.image);
  return argv;
}

std::vector<std::string> buildah_run_command(std::string_view buildah, std::string_view container,
                                             const LocalRun& run,
                                             const std::vector<std::string>& command) {
  api::StringMap env = run.env;
  env.try_emplace("port", std::to_string(run.port));
  env.try_emplace("bind_address", "127.0.0.1");
  std::vector<std::string> argv{std::string(buildah), "run", "--network", "host"};
  for (const auto& [k, v] : env) argv.insert(argv.end(), {"--env", k + "=" + v});
  argv.emplace_back(container);
  argv.emplace_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

Result<std::vector<std::string>> image_command(std::string_view inspect_json) {
  auto j = nlohmann::json::parse(inspect_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("OCIv1") || !j["OCIv1"].is_object()) {
    return invalid_argument("cannot read the image's configuration");
  }
  nlohmann::json config = j["OCIv1"].value("config", nlohmann::json::object());
  if (!config.is_object()) return invalid_argument("cannot read the image's configuration");
  std::vector<std::string> command = strings(config.value("Entrypoint", nlohmann::json()));
  auto cmd = strings(config.value("Cmd", nlohmann::json()));
  command.insert(command.end(), cmd.begin(), cmd.end());
  if (command.empty()) return invalid_argument("the image has neither an entrypoint nor a command");
  return command;
}

Result<BuildahContainer> BuildahContainer::create(const std::string& buildah,
                                                  const std::string& image, const std::string& name,
                                                  const Environment& env) {
  // --pull=never: local-run runs what was just built (or is already here), never a registry's.
  auto r = capture_process({buildah, "from", "--pull=never", "-q", "--name", name, image}, env);
  if (!r) return r.error();
  if (r->exit_code != 0) {
    return invalid_argument("buildah from " + image + " exited with " +
                            std::to_string(r->exit_code) + " (was the image built?)");
  }
  return BuildahContainer(buildah, name, env);
}

BuildahContainer::BuildahContainer(BuildahContainer&& other) noexcept
    : buildah_(std::move(other.buildah_)), name_(std::move(other.name_)), env_(other.env_) {
  other.name_.clear();
}

BuildahContainer::~BuildahContainer() {
  if (name_.empty()) return;
  (void)capture_process({buildah_, "rm", name_}, env_);
}

Result<std::optional<int>> run_until_interrupted(const std::vector<std::string>& argv,
                                                 const Environment& env, int grace_ms) {
  auto interrupt = InterruptPipe::create();
  if (!interrupt) return interrupt.error();
  auto pid = spawn_in_own_group(argv, env);
  if (!pid) return pid.error();
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(*pid, &status, WNOHANG);
    if (r == *pid) return std::optional<int>(exit_code_of(status));
    if (r < 0 && errno != EINTR) return errno_error(errno, "waiting for " + argv[0]);
    pollfd p{(*interrupt)->fd(), POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) break;
  }
  ::kill(*pid, SIGTERM);
  if (!reap_within(*pid, grace_ms)) {
    ::kill(-*pid, SIGKILL);
    reap_within(*pid, 5000);
  }
  return std::optional<int>();
}

}  // namespace faas::cli
