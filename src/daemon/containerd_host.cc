#include "containerd_host.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "faas/core/log.h"
#include "faas/core/unique_fd.h"

namespace faas::daemon {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

Error unavailable(std::string message) {
  return Error{std::make_error_code(std::errc::resource_unavailable_try_again), std::move(message)};
}

std::string find_binary(const std::string& name) {
  for (const char* dir :
       {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    auto p = std::string(dir) + "/" + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

// CRI is off (faasd needs none of it, and it wants CNI config); no debug or metrics listeners.
std::string config_toml(const std::string& dir, const std::string& socket) {
  return "version = 2\n"
         "root = \"" +
         dir +
         "/root\"\n"
         "state = \"" +
         dir +
         "/state\"\n"
         "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
         "[grpc]\n  address = \"" +
         socket +
         "\"\n"
         "[ttrpc]\n  address = \"" +
         socket +
         ".ttrpc\"\n"
         "[debug]\n  address = \"\"\n  level = \"info\"\n"
         "[metrics]\n  address = \"\"\n";
}

std::string tail_of(const std::string& path, std::size_t max = 2000) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > max ? s.substr(s.size() - max) : s;
}

// The pid file can be stale and its pid reused: only a live containerd counts.
bool alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmd;
  std::getline(in, cmd, '\0');
  return cmd.find("containerd") != std::string::npos;
}

}  // namespace

std::string ContainerdHost::binary() { return find_binary("containerd"); }

bool ContainerdHost::answers(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return false;
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

Result<std::unique_ptr<ContainerdHost>> ContainerdHost::open(const std::string& system_socket,
                                                             const std::string& state_dir) {
  if (!system_socket.empty() && answers(system_socket)) {
    log_info("containerd: using the one at " + system_socket);
    return std::unique_ptr<ContainerdHost>(new ContainerdHost(system_socket, false));
  }
  std::error_code ec;
  const auto dir = fs::absolute(state_dir, ec).string() + "/containerd";
  const auto socket = dir + "/containerd.sock";
  if (socket.size() >= sizeof(sockaddr_un{}.sun_path) - 8) {
    return unavailable("containerd: socket path " + socket +
                       " is too long for a unix socket; use a "
                       "shorter --state-dir");
  }
  std::unique_ptr<ContainerdHost> host(new ContainerdHost(socket, true));
  host->pid_file_ = dir + "/containerd.pid";
  if (answers(socket)) {
    std::ifstream in(host->pid_file_);
    in >> host->adopted_pid_;
    log_info("containerd: adopting the embedded one at " + socket + " (pid " +
             std::to_string(host->adopted_pid_) + ", left running by an earlier faasd)");
    return host;
  }
  if (::geteuid() != 0) {
    return unavailable("containerd: nothing answers at " + system_socket +
                       ", and starting one needs root (or use --runtime process)");
  }
  const auto binary = ContainerdHost::binary();
  if (binary.empty()) {
    return unavailable(
        "containerd: not installed (apt install containerd runc), and nothing answers "
        "at " +
        system_socket + " (or use --runtime process)");
  }
  fs::create_directories(dir, ec);
  if (ec) return make_error(ec, "create " + dir);
  fs::permissions(dir, fs::perms::owner_all, ec);
  {
    std::ofstream out(dir + "/config.toml", std::ios::trunc);
    out << config_toml(dir, socket);
    if (!out) return unavailable("containerd: cannot write " + dir + "/config.toml");
  }
  fs::remove(socket, ec);  // a stale socket of a containerd that died
  const auto log_path = dir + "/containerd.log";
  UniqueFd log_fd(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!log_fd)
    return make_error(std::error_code(errno, std::generic_category()), "open " + log_path);
  os::SpawnOptions spawn{.argv = {binary, "--config", dir + "/config.toml"},
                         .env = {kPath},
                         .stdout_fd = log_fd.get(),
                         .stderr_fd = log_fd.get(),
                         .new_process_group = true};
  auto child = os::ChildProcess::spawn(spawn);
  if (!child) return child.error();
  host->child_.emplace(std::move(*child));
  std::ofstream(host->pid_file_, std::ios::trunc) << host->child_->pid() << "\n";
  log_info("containerd: starting our own (pid " + std::to_string(host->child_->pid()) + ", log " +
           log_path + ")");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!answers(socket)) {
    if (auto st = host->child_->try_wait()) {
      return unavailable("containerd exited during start-up (" + st->describe() + "); " + log_path +
                         ":\n" + tail_of(log_path));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return unavailable("containerd did not answer on " + socket + " within 30 s; " + log_path +
                         ":\n" + tail_of(log_path));
    }
    std::this_thread::sleep_for(20ms);
  }
  return host;
}

void ContainerdHost::stop() {
  if (!embedded_) return;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  if (child_ && !child_->exited()) {
    child_->signal(SIGTERM);
    while (!child_->try_wait() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    if (!child_->exited()) {
      log_warn("containerd: no exit 10 s after SIGTERM, killing it");
      child_->kill_group(SIGKILL);
      child_->wait();
    }
  } else if (alive(adopted_pid_)) {
    ::kill(adopted_pid_, SIGTERM);
    while (alive(adopted_pid_) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    if (alive(adopted_pid_)) ::kill(adopted_pid_, SIGKILL);
  }
  std::error_code ec;
  fs::remove(pid_file_, ec);
  embedded_ = false;
  log_info("containerd: stopped");
}

ContainerdHost::~ContainerdHost() { stop(); }

}  // namespace faas::daemon
