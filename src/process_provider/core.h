// Core: the ProcessProvider's state and operations. ProcessProvider hands out coroutines that hold
// a shared_ptr to the Core, so a call suspended while the provider is destroyed resumes on live
// state (and finds closed_ set). Single-threaded: one executor.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "faas/process_provider/process_provider.h"
#include "faas/provider/secret_store.h"
#include "replica.h"

namespace faas::process_provider::detail {

template <class T>
using Task = provider::Task<T>;

// One deployed function: its spec, desired replica count and replicas.
struct Function {
  api::FunctionDeployment spec;  // namespace_ filled in
  api::Timestamp created_at{};
  std::uint64_t desired = 0;
  std::uint64_t generation = 0;  // bumped by update()
  std::uint64_t rolled_out = 0;  // the newest generation whose predecessors are stopped
  std::vector<std::shared_ptr<Replica>> current;   // running this spec (starting or ready)
  std::vector<std::shared_ptr<Replica>> retiring;  // older specs, serving until current is ready
  std::vector<std::weak_ptr<Replica>> stopping;    // scaled down, still exiting
  std::shared_ptr<FunctionContext> context;
  bool removed = false;
};

class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(boost::asio::any_io_executor ex, ProcessProviderConfig config);

  Task<void> deploy(api::FunctionDeployment spec);
  Task<void> update(api::FunctionDeployment spec);
  Task<void> remove(provider::FunctionRef ref);
  Task<std::vector<api::FunctionStatus>> list(std::string namespace_);
  Task<api::FunctionStatus> status(provider::FunctionRef ref);
  Task<void> scale(provider::FunctionRef ref, std::uint64_t replicas);
  Task<std::vector<provider::Replica>> replicas(provider::FunctionRef ref);
  Task<void> wait_available(provider::FunctionRef ref, std::uint64_t count,
                            std::chrono::milliseconds timeout);
  Task<void> shutdown();

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
  Task<api::ProviderInfo> info();
  Task<void> health();

  // SIGKILLs every replica and ends every log stream (provider destruction).
  void close_now();
  std::vector<pid_t> pids(const provider::FunctionRef& ref) const;

 private:
  using Key = std::pair<std::string, std::string>;  // namespace, name

  Result<void> check_open() const;
  // "" -> the default; kInvalid for a bad or unknown namespace.
  Result<std::string> resolve_namespace(const std::string& namespace_) const;
  Result<std::shared_ptr<Function>> find(const provider::FunctionRef& ref) const;
  // Checks a deployment (filling in its namespace); the com.openfaas.scale.min label if set.
  Result<std::optional<std::uint64_t>> validate(api::FunctionDeployment& spec) const;
  // Starts or stops replicas of the current spec until there are `desired`.
  void reconcile(Function& fn);
  std::shared_ptr<Replica> start_replica(Function& fn);
  Environment replica_environment(const api::FunctionDeployment& spec, const std::string& dir) const;
  boost::asio::awaitable<void> rollout(std::shared_ptr<Function> fn, std::uint64_t generation);
  // Stops replicas (SIGTERM, SIGKILL after stop_grace) and waits for all of them.
  boost::asio::awaitable<void> stop_all(std::vector<std::shared_ptr<Replica>> replicas);
  api::FunctionStatus make_status(const Function& fn) const;
  std::string function_dir(const std::string& namespace_, const std::string& name) const;

  boost::asio::any_io_executor ex_;
  ProcessProviderConfig config_;
  provider::SecretStore secrets_;
  std::map<Key, std::shared_ptr<Function>> functions_;
  std::map<std::string, api::FunctionNamespace> namespaces_;
  std::vector<std::weak_ptr<Replica>> all_replicas_;  // for close_now()
  std::uint64_t next_slot_ = 0;
  bool closed_ = false;
};

// Serving replicas: ready ones, current first.
std::vector<provider::Replica> ready_replicas(const Function& fn);

}  // namespace faas::process_provider::detail
