// ContainerdProvider: the Provider of `faasd up` on containerd (issue 4). Every function replica is
// a container + task with its own network namespace; fwatchdog is reached on the replica's own
// 127.0.0.1:watchdog_port through a socket made inside that namespace (Replica::netns_path).
//
// Desired state (functions, namespaces, uploaded images) lives in SQLite under state_dir; a
// reconcile loop (at create() and every reconcile_interval) converges containerd to it: running
// tasks of our containers are adopted (after faasd was killed they keep running), stopped or
// crashed ones are replaced with a per-function backoff (1 s doubling to 60 s, status.reason says
// why), containers of functions no longer desired are deleted. Scaling to zero pauses replicas
// (cgroup freezer); scaling up resumes them first, so a cold start is a thaw.
//
// Thread-safety: none. create() binds the provider to one executor; call every method from it
// and run that executor single-threaded. Blocking work (SQLite, netns sockets, pulls) runs on a
// private pool. Call shutdown() before destroying the provider; destroying it without shutdown()
// leaves replicas running (as kill -9 would), which is what the restart tests exercise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "faas/core/result.h"
#include "faas/provider/provider.h"
#include "faas/registry/reference.h"

namespace faas::containerd_provider {

// Fetches an image into an OCI layout tar at out_tar; returns a short progress summary (e.g.
// "12.3 MiB in 0.8 s"). Called on a pool thread.
using PullFunction =
    std::function<Result<std::string>(const registry::Reference&, const std::string& out_tar)>;

struct ContainerdProviderConfig {
  std::string socket = "/run/containerd/containerd.sock";
  std::string state_dir;  // state.db (SQLite), secrets/, logs/, run/, tmp/
  std::string default_namespace = "openfaas-fn";
  std::chrono::milliseconds stop_grace{10'000};
  std::chrono::milliseconds ready_timeout{60'000};  // a replica not ready by then is replaced
  std::chrono::milliseconds reconcile_interval{2'000};
  std::chrono::seconds paused_idle_removal{600};  // paused replicas older than this are deleted
  std::uint16_t watchdog_port = 8080;             // where fwatchdog listens inside each replica
  // Empty: registry::pull_oci_archive (auth from docker/podman auth files, plain HTTP for loopback).
  PullFunction pull;
};

namespace detail {
class Core;
}

class ContainerdProvider final : public provider::Provider {
 public:
  // Opens state_dir/state.db, connects to containerd (kUnavailable if it does not answer), creates
  // the default namespace, then reconciles once: adopts running replicas, replaces missing ones.
  static boost::asio::awaitable<Result<std::unique_ptr<ContainerdProvider>>> create(
      boost::asio::any_io_executor ex, ContainerdProviderConfig config);
  ~ContainerdProvider() override;
  ContainerdProvider(const ContainerdProvider&) = delete;
  ContainerdProvider& operator=(const ContainerdProvider&) = delete;

  // kInvalid naming the field (name, namespace, image, missing secret, bad limits), kConflict if
  // it exists. Resolves the image (store, else pull), records the function, starts
  // com.openfaas.scale.min replicas (default 1) and returns without waiting for readiness.
  provider::Task<void> deploy(api::FunctionDeployment spec) override;
  // Rolling: new replicas start; old ones stop once as many new ones are ready. Returns then, or
  // after ready_timeout with the old ones still serving. kNotFound if the function does not exist.
  provider::Task<void> update(api::FunctionDeployment spec) override;
  // Returns once every replica is gone (tasks, containers, snapshots).
  provider::Task<void> remove(provider::FunctionRef fn) override;
  provider::Task<std::vector<api::FunctionStatus>> list(std::string namespace_) override;
  provider::Task<api::FunctionStatus> status(provider::FunctionRef fn) override;
  // 0 pauses every replica; n > 0 resumes paused replicas first (they are ready when this returns)
  // and starts the rest in the background.
  provider::Task<void> scale(provider::FunctionRef fn, std::uint64_t replicas) override;
  provider::Task<std::vector<provider::Replica>> replicas(provider::FunctionRef fn) override;

  provider::Task<std::vector<api::Secret>> list_secrets(std::string namespace_) override;
  provider::Task<void> create_secret(api::Secret secret) override;
  provider::Task<void> update_secret(api::Secret secret) override;
  provider::Task<void> remove_secret(api::Secret secret) override;

  // containerd namespaces labelled openfaas=1; removing one that holds functions is kConflict.
  provider::Task<std::vector<std::string>> list_namespaces() override;
  provider::Task<api::FunctionNamespace> get_namespace(std::string name) override;
  provider::Task<void> create_namespace(api::FunctionNamespace ns) override;
  provider::Task<void> update_namespace(api::FunctionNamespace ns) override;
  provider::Task<void> remove_namespace(std::string name) override;

  provider::Task<void> logs(provider::LogRequest request, provider::LogSink sink) override;
  // Imports an OCI layout tar under the normalized `name`; deployments naming it never pull it.
  provider::Task<std::string> import_image(std::string archive_path, std::string name,
                                           std::string namespace_) override;
  provider::Task<api::ProviderInfo> info() override;
  provider::Task<void> health() override;

  // Completes once `count` replicas of fn are ready; kTimeout after `timeout`.
  provider::Task<void> wait_available(provider::FunctionRef fn, std::uint64_t count,
                                      std::chrono::milliseconds timeout);
  // faasd is exiting: stops the reconcile loop and log streams; with stop_replicas (faasd started
  // its own containerd) also kills and deletes every replica. Later calls fail with kUnavailable.
  provider::Task<void> shutdown(bool stop_replicas);

 private:
  explicit ContainerdProvider(std::shared_ptr<detail::Core> core) : core_(std::move(core)) {}
  std::shared_ptr<detail::Core> core_;
};

}  // namespace faas::containerd_provider
