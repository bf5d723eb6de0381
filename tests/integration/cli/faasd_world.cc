#include "cli/faasd_world.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "support/spawn.h"

namespace faas::test {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDockerfile =
    "FROM scratch\n"
    "COPY rootfs/ /\n"
    "COPY handler.sh probe.sh /\n"
    "ARG GREETING=hello\n"
    "ENV GREETING=${GREETING} PATH=/bin fprocess=\"sh /handler.sh\"\n"
    "CMD [\"/fwatchdog\"]\n";

constexpr const char* kHandler =
    "echo \"greeting=$GREETING method=$Http_Method query=$Http_Query type=$Http_Content_Type "
    "foo=$Http_X_Foo\"\n"
    "echo \"log-marker-$Http_Method\" >&2\n"
    "cat\n";

constexpr const char* kProbe =
    "if touch /probe-file 2>/dev/null; then echo writable; else echo read-only; fi\n";

bool executable(const char* path) { return ::access(path, X_OK) == 0; }

// Variables of the test's own environment that would change what faas-cli or buildah do.
bool steers_the_cli(const std::string& name) {
  for (const char* prefix : {"OPENFAAS_", "FAAS_TEMPLATE", "FAAS_BUILD", "TEMPLATE_STORE",
                             "CONTAINERS_", "BUILDAH_", "REGISTRY_AUTH", "GIT_", "CI"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

std::string faas_cli_path() {
  return env_or("FAAS_BIN_DIR", own_directory() + "/../bin") + "/faas-cli";
}

}  // namespace

std::string FaasdWorld::missing_prerequisite() {
  if (::geteuid() != 0) return "needs root";
  if (!executable("/usr/bin/containerd") ||
      !(executable("/usr/sbin/runc") || executable("/usr/bin/runc"))) {
    return "needs containerd and runc";
  }
  if (!executable("/usr/bin/buildah")) return "needs buildah";
  if (!executable("/usr/bin/docker-registry")) return "needs docker-registry";
  if (!executable("/usr/bin/git")) return "needs git";
  if (!executable("/bin/busybox")) return "needs busybox-static";
  return "";
}

Result<std::unique_ptr<FaasdWorld>> FaasdWorld::start() {
  auto dir = TempDir::create("cli-e2e");
  if (!dir) return dir.error();
  std::unique_ptr<FaasdWorld> w(new FaasdWorld(std::move(*dir)));
  if (auto ok = w->make_rootfs(); !ok) return ok.error();
  fs::create_directories(w->dir() + "/registry");
  auto registry = DockerRegistry::start(w->dir() + "/registry");
  if (!registry) return registry.error();
  w->docker_registry_ = std::move(*registry);
  w->registry_ = w->docker_registry_->host();
  auto containerd = ContainerdProcess::start();
  if (!containerd) return containerd.error();
  w->containerd_ = std::move(*containerd);
  auto faasd = DaemonProcess::start(
      {.args = {"up", "--state-dir", "{dir}", "--port", "0", "--bind", "127.0.0.1", "--runtime",
                "containerd", "--containerd-socket", w->containerd_->socket()}});
  if (!faasd) return faasd.error();
  w->faasd_ = std::move(*faasd);

  const std::string d = w->dir();
  std::ofstream(d + "/storage.conf") << "[storage]\ndriver = \"vfs\"\ngraphroot = \"" << d
                                     << "/storage\"\nrunroot = \"" << d << "/run\"\n";
  std::ofstream(d + "/auth.json") << "{}";
  fs::create_directories(d + "/home");
  Environment env = inherited_environment();
  std::erase_if(env, [](const auto& kv) { return steers_the_cli(kv.first); });
  env["HOME"] = d + "/home";
  env["OPENFAAS_URL"] = w->gateway();
  env["CONTAINERS_STORAGE_CONF"] = d + "/storage.conf";
  env["BUILDAH_ISOLATION"] = "chroot";
  env["REGISTRY_AUTH_FILE"] = d + "/auth.json";
  env["GIT_CONFIG_NOSYSTEM"] = "1";
  env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "e2e";
  env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "e2e@example.invalid";
  if (!env.contains("PATH")) env["PATH"] = "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  w->env_ = std::move(env);
  return w;
}

FaasdWorld::~FaasdWorld() = default;

std::string FaasdWorld::gateway() const {
  return "http://127.0.0.1:" + std::to_string(faasd_->port());
}

// rootfs/ once per world: busybox with its applets, fwatchdog (and its libraries), /tmp.
Result<void> FaasdWorld::make_rootfs() {
  auto spec = watchdog_image_spec();
  if (!spec) return spec.error();
  const fs::path root = fs::path(dir()) / "rootfs";
  std::error_code ec;
  for (const auto& f : spec->files) {
    fs::path to = root / fs::path(f.image_path).relative_path();
    fs::create_directories(to.parent_path(), ec);
    fs::copy_file(f.host_path, to, fs::copy_options::overwrite_existing, ec);
    if (ec) return make_error(ec, "copy " + f.host_path);
  }
  auto links = spec->symlinks;
  for (const char* applet : {"env", "readlink", "rm"}) {
    links.emplace_back(std::string("/bin/") + applet, "busybox");
  }
  for (const auto& [path, target] : links) {
    fs::path at = root / fs::path(path).relative_path();
    if (!fs::is_symlink(at, ec)) fs::create_symlink(target, at, ec);
    if (ec) return make_error(ec, "symlink " + at.string());
  }
  fs::create_directories(root / "tmp", ec);
  if (!ec) fs::permissions(root / "tmp", fs::perms::all | fs::perms::sticky_bit, ec);
  if (ec) return make_error(ec, "mkdir rootfs/tmp");
  return {};
}

Result<void> FaasdWorld::write_function(const std::string& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  // Hard links: a context costs nothing, however many functions a test builds.
  fs::copy(fs::path(this->dir()) / "rootfs", fs::path(dir) / "rootfs",
           fs::copy_options::recursive | fs::copy_options::create_hard_links |
               fs::copy_options::copy_symlinks,
           ec);
  if (!ec)
    fs::permissions(fs::path(dir) / "rootfs/tmp", fs::perms::all | fs::perms::sticky_bit, ec);
  if (ec) return make_error(ec, "rootfs into " + dir);
  std::ofstream(dir + "/Dockerfile") << kDockerfile;
  std::ofstream(dir + "/handler.sh") << kHandler;
  std::ofstream(dir + "/probe.sh") << kProbe;
  return {};
}

std::string FaasdWorld::Running::out() const { return read_file(out_path); }

Result<FaasdWorld::Running> FaasdWorld::spawn_cli(const std::vector<std::string>& args,
                                                  const CliOptions& o) const {
  static std::atomic<int> counter{0};
  const std::string base = dir() + "/cli-" + std::to_string(++counter);
  std::ofstream(base + ".in", std::ios::binary) << o.input;
  Environment env = env_;
  for (const auto& [k, v] : o.env) {
    if (v.empty()) {
      env.erase(k);
    } else {
      env[k] = v;
    }
  }
  std::vector<std::string> argv{faas_cli_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  Running running{-1, base + ".out", base + ".err"};
  Spawner s;
  // Its own process group, so a timeout kills buildah and git with it.
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  posix_spawn_file_actions_addopen(&s.actions, 0, (base + ".in").c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&s.actions, 1, running.out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&s.actions, 2, running.err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&s.actions, o.cwd.empty() ? dir().c_str() : o.cwd.c_str());
  auto pid = s.spawn(argv, env);
  if (!pid) return pid.error();
  running.pid = *pid;
  return running;
}

CliRun FaasdWorld::finish(const Running& running, std::chrono::milliseconds timeout) const {
  CliRun run;
  auto status = wait_pid(running.pid, timeout);
  if (!status) {
    ::kill(-running.pid, SIGKILL);
    wait_pid(running.pid, kWaitTimeout);
  } else if (WIFEXITED(*status)) {
    run.code = WEXITSTATUS(*status);
  }
  run.out = read_file(running.out_path);
  run.err = read_file(running.err_path);
  if (!status) run.err += "\n[faas-cli timed out]";
  return run;
}

CliRun FaasdWorld::cli(const std::vector<std::string>& args, const CliOptions& o) const {
  auto running = spawn_cli(args, o);
  if (!running) return CliRun{.err = running.error().message()};
  return finish(*running, o.timeout);
}

}  // namespace faas::test
