// Core: function lifecycle (deploy, update, remove, scale, status, replicas) and validation.
#include <algorithm>
#include <filesystem>
#include <limits>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "faas/api/json.h"
#include "faas/containerd/netns.h"
#include "faas/core/env.h"
#include "faas/core/log.h"
#include "faas/provider/errors.h"
#include "faas/provider/lookup.h"
#include "faas/provider/secret_store.h"

#include "core.h"
#include "replica_spec.h"

namespace faas::containerd_provider::detail {

namespace net = boost::asio;
using provider::checked_name;
using provider::provider_error;
using provider::ProviderErrc;

namespace {

constexpr const char* kScaleMinLabel = "com.openfaas.scale.min";

bool has_old_generation(const Function& fn) {
  return std::any_of(fn.replicas.begin(), fn.replicas.end(),
                     [&](auto& r) { return r->generation != fn.stored.generation; });
}

}  // namespace

std::vector<provider::Replica> ready_replicas(const Function& fn, std::uint16_t port) {
  std::vector<provider::Replica> out;
  for (const auto& r : fn.replicas) {
    if (r->phase != Phase::kReady) continue;
    out.push_back(provider::Replica{
        .id = r->id,
        .endpoint = net::ip::tcp::endpoint(net::ip::address_v4::loopback(), port),
        .netns_path = containerd::netns_path_of(r->pid),
        .path_prefix = "",
    });
  }
  return out;
}

std::string new_replica_id(const std::string& fn) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = fn + "-";
  auto bits = rng();
  for (int i = 0; i < 8; ++i, bits >>= 4) id += kHex[bits & 0xf];
  return id;
}

Result<void> Core::check_open() const {
  if (closed_)
    return provider_error(ProviderErrc::kUnavailable, "the containerd provider is shut down");
  return {};
}

Result<std::string> Core::resolve_namespace(const std::string& namespace_) const {
  if (auto open = check_open(); !open) return open.error();
  return provider::resolve_namespace(namespace_, config_.default_namespace, namespaces_);
}

Result<std::shared_ptr<Function>> Core::find(const provider::FunctionRef& ref) const {
  auto ns = resolve_namespace(ref.namespace_);
  if (!ns) return ns.error();
  return provider::find_function(functions_, *ns, ref.name);
}

Result<std::optional<std::uint64_t>> Core::validate(api::FunctionDeployment& spec) const {
  if (auto v = checked_name("service", spec.service); !v) return v.error();
  // Replica ids are "<name>-<8 hex>" and containerd ids stop at 76 characters.
  if (spec.service.size() > 54)
    return provider_error(ProviderErrc::kInvalid, "service: longer than 54 characters");
  auto ns = resolve_namespace(spec.namespace_);
  if (!ns) return ns.error();
  spec.namespace_ = *ns;
  if (spec.image.empty()) return provider_error(ProviderErrc::kInvalid, "image: required");
  provider::SecretStore secrets(config_.state_dir + "/secrets");
  for (const auto& secret : spec.secrets) {
    if (auto v = provider::SecretStore::validate_name(secret); !v) return v.error();
    if (!secrets.exists(spec.namespace_, secret)) {
      return provider_error(ProviderErrc::kInvalid, "unable to find secret: " + secret);
    }
  }
  if (spec.limits && !spec.limits->memory.empty()) {
    if (auto m = parse_memory(spec.limits->memory); !m) return m.error();
  }
  if (spec.limits && !spec.limits->cpu.empty()) {
    if (auto c = parse_cpu(spec.limits->cpu); !c) return c.error();
  }
  std::optional<std::uint64_t> min;
  if (spec.labels) {
    if (auto it = spec.labels->find(kScaleMinLabel); it != spec.labels->end()) {
      auto n = parse_int(it->second, 0, std::numeric_limits<long long>::max());
      if (!n) {
        return provider_error(ProviderErrc::kInvalid, std::string("labels.") + kScaleMinLabel +
                                                          ": \"" + it->second +
                                                          "\" is not a non-negative integer");
      }
      min = static_cast<std::uint64_t>(*n);
    }
  }
  return min;
}

Task<void> Core::deploy(api::FunctionDeployment spec) {
  auto self = shared_from_this();
  auto min = validate(spec);
  if (!min) co_return min.error();
  Key key{spec.namespace_, spec.service};
  if (functions_.contains(key)) {
    co_return provider_error(ProviderErrc::kConflict, "function " + spec.service +
                                                          " already exists in namespace " +
                                                          spec.namespace_ + "; update it instead");
  }
  auto image = co_await resolve_image(spec.namespace_, spec.image);
  if (!image) co_return image.error();
  if (functions_.contains(key)) {  // deployed meanwhile (the pull took a while)
    co_return provider_error(ProviderErrc::kConflict,
                             "function " + spec.service + " already exists");
  }
  auto fn = std::make_shared<Function>();
  fn->stored = StoredFunction{.spec = std::move(spec),
                              .replicas = min->value_or(1),
                              .created_at = std::chrono::system_clock::now(),
                              .generation = 1};
  fn->image = std::move(*image);
  fn->changed = std::make_unique<Notifier>(ex_);
  auto stored = fn->stored;
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto saved_op = in_db([stored](StateDb& db) { return db.put_function(stored); });
  auto saved = co_await std::move(saved_op);
  if (!saved) co_return provider_error(ProviderErrc::kInternal, saved.error().message());
  functions_.emplace(key, fn);
  co_await converge(fn);
  co_return Result<void>{};
}

Task<void> Core::update(api::FunctionDeployment spec) {
  auto self = shared_from_this();
  auto min = validate(spec);
  if (!min) co_return min.error();
  auto found = find({spec.service, spec.namespace_});
  if (!found) co_return found.error();
  auto fn = *found;
  auto image = co_await resolve_image(spec.namespace_, spec.image);
  if (!image) co_return image.error();
  if (fn->removed)
    co_return provider_error(ProviderErrc::kNotFound, "function removed: " + spec.service);
  StoredFunction next = fn->stored;
  next.spec = std::move(spec);
  if (*min) next.replicas = **min;
  ++next.generation;
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto saved_op = in_db([next](StateDb& db) { return db.put_function(next); });
  auto saved = co_await std::move(saved_op);
  if (!saved) co_return provider_error(ProviderErrc::kInternal, saved.error().message());
  fn->stored = std::move(next);
  fn->image = std::move(*image);
  fn->backoff = std::chrono::milliseconds(0);
  fn->next_start = {};
  fn->reason.clear();
  auto generation = fn->stored.generation;
  co_await converge(fn);
  // Old replicas go once the new ones are ready (converge); wait for that, bounded.
  auto deadline = Clock::now() + config_.ready_timeout;
  while (!closed_ && !fn->removed && fn->stored.generation == generation &&
         has_old_generation(*fn)) {
    if (co_await fn->changed->wait_until(deadline) != Notifier::Wake::kNotified) {
      log_warn("containerd provider: " + fn->name() + "." + fn->ns() +
               ": new replicas not ready after update; previous ones keep serving until they are");
      break;
    }
  }
  co_return check_open();
}

Task<void> Core::remove(provider::FunctionRef ref) {
  auto self = shared_from_this();
  auto found = find(ref);
  if (!found) co_return found.error();
  auto fn = *found;
  functions_.erase({fn->ns(), fn->name()});
  fn->removed = true;
  fn->changed->notify();
  std::string ns = fn->ns(), name = fn->name();
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto deleted_op = in_db([ns, name](StateDb& db) { return db.delete_function(ns, name); });
  auto deleted = co_await std::move(deleted_op);
  if (!deleted) log_error("containerd provider: " + deleted.error().message());
  std::vector<std::shared_ptr<ReplicaState>> all = fn->replicas;
  for (auto& r : all) {
    if (r->phase == Phase::kStopping) continue;
    r->phase = Phase::kStopping;
  }
  // Every container with our labels, including ones being created right now (their creator sees
  // fn->removed and deletes its own, this catches the rest).
  for (auto& r : all) co_await stop_replica(fn, r, true);
  co_await delete_containers(ns, name);
  std::error_code ec;
  std::filesystem::remove_all(secrets_dir(ns, name), ec);
  logs_->remove_function(ns, name);
  co_return Result<void>{};
}

api::FunctionStatus Core::make_status(const Function& fn) const {
  const auto& s = fn.stored.spec;
  return api::FunctionStatus{
      .name = s.service,
      .image = s.image,
      .namespace_ = s.namespace_,
      .env_process = s.env_process,
      .env_vars = s.env_vars,
      .constraints = s.constraints,
      .secrets = s.secrets,
      .labels = s.labels,
      .annotations = s.annotations,
      .limits = s.limits,
      .requests = s.requests,
      .read_only_root_filesystem = s.read_only_root_filesystem,
      .invocation_count = 0,
      .replicas = fn.stored.replicas,
      .available_replicas = ready_replicas(fn, config_.watchdog_port).size(),
      .created_at = fn.stored.created_at,
      .usage = std::nullopt,
      .reason = fn.reason,
  };
}

Task<std::vector<api::FunctionStatus>> Core::list(std::string namespace_) {
  auto ns = resolve_namespace(namespace_);
  if (!ns) co_return ns.error();
  std::vector<api::FunctionStatus> out;
  for (const auto& [key, fn] : functions_) {
    if (key.first == *ns) out.push_back(make_status(*fn));
  }
  co_return out;
}

Task<api::FunctionStatus> Core::status(provider::FunctionRef ref) {
  auto fn = find(ref);
  if (!fn) co_return fn.error();
  co_return make_status(**fn);
}

Task<void> Core::scale(provider::FunctionRef ref, std::uint64_t replicas) {
  auto self = shared_from_this();
  auto found = find(ref);
  if (!found) co_return found.error();
  auto fn = *found;
  bool changed = fn->stored.replicas != replicas;
  fn->stored.replicas = replicas;
  // Pauses and resumes happen here, awaited: a scale from zero returns with thawed replicas ready.
  // The state db write comes after (an fsync must not delay a thaw); a crash in between only
  // loses this scale.
  co_await converge(fn);
  if (changed) {
    std::string ns = fn->ns(), name = fn->name();
    // GCC 12: no lambda temporaries inside a co_await expression.
    auto saved_op =
        in_db([ns, name, replicas](StateDb& db) { return db.set_replicas(ns, name, replicas); });
    auto saved = co_await std::move(saved_op);
    if (!saved) log_error("containerd provider: " + saved.error().message());
  }
  co_return Result<void>{};
}

Task<std::vector<provider::Replica>> Core::replicas(provider::FunctionRef ref) {
  auto fn = find(ref);
  if (!fn) co_return fn.error();
  co_return ready_replicas(**fn, config_.watchdog_port);
}

Task<void> Core::wait_available(provider::FunctionRef ref, std::uint64_t count,
                                std::chrono::milliseconds timeout) {
  auto self = shared_from_this();
  auto found = find(ref);
  if (!found) co_return found.error();
  auto fn = *found;
  auto deadline = Clock::now() + timeout;
  while (ready_replicas(*fn, config_.watchdog_port).size() < count) {
    if (closed_) co_return check_open();
    if (fn->removed)
      co_return provider_error(ProviderErrc::kNotFound, "function removed: " + ref.name);
    auto wake = co_await fn->changed->wait_until(deadline);
    if (wake == Notifier::Wake::kDeadline) {
      co_return provider_error(
          ProviderErrc::kTimeout,
          ref.name + ": " + std::to_string(ready_replicas(*fn, config_.watchdog_port).size()) +
              " of " + std::to_string(count) + " replicas ready" +
              (fn->reason.empty() ? "" : " (" + fn->reason + ")"));
    }
    if (wake == Notifier::Wake::kCancelled)
      co_return provider_error(ProviderErrc::kUnavailable, "cancelled");
  }
  co_return Result<void>{};
}

}  // namespace faas::containerd_provider::detail
