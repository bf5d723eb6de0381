#include "registry_fixture.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "support/spawn.h"
#include "support/watchdog_process.h"

extern char** environ;

namespace faas::test {
namespace {

std::vector<std::string> current_env() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<os::ChildProcess> spawn_logged(const std::vector<std::string>& argv,
                                      std::vector<std::string> env, const std::string& log_path) {
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log) return errno_error(errno, "open " + log_path);
  return os::ChildProcess::spawn({.argv = argv,
                                  .env = std::move(env),
                                  .stdout_fd = log.get(),
                                  .stderr_fd = log.get(),
                                  .new_process_group = true});
}

}  // namespace

Result<std::string> run_command(const std::vector<std::string>& argv,
                                const std::vector<std::string>& extra_env,
                                std::chrono::seconds timeout) {
  char tmpl[] = "/tmp/faas-registry-cmd-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return errno_error(errno, "mkstemp");
  ::close(fd);
  std::string log_path = tmpl;
  auto env = current_env();
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  auto child = spawn_logged(argv, env, log_path);
  if (!child) return child.error();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<os::ExitStatus> status;
  while (!(status = child->try_wait())) {
    if (std::chrono::steady_clock::now() > deadline) {
      child->kill_group(SIGKILL);
      status = child->wait();
      break;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  std::string output = slurp(log_path);
  ::unlink(log_path.c_str());
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  if (!status->success()) return invalid_argument(line + ": " + status->describe() + "\n" + output);
  return output;
}

Result<std::unique_ptr<DockerRegistry>> DockerRegistry::start(const std::string& dir,
                                                              const std::string& htpasswd) {
  std::string config =
      "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: " + dir +
      "/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:0\n  secret: faas-test\n";
  if (!htpasswd.empty())
    config += "auth:\n  htpasswd:\n    realm: faas-test\n    path: " + htpasswd + "\n";
  std::ofstream(dir + "/config.yml") << config;
  auto log_path = dir + "/registry.log";
  auto child = spawn_logged({"/usr/bin/docker-registry", "serve", dir + "/config.yml"},
                            current_env(), log_path);
  if (!child) return child.error();
  std::unique_ptr<DockerRegistry> registry(new DockerRegistry(std::move(*child), log_path));
  // It logs the address it bound: `msg="listening on 127.0.0.1:40123"`.
  auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto log = registry->log();
    if (auto port = number_after(log, "listening on 127.0.0.1:")) {
      registry->host_ = "127.0.0.1:" + std::to_string(*port);
      return registry;
    }
    if (registry->process_.try_wait()) return invalid_argument("docker-registry exited:\n" + log);
    std::this_thread::sleep_for(kPollInterval);
  }
  return invalid_argument("docker-registry did not listen in time:\n" + registry->log());
}

DockerRegistry::~DockerRegistry() {
  process_.kill_group(SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
  while (!process_.try_wait() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPollInterval);
  }
  // ~ChildProcess SIGKILLs and reaps whatever is left.
}

std::string DockerRegistry::log() const { return slurp(log_path_); }

Result<std::string> Buildah::run(std::vector<std::string> args) const {
  // Its own auth file, so pushes neither read nor write the machine's credentials.
  std::filesystem::create_directories(dir_);
  if (!std::filesystem::exists(dir_ + "/buildah-auth.json"))
    std::ofstream(dir_ + "/buildah-auth.json") << "{}";
  std::vector<std::string> argv{"buildah",   "--root",      dir_ + "/storage",
                                "--runroot", dir_ + "/run", "--storage-driver",
                                "vfs"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(
      argv, {"BUILDAH_ISOLATION=chroot", "REGISTRY_AUTH_FILE=" + dir_ + "/buildah-auth.json"});
}

Result<void> Buildah::build(const std::string& image, const std::string& hello) const {
  auto id = run({"from", "--quiet", "scratch"});
  if (!id) return id.error();
  std::string container = id->substr(0, id->find_last_not_of("\n") + 1);
  std::ofstream(dir_ + "/hello.txt") << hello;
  for (auto args : std::vector<std::vector<std::string>>{
           {"copy", container, "/bin/busybox", "/bin/busybox"},
           {"copy", container, dir_ + "/hello.txt", "/hello.txt"},
           {"config", "--cmd", R"(["/bin/busybox","cat","/hello.txt"])", container},
           {"commit", "--quiet", container, image},
           {"rm", container}}) {
    if (auto r = run(args); !r) return r.error();
  }
  return {};
}

Result<void> Buildah::push(const std::string& image, const std::string& dest,
                           const std::string& format, const std::string& creds) const {
  std::vector<std::string> args{"push", "--quiet", "--tls-verify=false", "--format",
                                format == "docker" ? "v2s2" : "oci"};
  if (!creds.empty()) args.insert(args.end(), {"--creds", creds});
  args.insert(args.end(), {image, "docker://" + dest});
  if (auto r = run(args); !r) return r.error();
  return {};
}

Result<void> Buildah::push_list(const std::string& list, const std::string& image,
                                const std::string& dest, const std::string& format) const {
  if (auto r = run({"manifest", "create", list}); !r) return r.error();
  if (auto r = run({"manifest", "add", list, "containers-storage:" + image}); !r) return r.error();
  auto r = run({"manifest", "push", "--all", "--quiet", "--tls-verify=false", "--format",
                format == "docker" ? "v2s2" : "oci", list, "docker://" + dest});
  if (!r) return r.error();
  return {};
}

}  // namespace faas::test
