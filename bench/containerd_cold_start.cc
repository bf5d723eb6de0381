// Cold start on containerd, phase by phase, and thaw from zero (needs root, containerd, runc).
//
// Starts a private containerd (tests/support ContainerdProcess), imports a FROM-scratch image
// (static fwatchdog + busybox, fprocess=cat), then N times:
//   raw:      create container (+ snapshot) | create task | start task | ready (/_/ready 200 from
//             inside the netns) | first byte of a POST — the calls the provider makes, timed one by one
//   provider: ContainerdProvider deploy -> wait_available -> first byte (what faasd adds on top)
//   thaw:     scale(0) (pause), then scale(1) -> first byte (resume; no probe)
// and prints median and p90 per phase. Usage: faas-bench-containerd-cold-start [runs] (default 10).
// FAAS_BIN_DIR must point at the directory holding fwatchdog (as for the tests).
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include "faas/containerd/netns.h"
#include "faas/containerd/oci_spec.h"
#include "faas/containerd_provider/containerd_provider.h"
#include "support/containerd_process.h"

namespace net = boost::asio;
using namespace faas;
using Clock = std::chrono::steady_clock;
using Micros = std::chrono::duration<double, std::micro>;

namespace {

std::map<std::string, std::vector<double>> g_samples;  // phase -> microseconds
std::vector<std::string> g_order;

void record(const std::string& phase, Clock::time_point from, Clock::time_point to) {
  if (!g_samples.contains(phase)) g_order.push_back(phase);
  g_samples[phase].push_back(Micros(to - from).count());
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "containerd cold start bench: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T check(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message());
  return std::move(*r);
}
void check(Result<void> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message());
}

// GET /_/ready (or POST /) through the netns; true once the status line is 200. For "first byte"
// the clock stops at the first response byte.
bool http_once(const std::string& netns, const std::string& request, Clock::time_point* first_byte) {
  auto fd = containerd::connect_in_netns(netns, "127.0.0.1", 8080, std::chrono::seconds(2));
  if (!fd) return false;
  if (::write(fd->get(), request.data(), request.size()) != static_cast<ssize_t>(request.size())) return false;
  char buf[512];
  ssize_t n = ::read(fd->get(), buf, sizeof buf);
  if (first_byte) *first_byte = Clock::now();
  return n >= 12 && std::string_view(buf, 12) == "HTTP/1.1 200";
}

const std::string kReady = "GET /_/ready HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n";
const std::string kPost = "POST / HTTP/1.1\r\nHost: r\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi";

class Runner {
 public:
  Runner() : thread_([this] { io_.run(); }) {}
  ~Runner() {
    work_.reset();
    thread_.join();
  }
  template <class T>
  T run(net::awaitable<T> task) {
    return net::co_spawn(io_, std::move(task), net::use_future).get();
  }
  net::io_context io_;

 private:
  net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(io_);
  std::thread thread_;
};

void raw_cold_start(Runner& runner, containerd::Client client, const containerd::Image& image, int i) {
  std::string id = "bench-raw-" + std::to_string(i);
  auto spec = check(containerd::spec_from_image(image.config), "spec");
  spec.cgroups_path = "/faas/bench/" + id;
  auto json = check(containerd::make_runtime_spec(spec), "runtime spec");
  auto t0 = Clock::now();
  containerd::ContainerCreate create{.id = id, .image = image.name, .snapshot_key = id, .spec_json = json};
  check(runner.run(client.create_container(std::move(create))), "create container");
  auto mounts = check(runner.run(client.prepare_snapshot(id, image.chain_id)), "prepare snapshot");
  auto t1 = Clock::now();
  auto pid = check(runner.run(client.create_task(id, mounts, containerd::TaskIo{})), "create task");
  auto t2 = Clock::now();
  check(runner.run(client.start_task(id)), "start task");
  auto t3 = Clock::now();
  std::string netns = containerd::netns_path_of(pid);
  auto deadline = t3 + std::chrono::seconds(20);
  while (!http_once(netns, kReady, nullptr)) {
    if (Clock::now() > deadline) die("replica never ready");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto t4 = Clock::now();
  Clock::time_point t5;
  if (!http_once(netns, kPost, &t5)) die("POST failed");
  record("raw: create container+snapshot", t0, t1);
  record("raw: create task", t1, t2);
  record("raw: start task", t2, t3);
  record("raw: ready (/_/ready 200)", t3, t4);
  record("raw: first byte of a call", t4, t5);
  record("raw: total -> first byte", t0, t5);
  (void)runner.run(client.kill_task(id, SIGKILL, true));
  (void)runner.run(client.wait_task(id));
  (void)runner.run(client.delete_task(id));
  (void)runner.run(client.delete_container(id));
  (void)runner.run(client.remove_snapshot(id));
}

void provider_cold_start(Runner& runner, containerd_provider::ContainerdProvider& p, const std::string& image,
                         int i) {
  std::string name = "bench-" + std::to_string(i);
  auto t0 = Clock::now();
  api::FunctionDeployment spec{.service = name, .image = image, .env_process = "cat"};
  check(runner.run(p.deploy(spec)), "deploy");
  auto t1 = Clock::now();
  check(runner.run(p.wait_available({name, ""}, 1, std::chrono::seconds(30))), "wait_available");
  auto t2 = Clock::now();
  auto replicas = check(runner.run(p.replicas({name, ""})), "replicas");
  Clock::time_point t3;
  if (replicas.empty() || !http_once(replicas[0].netns_path, kPost, &t3)) die("first call failed");
  record("provider: deploy() returns", t0, t1);
  record("provider: deploy -> ready", t0, t2);
  record("provider: deploy -> first byte", t0, t3);

  check(runner.run(p.scale({name, ""}, 0)), "scale 0");
  auto t4 = Clock::now();
  check(runner.run(p.scale({name, ""}, 1)), "scale 1");
  auto thawed = check(runner.run(p.replicas({name, ""})), "replicas");
  Clock::time_point t5;
  if (thawed.empty() || !http_once(thawed[0].netns_path, kPost, &t5)) die("call after thaw failed");
  record("thaw: scale(1) -> first byte", t4, t5);
  check(runner.run(p.remove({name, ""})), "remove");
}

void print_table() {
  std::printf("| phase | median | p90 | runs |\n|---|---:|---:|---:|\n");
  for (const auto& phase : g_order) {
    auto v = g_samples[phase];
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))]; };
    std::printf("| %s | %.1f ms | %.1f ms | %zu |\n", phase.c_str(), at(0.5) / 1000, at(0.9) / 1000, v.size());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 10;
  if (::geteuid() != 0) die("needs root (containerd)");
  auto containerd = check(test::ContainerdProcess::start(), "start containerd");
  auto dir = check(test::TempDir::create("faas-bench-cold"), "temp dir");
  auto image_spec = check(test::watchdog_image_spec(), "image spec");
  auto archive = check(test::build_oci_archive(dir, image_spec), "image archive");
  Runner runner;
  auto client = check(containerd::Client::connect(containerd->socket(), "openfaas-fn"), "connect");
  auto provider = check(runner.run(containerd_provider::ContainerdProvider::create(
                            runner.io_.get_executor(),
                            {.socket = containerd->socket(), .state_dir = dir.file("state")})),
                        "provider");
  const std::string name = "faas.bench/echo:latest";
  check(runner.run(provider->import_image(archive, name, "")), "import");
  auto image = check(runner.run(client.get_image(name)), "get image");
  for (int i = 0; i < runs; ++i) raw_cold_start(runner, client, image, i);
  for (int i = 0; i < runs; ++i) provider_cold_start(runner, *provider, name, i);
  (void)runner.run(provider->shutdown(true));
  net::post(runner.io_, net::use_future([&] { provider.reset(); })).get();
  print_table();
  return 0;
}
