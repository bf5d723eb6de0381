// A ContainerdProvider on a private real containerd (one per test binary) and a private state
// directory (one per test). The provider runs on an io_context of its own thread, as in faasd;
// run(task) hands it one call and waits for the result. Replicas are reached the way the gateway
// reaches them: a socket made inside the replica's network namespace, to its own 127.0.0.1.
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "faas/containerd/netns.h"
#include "faas/containerd_provider/containerd_provider.h"
#include "faas/provider/errors.h"
#include "support/containerd_process.h"

namespace faas::test {

namespace net = boost::asio;
using containerd_provider::ContainerdProvider;
using containerd_provider::ContainerdProviderConfig;
using provider::FunctionRef;
using provider::ProviderErrc;
using namespace std::chrono_literals;

template <class T>
std::string error_text(const Result<T>& r) {
  return r ? std::string() : r.error().message();
}

template <class T>
bool has_errc(const Result<T>& r, ProviderErrc errc) {
  return !r && r.error().code == provider::make_error_code(errc);
}

// One POST with Connection: close through the replica's own loopback; the whole raw response.
inline Result<std::string> invoke(const provider::Replica& r, const std::string& body) {
  auto fd = containerd::connect_in_netns(r.netns_path, r.endpoint.address().to_string(), r.endpoint.port());
  if (!fd) return fd.error();
  std::string req = "POST / HTTP/1.1\r\nHost: replica\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  timeval tv{10, 0};
  ::setsockopt(fd->get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::write(fd->get(), req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    return errno_error(errno, "write");
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd->get(), buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

inline bool is_ok(const Result<std::string>& response) {
  return response && response->starts_with("HTTP/1.1 200");
}

class ContainerdProviderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = ContainerdProcess::start();
    ASSERT_TRUE(p) << p.error().message();
    containerd_ = std::move(*p).release();
    auto dir = TempDir::create("faas-cprov-image");
    ASSERT_TRUE(dir);
    image_dir_ = new TempDir(std::move(*dir));
    auto spec = watchdog_image_spec();
    ASSERT_TRUE(spec) << spec.error().message();
    spec->env.push_back("healthcheck_interval=100ms");
    // fwatchdog splits fprocess on spaces (no quoting), so multi-step checks are scripts.
    for (const auto& [name, text] : kScripts) {
      auto path = image_dir_->write(name, "#!/bin/sh\n" + std::string(text) + "\n", true);
      ASSERT_TRUE(path);
      spec->files.push_back({*path, "/bin/" + std::string(name)});
    }
    auto archive = build_oci_archive(*image_dir_, *spec);
    ASSERT_TRUE(archive) << archive.error().message();
    archive_ = *archive;
  }
  static void TearDownTestSuite() {
    delete image_dir_;
    delete containerd_;
  }

  void SetUp() override {
    ASSERT_NE(containerd_, nullptr);
    auto dir = TempDir::create("faas-cprov-state");
    ASSERT_TRUE(dir);
    state_.emplace(std::move(*dir));
    thread_ = std::thread([this] { io_.run(); });
    ASSERT_NO_FATAL_FAILURE(open_provider());
    auto name = run(provider_->import_image(archive_, kImage, ""));
    ASSERT_TRUE(name) << error_text(name);
  }

  void TearDown() override {
    if (provider_) {
      auto r = run(provider_->shutdown(true));
      EXPECT_TRUE(r) << error_text(r);
      drop_provider();
    }
    work_.reset();
    thread_.join();
    if (HasFailure()) std::cerr << "containerd log (tail):\n" << tail(containerd_->log(), 4000);
  }

  virtual ContainerdProviderConfig config() {
    return ContainerdProviderConfig{.socket = containerd_->socket(),
                                    .state_dir = state_->path() + "/state",
                                    .stop_grace = 3s,
                                    .ready_timeout = 20s,
                                    .reconcile_interval = 300ms};
  }

  void open_provider() {
    auto p = run(ContainerdProvider::create(io_.get_executor(), config()));
    ASSERT_TRUE(p) << error_text(p);
    provider_ = std::move(*p);
  }

  // Destroys the provider on its own thread without stopping replicas (as kill -9 would).
  void drop_provider() {
    auto done = net::post(io_, net::use_future([this] { provider_.reset(); }));
    done.wait();
  }

  template <class T>
  T run(net::awaitable<T> task, std::chrono::milliseconds timeout = 60s) {
    auto fut = net::co_spawn(io_, std::move(task), net::use_future);
    if (fut.wait_for(timeout) != std::future_status::ready) {
      ADD_FAILURE() << "provider call did not complete in time";
      std::abort();  // the call still references the test's objects
    }
    return fut.get();
  }

  api::FunctionDeployment function(std::string name, std::string fprocess = "cat") {
    return api::FunctionDeployment{.service = std::move(name), .image = kImage, .env_process = std::move(fprocess)};
  }

  Result<void> deploy_ready(api::FunctionDeployment spec, std::uint64_t count = 1) {
    auto name = spec.service;
    auto ns = spec.namespace_;
    if (auto d = run(provider_->deploy(std::move(spec))); !d) return d;
    return run(provider_->wait_available({name, ns}, count, 30s));
  }

  std::vector<provider::Replica> replicas(const std::string& name) {
    auto r = run(provider_->replicas({name, ""}));
    EXPECT_TRUE(r) << error_text(r);
    return r ? *r : std::vector<provider::Replica>{};
  }

  containerd::Client client(const std::string& ns = "openfaas-fn") {
    auto c = containerd::Client::connect(containerd_->socket(), ns);
    EXPECT_TRUE(c);
    return *c;
  }

  static std::string tail(const std::string& s, std::size_t n) {
    return s.size() > n ? s.substr(s.size() - n) : s;
  }

  static constexpr const char* kImage = "faas.test/echo:latest";
  static constexpr std::pair<const char*, const char*> kScripts[] = {
      {"report-version", "echo version=$VERSION"},
      {"log-marker", "echo \"marker-$(cat)\" >&2; echo logged"},
      {"report-secrets", "cat /var/openfaas/secrets/token; echo; ls /var/openfaas/secrets; id -u"},
      {"report-limits",
       "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us\n"
       "touch /x 2>/dev/null && echo rootfs=rw || echo rootfs=ro\n"
       "touch /tmp/y && echo tmp=rw"},
  };
  static inline ContainerdProcess* containerd_ = nullptr;
  static inline TempDir* image_dir_ = nullptr;
  static inline std::string archive_;
  std::optional<TempDir> state_;
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(io_);
  std::thread thread_;
  std::unique_ptr<ContainerdProvider> provider_;
};

}  // namespace faas::test
