#include "templates/containerd_deployer.h"

#include <charconv>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "faas/containerd/netns.h"
#include "faas/containerd/oci_spec.h"

#include "support/spawn.h"
#include "templates/commands.h"

namespace faas::test::templates {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using containerd::Client;
using containerd::Image;

constexpr auto kToolTimeout = std::chrono::seconds(300);
// Interpreted runtimes (python, node) take a moment to start their upstream server.
constexpr auto kReadyTimeout = std::chrono::seconds(60);
constexpr auto kCallTimeout = std::chrono::seconds(60);

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string last_line(const std::string& text) {
  std::string t = trim(text);
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

Result<std::string> tool_output(const std::vector<std::string>& argv) {
  auto r = run_command(argv, "", kToolTimeout);
  if (!r) return r.error();
  if (r->exit_code != 0) {
    return invalid_argument(argv[0] + " " + argv[1] + " failed (" + std::to_string(r->exit_code) +
                            "): " + tail(r->output));
  }
  return r->output;
}

std::optional<std::uint32_t> to_number(const std::string& s) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The id of `name` in an /etc/passwd or /etc/group text (third field).
std::optional<std::uint32_t> lookup_id(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ':');) f.push_back(x);
    if (f.size() >= 4 && f[0] == name) return to_number(f[2]);
  }
  return std::nullopt;
}

struct UserIds {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

// The image's USER as numeric ids, reading the image's own /etc/passwd and /etc/group for names
// (the OCI runtime spec needs numbers; spec_from_image leaves names to the caller).
Result<UserIds> image_user(const std::string& image) {
  auto user = tool_output(
      {"buildah", "inspect", "--type", "image", "--format", "{{.OCIv1.Config.User}}", image});
  if (!user) return user.error();
  std::string spec = last_line(*user);
  if (spec.empty()) return UserIds{};
  std::string uname = spec.substr(0, spec.find(':'));
  std::string gname = spec.find(':') == std::string::npos ? "" : spec.substr(spec.find(':') + 1);
  auto ctr = tool_output({"buildah", "from", "--pull=never", "--quiet", image});
  if (!ctr) return ctr.error();
  std::string id = last_line(*ctr);
  auto mnt = tool_output({"buildah", "mount", id});
  std::string passwd, group;
  if (mnt) {
    passwd = read_file(last_line(*mnt) + "/etc/passwd");
    group = read_file(last_line(*mnt) + "/etc/group");
    (void)tool_output({"buildah", "umount", id});
  }
  (void)tool_output({"buildah", "rm", id});
  if (!mnt) return mnt.error();
  UserIds ids;
  auto uid = to_number(uname) ? to_number(uname) : lookup_id(passwd, uname);
  if (!uid) return invalid_argument("image user " + uname + " is not in the image's /etc/passwd");
  ids.uid = *uid;
  if (!gname.empty()) {
    auto gid = to_number(gname) ? to_number(gname) : lookup_id(group, gname);
    if (!gid) return invalid_argument("image group " + gname + " is not in /etc/group");
    ids.gid = *gid;
  } else {
    // The user's primary group (fourth field of its passwd line).
    std::istringstream in(passwd);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> f;
      std::istringstream fields(line);
      for (std::string x; std::getline(fields, x, ':');) f.push_back(x);
      if (f.size() >= 4 && to_number(f[2]) == ids.uid) ids.gid = to_number(f[3]).value_or(0);
    }
  }
  return ids;
}

asio::awaitable<Result<pid_t>> run_container(Client client, std::string id, Image image,
                                             containerd::SpecOptions spec, containerd::TaskIo io) {
  auto json = containerd::make_runtime_spec(spec);
  if (!json) co_return json.error();
  containerd::ContainerCreate create;
  create.id = id;
  create.image = image.name;
  create.labels["faas.test"] = "templates";
  create.snapshot_key = id;
  create.spec_json = *json;
  // The container record first: it keeps the snapshot from containerd's garbage collector.
  auto created = co_await client.create_container(std::move(create));
  if (!created) co_return created.error();
  auto mounts = co_await client.prepare_snapshot(id, image.chain_id);
  if (!mounts) co_return mounts.error();
  auto pid = co_await client.create_task(id, *mounts, io);
  if (!pid) co_return pid.error();
  auto started = co_await client.start_task(id);
  if (!started) co_return started.error();
  co_return *pid;
}

asio::awaitable<void> remove_container(Client client, std::string id, std::string image) {
  (void)co_await client.kill_task(id, SIGKILL, true);
  (void)co_await client.wait_task(id);
  (void)co_await client.delete_task(id);
  (void)co_await client.delete_container(id);
  (void)co_await client.remove_snapshot(id);
  (void)co_await client.delete_image(image);
}

std::string serialize(const Call& call) {
  std::string req = call.method + " " + call.target + " HTTP/1.1\r\nHost: function\r\n";
  for (const auto& [k, v] : call.headers) req += k + ": " + v + "\r\n";
  req += "Connection: close\r\nContent-Length: " + std::to_string(call.body.size()) + "\r\n\r\n";
  return req + call.body;
}

Result<Reply> parse_reply(const std::string& raw, bool head) {
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(64u << 20);
  parser.skip(head);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(raw), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec) return invalid_argument("bad HTTP response (" + ec.message() + "): " + tail(raw, 400));
  auto res = parser.release();
  Reply reply;
  reply.status = static_cast<int>(res.result_int());
  for (const auto& f : res)
    reply.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  reply.body = std::move(res.body());
  return reply;
}

// One exchange on a socket opened inside the replica's network namespace.
Result<Reply> call_in_netns(pid_t pid, const Call& call) {
  auto fd = containerd::connect_in_netns(containerd::netns_path_of(pid), "127.0.0.1", 8080);
  if (!fd) return fd.error();
  timeval tv{static_cast<time_t>(kCallTimeout.count()), 0};
  ::setsockopt(fd->get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd->get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string req = serialize(call);
  for (size_t off = 0; off < req.size();) {
    ssize_t n = ::write(fd->get(), req.data() + off, req.size() - off);
    if (n <= 0) return errno_error(errno, "writing the request");
    off += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) return errno_error(errno, "reading the response");
    raw.append(buf, static_cast<size_t>(n));
  }
  return parse_reply(raw, call.method == "HEAD");
}

class ContainerdDeployment : public Deployment {
 public:
  ContainerdDeployment(Client client, std::string id, std::string image, TempDir dir)
      : client_(std::move(client)),
        id_(std::move(id)),
        image_(std::move(image)),
        dir_(std::move(dir)) {}
  ~ContainerdDeployment() override { run_async(remove_container(client_, id_, image_)); }

  void started(pid_t pid) { pid_ = pid; }
  std::string out_uri() const { return "file://" + dir_.file("stdout"); }
  std::string err_uri() const { return "file://" + dir_.file("stderr"); }

  Result<Reply> invoke(const Call& call) override { return call_in_netns(pid_, call); }

  std::string logs() const override {
    return read_file(dir_.file("stdout")) + read_file(dir_.file("stderr"));
  }

  // /_/ready is 200 once the watchdog listens and (http mode) its upstream accepts connections.
  Result<void> wait_ready() {
    auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      Call probe{.method = "GET", .target = "/_/ready", .headers = {}, .body = {}};
      auto r = call_in_netns(pid_, probe);
      if (r && r->status == 200) return {};
      last = r ? "status " + std::to_string(r->status) : r.error().message();
      std::this_thread::sleep_for(100ms);
    }
    return invalid_argument("function not ready within " + std::to_string(kReadyTimeout.count()) +
                            " s (last: " + last + "); logs:\n" + tail(logs()));
  }

 private:
  Client client_;
  std::string id_;
  std::string image_;
  TempDir dir_;
  pid_t pid_ = -1;
};

// Seconds since t0, for the phase timings the test prints.
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string unique_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(rng() % 1'000'000'000);
}

}  // namespace

std::string Reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return v;
    }
  }
  return {};
}

Result<std::unique_ptr<ContainerdDeployer>> ContainerdDeployer::start() {
  auto process = ContainerdProcess::start();
  if (!process) return process.error();
  auto client = Client::connect((*process)->socket(), "faas-templates");
  if (!client) return client.error();
  return std::unique_ptr<ContainerdDeployer>(
      new ContainerdDeployer(std::move(*process), std::move(*client)));
}

ContainerdDeployer::~ContainerdDeployer() = default;

Result<std::unique_ptr<Deployment>> ContainerdDeployer::deploy(const BuiltFunction& fn) {
  auto dir = TempDir::create("faas-tmpl-" + fn.name);
  if (!dir) return dir.error();
  auto t0 = std::chrono::steady_clock::now();
  // Uncompressed layers: gzip would only cost time on a local hand-over.
  std::string archive = dir->file("image.tar");
  if (auto pushed = tool_output({"buildah", "push", "--quiet", "--disable-compression", fn.image,
                                 "oci-archive:" + archive});
      !pushed) {
    return pushed.error();
  }
  auto user = image_user(fn.image);
  if (!user) return user.error();
  std::string name = "faas.test/" + fn.name + "-" + unique_suffix() + ":latest";
  double pushed_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  auto image = run_async(client_.import_oci_archive(archive, {name, true}));
  if (!image) return image.error();
  double imported_s = seconds_since(t0);
  std::error_code ec;
  std::filesystem::remove(archive, ec);  // the content store has it now

  containerd::ImageConfig config = image->config;
  config.user.clear();  // resolved above
  auto spec = containerd::spec_from_image(config);
  if (!spec) return spec.error();
  spec->uid = user->uid;
  spec->gid = user->gid;
  std::string id = fn.name + "-" + unique_suffix();
  auto deployment = std::make_unique<ContainerdDeployment>(client_, id, name, std::move(*dir));
  containerd::TaskIo io{"", deployment->out_uri(), deployment->err_uri()};
  t0 = std::chrono::steady_clock::now();
  auto pid = run_async(run_container(client_, id, *image, *spec, io));
  if (!pid) return pid.error();
  double started_s = seconds_since(t0);
  deployment->started(*pid);
  if (auto ready = deployment->wait_ready(); !ready) return ready.error();
  std::cout << "[templates] " << fn.name << ": buildah push + user " << pushed_s
            << " s, containerd import " << imported_s << " s, task start " << started_s
            << " s, ready after " << seconds_since(t0) - started_s << " s\n";
  return std::unique_ptr<Deployment>(std::move(deployment));
}

}  // namespace faas::test::templates
