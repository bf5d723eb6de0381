#include "faas/containerd/oci_spec.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace faas::containerd {

using nlohmann::json;

const std::vector<std::string> kDefaultCapabilities = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",          "CAP_FOWNER", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_KILL"};

namespace {
constexpr std::int64_t kCpuPeriodUs = 100'000;

json mount(const char* dest, const char* type, const char* source,
           std::vector<std::string> options) {
  return {{"destination", dest}, {"type", type}, {"source", source}, {"options", options}};
}

// containerd's default mounts (oci.populateDefaultUnixSpec), /sys read-only.
json default_mounts(bool read_only_rootfs) {
  json m = json::array({
      mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount("/dev/pts", "devpts", "devpts",
            {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
      mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
      mount("/run", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
  });
  // A read-only rootfs still needs somewhere to write (the watchdog's lock file goes to /tmp).
  if (read_only_rootfs) {
    m.push_back(mount("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777", "size=65536k"}));
  }
  return m;
}

json namespaces(const std::string& netns_path) {
  json ns = json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}},
                         {{"type", "mount"}}});
  json net = {{"type", "network"}};
  if (!netns_path.empty()) net["path"] = netns_path;
  ns.push_back(net);
  return ns;
}

json resources(const SpecOptions& o) {
  json r = {{"devices", json::array({{{"allow", false}, {"access", "rwm"}}})}};
  if (o.memory_limit_bytes) r["memory"] = {{"limit", *o.memory_limit_bytes}};
  if (o.cpu_millis) {
    r["cpu"] = {{"quota", *o.cpu_millis * kCpuPeriodUs / 1000}, {"period", kCpuPeriodUs}};
  }
  return r;
}

const std::vector<std::string> kMaskedPaths = {
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware"};
const std::vector<std::string> kReadonlyPaths = {"/proc/bus", "/proc/fs", "/proc/irq",
                                                 "/proc/sys", "/proc/sysrq-trigger"};

Result<std::uint32_t> parse_id(std::string_view s, const std::string& user) {
  std::uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    return invalid_argument("image user '" + user +
                            "' is not numeric (user names are not resolved yet)");
  }
  return v;
}
}  // namespace

Result<std::string> make_runtime_spec(const SpecOptions& o) {
  if (o.args.empty()) return invalid_argument("runtime spec: no process arguments");
  if (o.cwd.empty() || o.cwd[0] != '/') return invalid_argument("runtime spec: cwd must be absolute");
  json mounts = default_mounts(o.read_only_rootfs);
  for (const auto& b : o.mounts) {
    if (b.source.empty() || b.source[0] != '/' || b.destination.empty() || b.destination[0] != '/') {
      return invalid_argument("runtime spec: bind mount paths must be absolute");
    }
    std::vector<std::string> opts = {"rbind", "nosuid", "nodev", "noexec"};
    opts.push_back(b.read_only ? "ro" : "rw");
    mounts.push_back({{"destination", b.destination}, {"type", "bind"}, {"source", b.source},
                      {"options", opts}});
  }
  const auto& caps = o.capabilities.empty() ? kDefaultCapabilities : o.capabilities;
  json spec = {
      {"ociVersion", "1.0.2-dev"},
      {"process",
       {{"terminal", false},
        {"user", {{"uid", o.uid}, {"gid", o.gid}}},
        {"args", o.args},
        {"env", o.env},
        {"cwd", o.cwd},
        {"capabilities",
         {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"rlimits", json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
        {"noNewPrivileges", true}}},
      {"root", {{"path", "rootfs"}, {"readonly", o.read_only_rootfs}}},
      {"hostname", o.hostname},
      {"mounts", mounts},
      {"linux",
       {{"resources", resources(o)},
        {"namespaces", namespaces(o.netns_path)},
        {"maskedPaths", kMaskedPaths},
        {"readonlyPaths", kReadonlyPaths}}},
  };
  if (!o.cgroups_path.empty()) spec["linux"]["cgroupsPath"] = o.cgroups_path;
  return spec.dump();
}

Result<SpecOptions> spec_from_image(const ImageConfig& config) {
  SpecOptions o;
  o.args = config.entrypoint;
  o.args.insert(o.args.end(), config.cmd.begin(), config.cmd.end());
  o.env = config.env;
  if (!config.working_dir.empty()) o.cwd = config.working_dir;
  if (!config.user.empty()) {
    auto colon = config.user.find(':');
    auto uid = parse_id(std::string_view(config.user).substr(0, colon), config.user);
    if (!uid) return uid.error();
    o.uid = *uid;  // gid 0 unless given, as docker does for a numeric user
    if (colon != std::string::npos) {
      auto gid = parse_id(std::string_view(config.user).substr(colon + 1), config.user);
      if (!gid) return gid.error();
      o.gid = *gid;
    }
  }
  return o;
}

}  // namespace faas::containerd
