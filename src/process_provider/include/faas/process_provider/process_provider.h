// ProcessProvider: a Provider that runs every function replica as a local process, our own
// `fwatchdog` started with the deployment's environment. The development/test runtime
// (`faasd up --runtime process`, `faasd provider --runtime process`) for machines without
// containerd, and what the gateway's end-to-end tests run functions on. Real processes on real
// loopback ports: each replica's fwatchdog listens on 127.0.0.1 at a port it picks itself (port=0)
// and reports in its log, and counts as available once GET /_/ready answers 200.
//
// Desired state (functions, namespaces) is held in memory; secrets are files under state_dir.
// Differences from containers (README.md): no image is pulled (`image` is required and echoed but
// unused), no isolation or limits, and secrets are read from $OPENFAAS_SECRETS_DIR/<name> instead
// of /var/openfaas/secrets/<name>.
//
// Thread-safety: none. create() binds the provider to one executor; call every method from it and
// run it single-threaded. Coroutines keep the provider's state alive, so destroying the provider
// (or the io_context) while calls are suspended is safe: pending calls end, kUnavailable where a
// result is still owed. The destructor SIGKILLs every replica; call shutdown() first for a
// graceful stop. One provider per state_dir: create() clears state_dir/functions.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "faas/core/env.h"
#include "faas/core/result.h"
#include "faas/provider/provider.h"

namespace faas::process_provider {

struct ProcessProviderConfig {
  std::string fwatchdog_path;  // the fwatchdog binary every replica runs
  std::string state_dir;       // secrets/<ns>/<name> and functions/<ns>/<fn>/<replica>/ live here
  std::string default_namespace = "openfaas-fn";
  // Every replica's environment starts from this (then envVars, fprocess, and our variables).
  // Empty: PATH (and only PATH) of this process.
  Environment base_env;
  // SIGTERM, then SIGKILL after this long, on remove / scale down / update / shutdown.
  std::chrono::milliseconds stop_grace{10'000};
  // How long update() waits for the new replicas before it returns (the rollout goes on).
  std::chrono::milliseconds ready_timeout{30'000};
  std::size_t log_lines = 10'000;  // per function, the oldest are dropped
};

namespace detail {
class Core;
}

class ProcessProvider final : public provider::Provider {
 public:
  // Creates state_dir/{secrets,functions} (0700). kInvalid if fwatchdog_path is not executable or
  // default_namespace is not a valid name.
  static Result<std::unique_ptr<ProcessProvider>> create(boost::asio::any_io_executor ex,
                                                         ProcessProviderConfig config);
  ~ProcessProvider() override;
  ProcessProvider(const ProcessProvider&) = delete;
  ProcessProvider& operator=(const ProcessProvider&) = delete;

  // kInvalid (naming the field) for a bad name/namespace, missing image or fprocess, a missing
  // secret, an unknown namespace or a bad com.openfaas.scale.min; kConflict if it exists (use
  // update). Starts com.openfaas.scale.min replicas (default 1) and returns without waiting for
  // them to become ready (see wait_available).
  provider::Task<void> deploy(api::FunctionDeployment spec) override;
  // Rolling: starts the new replicas, waits until all are ready, then stops the old ones, so a
  // ready replica exists throughout. Returns then, or after ready_timeout with the old replicas
  // still serving until the new ones are ready. Replica count: unchanged, or the new
  // com.openfaas.scale.min if it is set. kNotFound if the function does not exist.
  provider::Task<void> update(api::FunctionDeployment spec) override;
  // Returns once every replica process has exited (SIGTERM, SIGKILL after stop_grace).
  provider::Task<void> remove(provider::FunctionRef fn) override;
  provider::Task<std::vector<api::FunctionStatus>> list(std::string namespace_) override;
  provider::Task<api::FunctionStatus> status(provider::FunctionRef fn) override;
  // Any count, 0 included and no cap. Returns at once: new replicas start, removed ones stop in
  // the background (they leave replicas() immediately).
  provider::Task<void> scale(provider::FunctionRef fn, std::uint64_t replicas) override;
  provider::Task<std::vector<provider::Replica>> replicas(provider::FunctionRef fn) override;

  // Secrets are files (0600). Creating an existing one is kConflict (use update), as faas-netes
  // answers and faas-cli expects; update/remove of a missing one is kNotFound.
  provider::Task<std::vector<api::Secret>> list_secrets(std::string namespace_) override;
  provider::Task<void> create_secret(api::Secret secret) override;
  provider::Task<void> update_secret(api::Secret secret) override;
  provider::Task<void> remove_secret(api::Secret secret) override;

  // The default namespace always exists; others need label openfaas=1 (or "true"), live in
  // memory, and can be removed only when they hold no function (kConflict otherwise).
  provider::Task<std::vector<std::string>> list_namespaces() override;
  provider::Task<api::FunctionNamespace> get_namespace(std::string name) override;
  provider::Task<void> create_namespace(api::FunctionNamespace ns) override;
  provider::Task<void> update_namespace(api::FunctionNamespace ns) override;
  provider::Task<void> remove_namespace(std::string name) override;

  // From the function's in-memory ring (fwatchdog's stdout+stderr lines, each tagged with the
  // replica id as instance). follow=true delivers new lines until the sink returns false, the
  // function is removed, the provider shuts down, or the awaiting coroutine is cancelled.
  provider::Task<void> logs(provider::LogRequest request, provider::LogSink sink) override;
  provider::Task<api::ProviderInfo> info() override;
  provider::Task<void> health() override;

  // Not in Provider: completes once `count` replicas of fn are ready; kTimeout after `timeout`,
  // kNotFound if fn does not exist or is removed meanwhile.
  provider::Task<void> wait_available(provider::FunctionRef fn, std::uint64_t count,
                                      std::chrono::milliseconds timeout);
  // Stops every replica gracefully (SIGTERM, SIGKILL after stop_grace) and ends log streams;
  // later calls fail with kUnavailable.
  provider::Task<void> shutdown();

  // Test hook: the fwatchdog pids of fn's running replicas (starting, ready or retiring).
  std::vector<pid_t> pids_for_test(const provider::FunctionRef& fn) const;

 private:
  explicit ProcessProvider(std::shared_ptr<detail::Core> core) : core_(std::move(core)) {}
  std::shared_ptr<detail::Core> core_;
};

}  // namespace faas::process_provider
