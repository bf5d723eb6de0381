#include "support/containerd_process.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>

namespace faas::test {

namespace fs = std::filesystem;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
         "[debug]\n  address = \"\"\n  level = \"debug\"\n"
         "[metrics]\n  address = \"\"\n";
}
}  // namespace

Result<std::unique_ptr<ContainerdProcess>> ContainerdProcess::start() {
  auto dir = TempDir::create("faas-ctrd");
  if (!dir) return dir.error();
  std::string socket = dir->file("containerd.sock");
  auto config = dir->write("config.toml", config_toml(dir->path(), socket));
  if (!config) return config.error();
  std::unique_ptr<ContainerdProcess> p(new ContainerdProcess(std::move(*dir), socket));
  if (auto r = p->spawn_and_wait(); !r) return r.error();
  return p;
}

Result<void> ContainerdProcess::spawn_and_wait() {
  // O_APPEND: a restarted containerd adds to the same log.
  int raw =
      ::open(dir_.file("containerd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (raw < 0) return errno_error(errno, "open containerd log");
  UniqueFd log_fd(raw);
  os::SpawnOptions spawn;
  spawn.argv = {"containerd", "--config", dir_.file("config.toml")};
  spawn.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  spawn.stdout_fd = spawn.stderr_fd = log_fd.get();
  auto child = os::ChildProcess::spawn(spawn);
  if (!child) return child.error();
  process_.emplace(std::move(*child));
  // containerd answers once all its plugins are up; poll version() with a bounded deadline.
  auto client = containerd::Client::connect(socket_, "default",
                                            {std::chrono::milliseconds(1000), "overlayfs"});
  if (!client) return client.error();
  auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
  for (;;) {
    auto v = run_async(client->version());
    if (v) return {};
    if (process_->try_wait() || std::chrono::steady_clock::now() > deadline) {
      return make_error(v.error().code,
                        "containerd did not start: " + v.error().message() + "\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ContainerdProcess::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
  while (!process_->try_wait() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  process_.reset();  // SIGKILLs and reaps if it is still there
}

Result<void> ContainerdProcess::restart() {
  stop();
  return spawn_and_wait();
}

std::string ContainerdProcess::log() const { return read_file(dir_.file("containerd.log")); }

ContainerdProcess::~ContainerdProcess() {
  stop();
  kill_leftover_shims();
  unmount_leftovers();
}

namespace {

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit))
      pids.push_back(std::stoi(name));
  }
  return pids;
}

std::optional<pid_t> parent_of(pid_t pid) {
  // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  pid_t ppid = 0;
  if (!(rest >> state >> ppid)) return std::nullopt;
  return ppid;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// SIGKILLs every process in the cgroup of a container's init. A paused container's cgroup is
// frozen, and a frozen task does not die until thawed (cgroup v1 freezer): thaw first.
void kill_container_cgroup(pid_t init) {
  std::vector<std::string> procs_files;
  std::istringstream lines(read_file("/proc/" + std::to_string(init) + "/cgroup"));
  bool unified = fs::exists("/sys/fs/cgroup/cgroup.controllers");
  for (std::string line; std::getline(lines, line);) {
    // "hierarchy-id:controllers:path"
    auto a = line.find(':');
    auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string controllers = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (controllers == "freezer") {
      std::string dir = "/sys/fs/cgroup/freezer" + path;
      write_file(dir + "/freezer.state", "THAWED");
      procs_files.push_back(dir + "/cgroup.procs");
    } else if (controllers.empty() && unified && path != "/") {
      std::string dir = "/sys/fs/cgroup" + path;
      write_file(dir + "/cgroup.freeze", "0");
      procs_files.push_back(dir + "/cgroup.procs");
    }
  }
  for (const auto& file : procs_files) {
    std::istringstream pids(read_file(file));
    for (pid_t pid = 0; pids >> pid;) ::kill(pid, SIGKILL);
  }
  ::kill(init, SIGKILL);
}

}  // namespace

// Shims outlive containerd on purpose (live restore). Ours carry "-address <our socket>". Killing
// a shim alone would orphan its containers' processes (reparented to init, still running), so
// each shim's children (the containers' init processes) and their cgroups go first.
void ContainerdProcess::kill_leftover_shims() {
  std::vector<pid_t> pids = all_pids();
  std::vector<pid_t> shims;
  for (pid_t pid : pids) {
    std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find("containerd-shim") == std::string::npos) continue;
    if (cmdline.find(" " + socket_ + " ") == std::string::npos &&
        !cmdline.ends_with(" " + socket_ + " ")) {
      continue;
    }
    shims.push_back(pid);
  }
  for (pid_t pid : pids) {
    auto ppid = parent_of(pid);
    if (ppid && std::find(shims.begin(), shims.end(), *ppid) != shims.end())
      kill_container_cgroup(pid);
  }
  for (pid_t shim : shims) ::kill(shim, SIGKILL);
}

void ContainerdProcess::unmount_leftovers() {
  std::ifstream mounts("/proc/self/mountinfo");
  std::vector<std::string> ours;
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    if (point.starts_with(dir_.path() + "/")) ours.push_back(point);
  }
  std::sort(ours.rbegin(), ours.rend());  // children first
  for (const auto& p : ours) ::umount2(p.c_str(), MNT_DETACH);
}

namespace {
std::string sha256_of(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex = "sha256:";
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 0xf];
  }
  return hex;
}

// Stores data as a blob of the layout; returns its descriptor.
nlohmann::json put_blob(const std::string& layout, const std::string& media_type,
                        const std::string& data) {
  std::string digest = sha256_of(data);
  std::ofstream(layout + "/blobs/sha256/" + digest.substr(7), std::ios::binary) << data;
  return {{"mediaType", media_type}, {"digest", digest}, {"size", data.size()}};
}

Result<void> run_tar(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/tar", "--sort=name",     "--owner=0",
                                   "--group=0",    "--numeric-owner", "--mtime=@0"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_program(argv, inherited_environment());
  if (!r) return r.error();
  if (r->exit_code != 0) return invalid_argument("tar failed: " + r->output);
  return {};
}
}  // namespace

Result<std::string> build_oci_archive(const TempDir& dir, const ImageSpec& spec) {
  std::string rootfs = dir.file("image-rootfs");
  std::string layout = dir.file("image-layout");
  std::error_code ec;
  fs::create_directories(rootfs + "/tmp", ec);
  fs::permissions(rootfs + "/tmp", fs::perms::all | fs::perms::sticky_bit, ec);
  fs::create_directories(layout + "/blobs/sha256", ec);
  for (const auto& f : spec.files) {
    fs::path dest = rootfs + f.image_path;
    fs::create_directories(dest.parent_path(), ec);
    fs::copy_file(fs::canonical(f.host_path), dest, fs::copy_options::overwrite_existing, ec);
    if (ec) return errno_error(ec.value(), "copy " + f.host_path);
  }
  for (const auto& [path, target] : spec.symlinks) {
    fs::path link = rootfs + path;
    fs::create_directories(link.parent_path(), ec);
    fs::create_symlink(target, link, ec);
  }
  if (auto r = run_tar({"-C", rootfs, "-cf", dir.file("layer.tar"), "."}); !r) return r.error();
  std::string layer = read_file(dir.file("layer.tar"));
  auto layer_desc = put_blob(layout, "application/vnd.oci.image.layer.v1.tar", layer);
  nlohmann::json config = {{"architecture", "amd64"},
                           {"os", "linux"},
                           {"config", {{"Env", spec.env}, {"Cmd", spec.cmd}, {"WorkingDir", "/"}}},
                           {"rootfs", {{"type", "layers"}, {"diff_ids", {layer_desc["digest"]}}}}};
  auto config_desc = put_blob(layout, "application/vnd.oci.image.config.v1+json", config.dump());
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"config", config_desc},
                             {"layers", {layer_desc}}};
  auto manifest_desc =
      put_blob(layout, "application/vnd.oci.image.manifest.v1+json", manifest.dump());
  manifest_desc["annotations"] = {{"org.opencontainers.image.ref.name", spec.ref_name}};
  nlohmann::json index = {{"schemaVersion", 2}, {"manifests", {manifest_desc}}};
  std::ofstream(layout + "/index.json") << index.dump();
  std::ofstream(layout + "/oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
  std::string archive = dir.file("image.tar");
  if (auto r = run_tar({"-C", layout, "-cf", archive, "."}); !r) return r.error();
  return archive;
}

Result<ImageSpec> watchdog_image_spec() {
  ImageSpec spec;
  spec.files.push_back({"/bin/busybox", "/bin/busybox"});
  for (const char* applet : {"sh", "cat", "echo", "sleep", "touch", "grep", "id", "ls"}) {
    spec.symlinks.emplace_back(std::string("/bin/") + applet, "busybox");
  }
  std::string watchdog = fwatchdog_path();
  spec.files.push_back({watchdog, "/fwatchdog"});
  auto ldd = run_program({"/usr/bin/ldd", watchdog}, inherited_environment());
  if (!ldd) return ldd.error();
  // "libx.so => /lib/.../libx.so (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
  std::istringstream lines(ldd->output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    for (std::string w; words >> w;) {
      if (w.starts_with("/")) spec.files.push_back({w, w});
    }
  }
  spec.env = {"PATH=/bin", "fprocess=cat"};
  spec.cmd = {"/fwatchdog"};
  return spec;
}

}  // namespace faas::test
