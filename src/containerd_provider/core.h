// Core: the ContainerdProvider's state and operations. Coroutines hold a shared_ptr to the Core,
// so a call suspended while the provider is destroyed resumes on live state. Single-threaded: one
// executor; blocking work goes to pool_.
//
// Replica phases: kStarting (container/task being made, then probed) -> kReady -> kPausing ->
// kPaused -> kResuming -> kReady ...; any -> kStopping (being deleted; gone from the list when
// done). converge() makes every decision synchronously (marks phases before any co_await), so
// overlapping converges never act on the same replica twice.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include "faas/containerd/client.h"
#include "faas/containerd_provider/containerd_provider.h"
#include "faas/logfiles/log_files.h"
#include "faas/provider/notifier.h"
#include "blocking.h"
#include "state_db.h"

namespace faas::containerd_provider::detail {

using provider::Notifier;

template <class T>
using Task = provider::Task<T>;
using Clock = std::chrono::steady_clock;

enum class Phase { kStarting, kReady, kPausing, kPaused, kResuming, kStopping };

struct ReplicaState {
  std::string id;  // container id "<fn>-<random>"
  std::uint64_t generation = 0;
  Phase phase = Phase::kStarting;
  pid_t pid = 0;               // 0 until the task exists
  Clock::time_point since{};   // when the phase began
  // run_replica is still making the container/task: a stop only marks kStopping and run_replica
  // deletes what it made when it sees that.
  bool creating = false;
};

struct Function {
  StoredFunction stored;  // spec (namespace filled in), desired replicas, generation
  containerd::Image image;  // resolved for the current generation
  std::vector<std::shared_ptr<ReplicaState>> replicas;
  std::chrono::milliseconds backoff{0};  // crash backoff; 0 = none
  Clock::time_point next_start{};
  std::string reason;  // why the function has fewer replicas than desired
  std::uint32_t uid = 0, gid = 0;  // the image's user: owner of the replica's secret copies
  bool removed = false;
  bool start_scheduled = false;  // a converge_at is waiting for next_start
  std::unique_ptr<Notifier> changed;  // any replica or desired-state change

  const std::string& ns() const { return stored.spec.namespace_; }
  const std::string& name() const { return stored.spec.service; }
};

class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(boost::asio::any_io_executor ex, ContainerdProviderConfig config, containerd::Client client,
       std::unique_ptr<StateDb> db);
  ~Core();

  // Loads state, creates namespaces, adopts containers, starts the reconcile loop.
  Task<void> start();

  Task<void> deploy(api::FunctionDeployment spec);
  Task<void> update(api::FunctionDeployment spec);
  Task<void> remove(provider::FunctionRef ref);
  Task<std::vector<api::FunctionStatus>> list(std::string namespace_);
  Task<api::FunctionStatus> status(provider::FunctionRef ref);
  Task<void> scale(provider::FunctionRef ref, std::uint64_t replicas);
  Task<std::vector<provider::Replica>> replicas(provider::FunctionRef ref);
  Task<void> wait_available(provider::FunctionRef ref, std::uint64_t count,
                            std::chrono::milliseconds timeout);
  Task<void> shutdown(bool stop_replicas);

  Task<std::vector<api::Secret>> list_secrets(std::string namespace_);
  Task<void> create_secret(api::Secret secret);
  Task<void> update_secret(api::Secret secret);
  Task<void> remove_secret(api::Secret secret);

  Task<std::vector<std::string>> list_namespaces();
  Task<api::FunctionNamespace> get_namespace(std::string name);
  Task<void> create_namespace(api::FunctionNamespace ns);
  Task<void> update_namespace(api::FunctionNamespace ns);
  Task<void> remove_namespace(std::string name);

  Task<void> logs(provider::LogRequest request, provider::LogSink sink);
  Task<std::string> import_image(std::string archive_path, std::string name, std::string namespace_);
  Task<api::ProviderInfo> info();
  Task<void> health();

  // Provider destroyed without shutdown(): stop the loop, leave replicas running.
  void abandon();

 private:
  using Key = std::pair<std::string, std::string>;  // namespace, name

  // --- lookups and validation (functions.cc) ---
  Result<void> check_open() const;
  // "" -> the default; kInvalid for a bad or unknown namespace.
  Result<std::string> resolve_namespace(const std::string& namespace_) const;
  Result<std::shared_ptr<Function>> find(const provider::FunctionRef& ref) const;
  // Checks a deployment (filling in its namespace); the com.openfaas.scale.min label if set.
  Result<std::optional<std::uint64_t>> validate(api::FunctionDeployment& spec) const;
  // Runs a StateDb call on the pool.
  template <class F>
  auto in_db(F f) -> boost::asio::awaitable<decltype(f(std::declval<StateDb&>()))>;
  api::FunctionStatus make_status(const Function& fn) const;

  // --- images (images.cc) ---
  // The image a deployment names, in ns's store: uploaded -> as is; else pulled (again for a
  // tag), falling back to a local copy when the pull fails; oci-archive:PATH -> imported.
  Task<containerd::Image> resolve_image(std::string ns, std::string image);
  Task<containerd::Image> pull_and_import(containerd::Client client, registry::Reference ref);

  // --- replicas (replicas.cc) ---
  boost::asio::awaitable<void> converge(std::shared_ptr<Function> fn);
  boost::asio::awaitable<void> run_replica(std::shared_ptr<Function> fn,
                                           std::shared_ptr<ReplicaState> r);
  boost::asio::awaitable<void> watch_exit(std::shared_ptr<Function> fn,
                                          std::shared_ptr<ReplicaState> r);
  boost::asio::awaitable<void> converge_at(std::shared_ptr<Function> fn, Clock::time_point when);
  boost::asio::awaitable<void> probe_until_ready(std::shared_ptr<Function> fn,
                                                 std::shared_ptr<ReplicaState> r);
  boost::asio::awaitable<void> stop_replica(std::shared_ptr<Function> fn,
                                            std::shared_ptr<ReplicaState> r, bool graceful);
  boost::asio::awaitable<bool> pause_replica(std::shared_ptr<Function> fn,
                                             std::shared_ptr<ReplicaState> r);
  boost::asio::awaitable<bool> resume_replica(std::shared_ptr<Function> fn,
                                              std::shared_ptr<ReplicaState> r);
  // A replica's task exited on its own: delete it, back off, say why.
  void replica_failed(Function& fn, const std::shared_ptr<ReplicaState>& r, std::string why);
  // Removes every container of ns/fn (by label), whatever its state. Best effort.
  boost::asio::awaitable<void> delete_containers(std::string ns, std::string fn_name);
  boost::asio::awaitable<void> destroy_container(containerd::Client client, std::string id,
                                                 std::chrono::milliseconds grace);
  std::string secrets_dir(const std::string& ns, const std::string& fn) const;
  // Where the shim appends the replica's stdout+stderr (LogFiles' layout under state_dir/logs).
  Result<std::string> log_path(const std::string& ns, const std::string& fn, const std::string& id);
  // Every live replica's log file, for LogFiles::maintain (rotation, retention).
  std::set<std::string> live_log_paths() const;
  // Thread-safe (touches no Core state but config_): runs on the pool.
  Result<void> refresh_function_secrets(const std::string& ns, const std::string& fn,
                                        const std::vector<std::string>& secrets, std::uint32_t uid,
                                        std::uint32_t gid) const;

  // --- reconcile (reconcile.cc) ---
  boost::asio::awaitable<void> reconcile_loop();
  boost::asio::awaitable<void> reconcile_once();
  boost::asio::awaitable<void> adopt(std::string ns);
  void kick(const std::shared_ptr<Function>& fn);

  boost::asio::any_io_executor ex_;
  ContainerdProviderConfig config_;
  containerd::Client client_;
  std::unique_ptr<StateDb> db_;
  boost::asio::thread_pool pool_{2};
  std::map<Key, std::shared_ptr<Function>> functions_;
  std::map<std::string, api::FunctionNamespace> namespaces_;  // containerd's, labelled openfaas=1
  std::unique_ptr<Notifier> wake_;
  std::unique_ptr<logfiles::LogFiles> logs_;  // wakes the reconcile loop early (shutdown)
  bool closed_ = false;
  // True until start() has adopted every container: a converge before that (an adopted replica
  // turning ready) would see too few replicas and start extra ones.
  bool adopting_ = true;
  bool pause_supported_ = true;
  friend class ContainerdProviderTestPeer;
};

template <class F>
auto Core::in_db(F f) -> boost::asio::awaitable<decltype(f(std::declval<StateDb&>()))> {
  StateDb* db = db_.get();
  return on_pool(pool_, [db, f = std::move(f)]() mutable { return f(*db); });
}

// The name an image has in containerd's store: "oci-archive:PATH" as is, else the normalized
// reference ("docker.io/library/alpine:latest"). kInvalid naming the image.
Result<std::string> store_name(const std::string& image);

// "/faas/<ns>/<id>": the replica's cgroup (under each v1 controller's mount).
std::string cgroups_path(const std::string& ns, const std::string& id);

// Ready replicas as the gateway sees them.
std::vector<provider::Replica> ready_replicas(const Function& fn, std::uint16_t port);
// "<fn>-<8 hex>".
std::string new_replica_id(const std::string& fn);

}  // namespace faas::containerd_provider::detail
