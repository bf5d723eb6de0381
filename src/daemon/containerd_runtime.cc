// The containerd runtime of faasd: ContainerdProvider on the system containerd or on an embedded
// one (ContainerdHost), and the gateway's way into replica network namespaces.
#include <chrono>
#include <cstdio>
#include <optional>

#include <boost/asio/co_spawn.hpp>

#include "faas/containerd/netns.h"
#include "faas/containerd_provider/containerd_provider.h"
#include "faas/core/log.h"
#include "faas/registry/pull.h"

#include "containerd_host.h"
#include "runtime.h"

namespace faas::daemon {

namespace net = boost::asio;
using containerd_provider::ContainerdProvider;

namespace {

class ContainerdRuntime final : public Runtime {
 public:
  ContainerdRuntime(std::unique_ptr<ContainerdHost> host, std::unique_ptr<ContainerdProvider> p)
      : host_(std::move(host)), p_(std::move(p)) {}
  ~ContainerdRuntime() override {
    p_.reset();  // before its containerd goes away
    host_.reset();
  }
  provider::Provider& provider() override { return *p_; }
  const std::string& name() const override { return name_; }
  std::function<Result<UniqueFd>(const std::string&, int)> netns_socket() const override {
    return [](const std::string& netns, int family) {
      return containerd::open_socket_in_netns(netns, family, true);
    };
  }
  // With its own containerd, faasd stops the functions too (nothing would supervise them); on a
  // system containerd they keep running and the next faasd adopts them.
  net::awaitable<void> shutdown() override {
    const bool embedded = host_->embedded();
    co_await p_->shutdown(embedded);
    if (embedded) host_->stop();
  }

 private:
  std::unique_ptr<ContainerdHost> host_;
  std::unique_ptr<ContainerdProvider> p_;
  std::string name_ = "containerd";
};

// Pulls with the registry client; credentials from the docker-style config files it searches.
Result<std::string> pull_image(const registry::Reference& ref, const std::string& out_tar) {
  const auto start = std::chrono::steady_clock::now();
  registry::PullOptions options;
  std::int64_t logged = 0;
  options.progress = [&](const registry::PullProgress& p) {
    if (p.done - logged < (16 << 20) && p.done != p.total) return;  // a line per 16 MiB
    logged = p.done;
    log_info("pull " + ref.str() + ": " + p.what + " " + std::to_string(p.done >> 20) + "/" +
             std::to_string(p.total >> 20) + " MiB");
  };
  auto r = registry::pull_oci_archive(ref, out_tar, options);
  if (!r) return r.error();
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.1f MiB in %.2f s", static_cast<double>(r->bytes) / (1 << 20),
                secs);
  return std::string(buf);
}

// Runs io until `task` completes (the provider's start-up: connect, recover state).
template <class T>
T run_until_done(net::io_context& io, net::awaitable<T> task) {
  std::optional<T> out;
  net::co_spawn(io, std::move(task), [&out](const std::exception_ptr& e, T value) {
    if (e) std::rethrow_exception(e);
    out.emplace(std::move(value));
  });
  while (!out && io.run_one() > 0) {
  }
  io.restart();
  return std::move(*out);
}

}  // namespace

Result<std::unique_ptr<Runtime>> make_containerd_runtime(net::io_context& io,
                                                         const RuntimeOptions& o) {
  auto host = ContainerdHost::open(o.containerd_socket, o.host_state_dir);
  if (!host) return host.error();
  containerd_provider::ContainerdProviderConfig config;
  config.socket = (*host)->socket();
  config.state_dir = o.state_dir;
  config.default_namespace = o.default_namespace;
  config.pull = pull_image;
  auto p = run_until_done(io, ContainerdProvider::create(io.get_executor(), std::move(config)));
  if (!p) return p.error();
  return std::unique_ptr<Runtime>(
      std::make_unique<ContainerdRuntime>(std::move(*host), std::move(*p)));
}

}  // namespace faas::daemon
