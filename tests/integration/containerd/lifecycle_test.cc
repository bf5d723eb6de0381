// The containerd client against a real containerd: import a FROM-scratch image (busybox-static +
// fwatchdog), run it in its own network namespace, reach the watchdog only through that
// namespace's loopback, pause/resume, stop, clean up.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include "faas/containerd/client.h"
#include "faas/containerd/netns.h"
#include "faas/containerd/oci_spec.h"

#include "support/containerd_process.h"

namespace faas::containerd {
namespace {

using test::run_async;
using namespace std::chrono_literals;

std::string unique_id(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return prefix + "-" + std::to_string(rng() % 1'000'000'000);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One HTTP/1.1 request with Connection: close over a connected fd; returns the raw response.
std::string http_post(int fd, const std::string& body) {
  std::string req = "POST / HTTP/1.1\r\nHost: replica\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) return {};
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

// The watchdog needs a moment after the task starts to listen; retry the connect (bounded).
Result<UniqueFd> connect_watchdog(pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + test::kWaitTimeout;
  for (;;) {
    auto fd = connect_in_netns(netns_path_of(pid), "127.0.0.1", 8080);
    if (fd || std::chrono::steady_clock::now() > deadline) return fd;
    std::this_thread::sleep_for(20ms);
  }
}

namespace asio = boost::asio;

// Creates and starts a container of image with spec; returns the task's pid. The container
// record comes first: it is what keeps the snapshot from containerd's garbage collector (an
// active snapshot nothing references can be collected before the container exists).
asio::awaitable<Result<pid_t>> run_container(Client client, std::string id, Image image,
                                             SpecOptions spec, TaskIo io) {
  auto json = make_runtime_spec(spec);
  if (!json) co_return json.error();
  ContainerCreate create;
  create.id = id;
  create.image = image.name;
  create.labels["faas.test"] = "1";
  create.snapshot_key = id;
  create.spec_json = *json;
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

// Best-effort teardown so a failed test leaves nothing running.
asio::awaitable<void> remove_container(Client client, std::string id) {
  (void)co_await client.kill_task(id, SIGKILL, true);
  (void)co_await client.wait_task(id);
  (void)co_await client.delete_task(id);
  (void)co_await client.delete_container(id);
  (void)co_await client.remove_snapshot(id);
}

// Removes the container (task, record, snapshot) when the test ends, however it ends.
struct ContainerCleanup {
  Client client;
  std::string id;
  ~ContainerCleanup() { run_async(remove_container(client, id)); }
};

class ContainerdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = test::ContainerdProcess::start();
    ASSERT_TRUE(p) << p.error().message();
    containerd_ = std::move(*p).release();
    auto dir = test::TempDir::create("faas-ctrd-image");
    ASSERT_TRUE(dir);
    image_dir_ = new test::TempDir(std::move(*dir));
    auto spec = test::watchdog_image_spec();
    ASSERT_TRUE(spec) << spec.error().message();
    auto archive = test::build_oci_archive(*image_dir_, *spec);
    ASSERT_TRUE(archive) << archive.error().message();
    archive_ = *archive;
  }
  static void TearDownTestSuite() {
    delete image_dir_;
    delete containerd_;
  }

  void SetUp() override {
    ASSERT_NE(containerd_, nullptr);
    auto c = Client::connect(containerd_->socket(), "faas-it");
    ASSERT_TRUE(c);
    client_.emplace(*c);
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "containerd log:\n" << containerd_->log();
  }

  Image import() {
    auto image = run_async(client_->import_oci_archive(archive_, {kImageName, true}));
    EXPECT_TRUE(image) << image.error().message();
    return image ? *image : Image{};
  }

  static constexpr const char* kImageName = "faas.test/echo:latest";
  static inline test::ContainerdProcess* containerd_ = nullptr;
  static inline test::TempDir* image_dir_ = nullptr;
  static inline std::string archive_;
  std::optional<Client> client_;
};

TEST_F(ContainerdTest, VersionAnswers) {
  auto v = run_async(client_->version());
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_TRUE(v->version.starts_with("1.")) << v->version;
}

TEST_F(ContainerdTest, NamespacesWithLabels) {
  std::string name = unique_id("fn-ns");
  auto created = run_async(client_->create_namespace(name, {{"openfaas", "1"}}));
  ASSERT_TRUE(created) << created.error().message();
  auto again = run_async(client_->create_namespace(name, {}));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kAlreadyExists);
  auto got = run_async(client_->get_namespace(name));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->labels.at("openfaas"), "1");
  auto all = run_async(client_->list_namespaces());
  ASSERT_TRUE(all);
  EXPECT_TRUE(std::any_of(all->begin(), all->end(), [&](auto& n) { return n.name == name; }));
  ASSERT_TRUE(run_async(client_->delete_namespace(name)));
  auto gone = run_async(client_->get_namespace(name));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::kNotFound);
}

TEST_F(ContainerdTest, ImportResolvesConfigAndUnpacks) {
  Image image = import();
  EXPECT_EQ(image.name, kImageName);
  EXPECT_EQ(image.layers.size(), 1u);
  EXPECT_EQ(image.config.cmd, std::vector<std::string>{"/fwatchdog"});
  EXPECT_NE(std::find(image.config.env.begin(), image.config.env.end(), "fprocess=cat"),
            image.config.env.end());
  // A single-layer image's chain id is its diff id.
  EXPECT_EQ(image.chain_id, image.config.diff_ids.at(0));
  auto exists = run_async(client_->snapshot_exists(image.chain_id));
  ASSERT_TRUE(exists) << exists.error().message();
  EXPECT_TRUE(*exists);
  auto again = run_async(client_->get_image(kImageName));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->manifest.digest, image.manifest.digest);
  auto names = run_async(client_->list_images());
  ASSERT_TRUE(names);
  EXPECT_NE(std::find(names->begin(), names->end(), kImageName), names->end());
  // Importing again is idempotent (existing blobs, record and snapshots are reused).
  EXPECT_EQ(import().chain_id, image.chain_id);
}

TEST_F(ContainerdTest, MissingObjectsAreNotFound) {
  auto c = run_async(client_->get_container("no-such-container"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::kNotFound);
  EXPECT_NE(c.error().message().find("no-such-container"), std::string::npos);
  auto t = run_async(client_->get_task("no-such-container"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::kNotFound);
  auto i = run_async(client_->get_image("faas.test/none:latest"));
  ASSERT_FALSE(i);
  EXPECT_EQ(i.error().code, Errc::kNotFound);
}

TEST_F(ContainerdTest, WatchdogReachableOnlyThroughItsNetworkNamespace) {
  Image image = import();
  std::string id = unique_id("echo");
  ContainerCleanup cleanup{*client_, id};
  auto spec = spec_from_image(image.config);
  ASSERT_TRUE(spec) << spec.error().message();
  spec->env.push_back("healthcheck_interval=100ms");
  TaskIo io{"", "file://" + image_dir_->file(id + ".out"),
            "file://" + image_dir_->file(id + ".err")};
  auto pid = run_async(run_container(*client_, id, image, *spec, io));
  ASSERT_TRUE(pid) << pid.error().message();
  ASSERT_GT(*pid, 0);

  struct stat ours {
  }, theirs{};
  ASSERT_EQ(::stat("/proc/self/ns/net", &ours), 0);
  ASSERT_EQ(::stat(netns_path_of(*pid).c_str(), &theirs), 0);
  EXPECT_NE(ours.st_ino, theirs.st_ino) << "the replica must have its own network namespace";

  auto fd = connect_watchdog(*pid);
  ASSERT_TRUE(fd) << fd.error().message();
  std::string response = http_post(fd->get(), "hello from the host");
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
  EXPECT_NE(response.find("\r\nhello from the host\r\n"), std::string::npos) << response;

  ASSERT_TRUE(run_async(client_->pause_task(id)));
  auto paused = run_async(client_->get_task(id));
  ASSERT_TRUE(paused) << paused.error().message();
  EXPECT_EQ(paused->status, TaskStatus::kPaused);
  EXPECT_EQ(paused->pid, *pid);
  ASSERT_TRUE(run_async(client_->resume_task(id)));
  auto tasks = run_async(client_->list_tasks());
  ASSERT_TRUE(tasks);
  auto it = std::find_if(tasks->begin(), tasks->end(), [&](auto& t) { return t.id == id; });
  ASSERT_NE(it, tasks->end());
  EXPECT_EQ(it->status, TaskStatus::kRunning);
  auto again = connect_watchdog(*pid);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_NE(http_post(again->get(), "after resume").find("\r\nafter resume\r\n"),
            std::string::npos);

  ASSERT_TRUE(run_async(client_->kill_task(id, SIGTERM)));
  auto exit = run_async(client_->wait_task(id));
  ASSERT_TRUE(exit) << exit.error().message();
  EXPECT_EQ(exit->status, 0u) << "fwatchdog exits cleanly on SIGTERM";
  auto deleted = run_async(client_->delete_task(id));
  ASSERT_TRUE(deleted) << deleted.error().message();
  ASSERT_TRUE(run_async(client_->delete_container(id)));
  ASSERT_TRUE(run_async(client_->remove_snapshot(id)));
  auto gone = run_async(client_->get_container(id));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::kNotFound);
  EXPECT_NE(read_file(image_dir_->file(id + ".out")).find("Listening on port: 8080"),
            std::string::npos)
      << "stdout: " << read_file(image_dir_->file(id + ".out"))
      << "\nstderr: " << read_file(image_dir_->file(id + ".err"));
}

TEST_F(ContainerdTest, SpecLimitsAndHardening) {
  Image image = import();
  std::string id = unique_id("spec");
  ContainerCleanup cleanup{*client_, id};
  auto secrets = test::TempDir::create("faas-ctrd-secrets");
  ASSERT_TRUE(secrets);
  ASSERT_TRUE(secrets->write("token", "s3cret"));
  // The function runs as uid 1000: the secrets directory must let it in (mkdtemp made it 0700).
  ASSERT_EQ(::chmod(secrets->path().c_str(), 0755), 0);
  SpecOptions spec;
  spec.args = {
      "/bin/sh", "-c",
      "echo uid=$(id -u); grep -E '^(NoNewPrivs|CapEff)' /proc/self/status;"
      "touch /x 2>/dev/null && echo rootfs=rw || echo rootfs=ro;"
      "touch /tmp/x && echo tmp=rw;"
      "echo secret=$(cat /var/openfaas/secrets/token);"
      "echo y > /var/openfaas/secrets/token 2>/dev/null && echo secret=rw || echo secret=ro;"
      "echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes);"
      "echo cpu=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)"};
  spec.env = {"PATH=/bin"};
  spec.uid = 1000;
  spec.gid = 1000;
  spec.read_only_rootfs = true;
  spec.memory_limit_bytes = 64 << 20;
  spec.cpu_millis = 500;
  spec.mounts.push_back({secrets->path(), "/var/openfaas/secrets", true});
  std::string out = image_dir_->file(id + ".out");
  auto pid = run_async(run_container(*client_, id, image, spec, {"", "file://" + out, ""}));
  ASSERT_TRUE(pid) << pid.error().message();
  auto exit = run_async(client_->wait_task(id));
  ASSERT_TRUE(exit) << exit.error().message();
  std::string text = read_file(out);
  EXPECT_EQ(exit->status, 0u) << text;
  EXPECT_NE(text.find("uid=1000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("NoNewPrivs:\t1"), std::string::npos) << text;
  EXPECT_NE(text.find("CapEff:\t0000000000000000"), std::string::npos)
      << "a non-root process keeps no effective capabilities\n"
      << text;
  EXPECT_NE(text.find("rootfs=ro"), std::string::npos) << text;
  EXPECT_NE(text.find("tmp=rw"), std::string::npos) << text;
  EXPECT_NE(text.find("secret=s3cret"), std::string::npos) << text;
  EXPECT_NE(text.find("secret=ro"), std::string::npos) << text;
  EXPECT_NE(text.find("mem=67108864"), std::string::npos) << text;
  EXPECT_NE(text.find("cpu=50000"), std::string::npos) << text;
}

TEST_F(ContainerdTest, RootCapabilitiesAreReduced) {
  Image image = import();
  std::string id = unique_id("caps");
  ContainerCleanup cleanup{*client_, id};
  SpecOptions spec;
  spec.args = {"/bin/grep", "CapBnd", "/proc/self/status"};
  spec.env = {"PATH=/bin"};
  std::string out = image_dir_->file(id + ".out");
  auto pid = run_async(run_container(*client_, id, image, spec, {"", "file://" + out, ""}));
  ASSERT_TRUE(pid) << pid.error().message();
  auto exit = run_async(client_->wait_task(id));
  ASSERT_TRUE(exit) << exit.error().message();
  // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE: bits 0,1,3-8,10.
  EXPECT_NE(read_file(out).find("CapBnd:\t00000000000005fb"), std::string::npos) << read_file(out);
}

TEST_F(ContainerdTest, CancelledWaitLeavesTaskRunning) {
  Image image = import();
  std::string id = unique_id("sleep");
  ContainerCleanup cleanup{*client_, id};
  SpecOptions spec;
  spec.args = {"/bin/sleep", "1000"};
  spec.env = {"PATH=/bin"};
  auto pid = run_async(run_container(*client_, id, image, spec, {}));
  ASSERT_TRUE(pid) << pid.error().message();
  using namespace boost::asio::experimental::awaitable_operators;
  auto raced = run_async([](Client c, std::string id) -> asio::awaitable<int> {
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    auto r = co_await (c.wait_task(id) || timer.async_wait(asio::use_awaitable));
    co_return static_cast<int>(r.index());
  }(*client_, id));
  EXPECT_EQ(raced, 1) << "the timer wins; the Wait RPC was cancelled";
  auto task = run_async(client_->get_task(id));
  ASSERT_TRUE(task);
  EXPECT_EQ(task->status, TaskStatus::kRunning);
  ASSERT_TRUE(run_async(client_->kill_task(id, SIGKILL)));
  auto exit = run_async(client_->wait_task(id));
  ASSERT_TRUE(exit) << exit.error().message();
  EXPECT_EQ(exit->status, 128u + SIGKILL);
}

// True when pid is gone or a zombie (a process reparented to an init that does not reap).
bool dead(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close == std::string::npos || stat.substr(close + 2, 1) == "Z";
}

// The test support's clean-up, checked: a test that ends with a paused task still there (a crashed
// daemon, a failed assertion) must not leave that task's processes running after its containerd
// goes. Killing the shim alone orphans them, and a frozen task ignores SIGKILL until thawed.
TEST_F(ContainerdTest, APausedTaskLeftBehindDiesWithThePrivateContainerd) {
  auto other = test::ContainerdProcess::start();
  ASSERT_TRUE(other) << other.error().message();
  auto c = Client::connect((*other)->socket(), "faas-it");
  ASSERT_TRUE(c);
  auto image = run_async(c->import_oci_archive(archive_, {kImageName, true}));
  ASSERT_TRUE(image) << image.error().message();
  auto spec = spec_from_image(image->config);
  ASSERT_TRUE(spec) << spec.error().message();
  std::string id = unique_id("left");
  auto pid = run_async(run_container(*c, id, *image, *spec, TaskIo{}));
  ASSERT_TRUE(pid) << pid.error().message();
  ASSERT_TRUE(run_async(c->pause_task(id)));
  ASSERT_FALSE(dead(*pid));
  other->reset();  // the destructor: containerd stopped, leftovers killed
  auto deadline = std::chrono::steady_clock::now() + test::kWaitTimeout;
  while (!dead(*pid) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(dead(*pid)) << "the paused task's process " << *pid << " outlived its containerd";
}

TEST(ContainerdClient, NothingListeningIsUnavailable) {
  auto dir = test::TempDir::create("faas-ctrd-none");
  ASSERT_TRUE(dir);
  auto c = Client::connect(dir->file("nothing.sock"), "x", {std::chrono::milliseconds(500)});
  ASSERT_TRUE(c);
  auto v = run_async(c->version());
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().code == Errc::kUnavailable || v.error().code == Errc::kDeadlineExceeded)
      << v.error().message();
}

}  // namespace
}  // namespace faas::containerd
