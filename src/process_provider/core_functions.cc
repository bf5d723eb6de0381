// Core: function lifecycle (deploy, update, remove, scale, status, replicas).
#include <algorithm>
#include <filesystem>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "faas/api/json.h"
#include "faas/core/log.h"
#include "faas/provider/errors.h"
#include "faas/provider/lookup.h"

#include "core.h"

namespace faas::process_provider::detail {

namespace net = boost::asio;
using provider::checked_name;
using provider::provider_error;
using provider::ProviderErrc;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kScaleMinLabel = "com.openfaas.scale.min";

bool all_ready(const std::vector<std::shared_ptr<Replica>>& replicas) {
  return std::all_of(replicas.begin(), replicas.end(), [](const auto& r) { return r->ready(); });
}

}  // namespace

std::vector<provider::Replica> ready_replicas(const Function& fn) {
  std::vector<provider::Replica> out;
  for (const auto* list : {&fn.current, &fn.retiring}) {
    for (const auto& r : *list) {
      if (auto e = r->endpoint()) out.push_back(std::move(*e));
    }
  }
  return out;
}

Core::Core(net::any_io_executor ex, ProcessProviderConfig config)
    : ex_(std::move(ex)), config_(std::move(config)), secrets_(config_.state_dir + "/secrets") {
  namespaces_[config_.default_namespace] =
      api::FunctionNamespace{.name = config_.default_namespace, .labels = {{"openfaas", "1"}}};
}

Result<void> Core::check_open() const {
  if (closed_)
    return provider_error(ProviderErrc::kUnavailable, "the process provider is shut down");
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
  auto ns = resolve_namespace(spec.namespace_);
  if (!ns) return ns.error();
  spec.namespace_ = *ns;
  if (spec.image.empty()) return provider_error(ProviderErrc::kInvalid, "image: required");
  auto fprocess = spec.env_vars.find("fprocess");
  if (spec.env_process.empty() && (fprocess == spec.env_vars.end() || fprocess->second.empty())) {
    return provider_error(ProviderErrc::kInvalid,
                          "envProcess: required (or envVars.fprocess): the command fwatchdog runs");
  }
  for (const auto& secret : spec.secrets) {
    if (auto v = provider::SecretStore::validate_name(secret); !v) return v.error();
    if (!secrets_.exists(spec.namespace_, secret)) {
      return provider_error(ProviderErrc::kInvalid, "unable to find secret: " + secret);
    }
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

std::string Core::function_dir(const std::string& namespace_, const std::string& name) const {
  return config_.state_dir + "/functions/" + namespace_ + "/" + name;
}

Environment Core::replica_environment(const api::FunctionDeployment& spec,
                                      const std::string& dir) const {
  Environment env = config_.base_env;
  for (const auto& [k, v] : spec.env_vars) env[k] = v;
  if (!spec.env_process.empty()) env["fprocess"] = spec.env_process;
  // Where the replica listens: we read the port fwatchdog picks from its log. Metrics are off:
  // nothing scrapes replicas here, and a second port per replica would only add collisions.
  env["port"] = "0";
  env["bind_address"] = "127.0.0.1";
  env["metrics_port"] = "-1";
  // A stopped replica has already left replicas(), so fwatchdog's drain (default: write_timeout)
  // only needs to cover requests the gateway routed a moment before.
  env.try_emplace("healthcheck_interval", "1s");
  env.try_emplace("TMPDIR", dir);  // the lock file of each replica in its own directory
  env["OPENFAAS_SECRETS_DIR"] = dir + "/secrets";
  // If faasd dies without stopping its replicas (kill -9), they stop too instead of lingering.
  env["exit_with_parent"] = "true";
  return env;
}

std::shared_ptr<Replica> Core::start_replica(Function& fn) {
  std::string slot = fn.spec.service + "-" + std::to_string(++next_slot_);
  std::string dir = function_dir(fn.spec.namespace_, fn.spec.service) + "/" + slot;
  ReplicaSpec spec{
      // env -C: ChildProcess has no working-directory option.
      .argv = {"/usr/bin/env", "-C", dir, config_.fwatchdog_path},
      .env = to_envp(replica_environment(fn.spec, dir)),
      .dir = dir,
      .slot = slot,
      .secrets_source = secrets_.directory(fn.spec.namespace_),
      .secrets = fn.spec.secrets,
  };
  auto replica = Replica::start(ex_, std::move(spec), fn.context);
  std::erase_if(all_replicas_, [](const auto& w) { return w.expired(); });
  all_replicas_.push_back(replica);
  return replica;
}

void Core::reconcile(Function& fn) {
  while (fn.current.size() < fn.desired) fn.current.push_back(start_replica(fn));
  std::erase_if(fn.stopping, [](const auto& w) { return w.expired(); });
  while (fn.current.size() > fn.desired) {
    // Stop one that is not serving yet if there is one, else the newest.
    auto it = std::find_if(fn.current.rbegin(), fn.current.rend(),
                           [](const auto& r) { return !r->ready(); });
    auto victim_it = it != fn.current.rend() ? std::prev(it.base()) : std::prev(fn.current.end());
    auto victim = *victim_it;
    fn.current.erase(victim_it);
    fn.stopping.push_back(victim);
    victim->begin_stop();
    auto deadline = Clock::now() + config_.stop_grace;
    net::co_spawn(
        ex_, [victim, deadline]() { return victim->finish_stop(deadline); }, net::detached);
  }
  fn.context->changed.notify();
}

Task<void> Core::deploy(api::FunctionDeployment spec) {
  auto min = validate(spec);
  if (!min) co_return min.error();
  Key key{spec.namespace_, spec.service};
  if (functions_.contains(key)) {
    co_return provider_error(ProviderErrc::kConflict, "function " + spec.service +
                                                          " already exists in namespace " +
                                                          spec.namespace_ + "; update it instead");
  }
  auto fn = std::make_shared<Function>();
  fn->desired = min->value_or(1);
  fn->created_at = std::chrono::system_clock::now();
  fn->context =
      std::make_shared<FunctionContext>(ex_, spec.service, spec.namespace_, config_.log_lines);
  fn->spec = std::move(spec);
  functions_.emplace(key, fn);
  reconcile(*fn);
  co_return Result<void>{};
}

Task<void> Core::update(api::FunctionDeployment spec) {
  auto self = shared_from_this();
  auto min = validate(spec);
  if (!min) co_return min.error();
  auto found = find({spec.service, spec.namespace_});
  if (!found) co_return found.error();
  auto fn = *found;
  fn->spec = std::move(spec);
  if (*min) fn->desired = **min;
  auto generation = ++fn->generation;
  for (auto& r : fn->current) fn->retiring.push_back(std::move(r));
  fn->current.clear();
  reconcile(*fn);
  net::co_spawn(
      ex_, [self, fn, generation]() { return self->rollout(fn, generation); }, net::detached);
  auto deadline = Clock::now() + config_.ready_timeout;
  while (!closed_ && !fn->removed && fn->generation == generation && fn->rolled_out < generation) {
    if (co_await fn->context->changed.wait_until(deadline) != Notifier::Wake::kNotified) {
      log_warn("process provider: " + fn->spec.service + "." + fn->spec.namespace_ +
               ": new replicas not ready after update; previous ones keep serving until they are");
      break;
    }
  }
  co_return check_open();
}

net::awaitable<void> Core::rollout(std::shared_ptr<Function> fn, std::uint64_t generation) {
  auto self = shared_from_this();
  auto superseded = [&] { return closed_ || fn->removed || fn->generation != generation; };
  while (!superseded() && !all_ready(fn->current)) {
    co_await fn->context->changed.wait_until(Clock::time_point::max());
  }
  if (superseded()) co_return;
  auto old = std::move(fn->retiring);
  fn->retiring.clear();
  co_await stop_all(std::move(old));
  fn->rolled_out = std::max(fn->rolled_out, generation);
  fn->context->changed.notify();
}

net::awaitable<void> Core::stop_all(std::vector<std::shared_ptr<Replica>> replicas) {
  for (auto& r : replicas) r->begin_stop();
  auto deadline = Clock::now() + config_.stop_grace;
  for (auto& r : replicas) co_await r->finish_stop(deadline);
}

Task<void> Core::remove(provider::FunctionRef ref) {
  auto self = shared_from_this();
  auto found = find(ref);
  if (!found) co_return found.error();
  auto fn = *found;
  functions_.erase({fn->spec.namespace_, fn->spec.service});
  fn->removed = true;
  fn->context->logs.close();
  std::vector<std::shared_ptr<Replica>> all;
  for (auto* list : {&fn->current, &fn->retiring}) {
    for (auto& r : *list) all.push_back(std::move(r));
    list->clear();
  }
  for (auto& w : fn->stopping) {
    if (auto r = w.lock()) all.push_back(std::move(r));
  }
  co_await stop_all(std::move(all));
  std::error_code ec;
  std::filesystem::remove_all(function_dir(fn->spec.namespace_, fn->spec.service), ec);
  co_return Result<void>{};
}

api::FunctionStatus Core::make_status(const Function& fn) const {
  const auto& s = fn.spec;
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
      .replicas = fn.desired,
      .available_replicas = ready_replicas(fn).size(),
      .created_at = fn.created_at,
      .usage = std::nullopt,
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
  auto fn = find(ref);
  if (!fn) co_return fn.error();
  (*fn)->desired = replicas;
  reconcile(**fn);
  co_return Result<void>{};
}

Task<std::vector<provider::Replica>> Core::replicas(provider::FunctionRef ref) {
  auto fn = find(ref);
  if (!fn) co_return fn.error();
  co_return ready_replicas(**fn);
}

Task<void> Core::wait_available(provider::FunctionRef ref, std::uint64_t count,
                                std::chrono::milliseconds timeout) {
  auto self = shared_from_this();
  auto found = find(ref);
  if (!found) co_return found.error();
  auto fn = *found;
  auto deadline = Clock::now() + timeout;
  while (ready_replicas(*fn).size() < count) {
    if (closed_) co_return check_open();
    if (fn->removed)
      co_return provider_error(ProviderErrc::kNotFound, "function removed: " + ref.name);
    auto wake = co_await fn->context->changed.wait_until(deadline);
    if (wake == Notifier::Wake::kDeadline) {
      co_return provider_error(ProviderErrc::kTimeout,
                               ref.name + ": " + std::to_string(ready_replicas(*fn).size()) +
                                   " of " + std::to_string(count) + " replicas ready");
    }
    if (wake == Notifier::Wake::kCancelled)
      co_return provider_error(ProviderErrc::kUnavailable, "cancelled");
  }
  co_return Result<void>{};
}

Task<void> Core::shutdown() {
  auto self = shared_from_this();
  if (closed_) co_return Result<void>{};
  closed_ = true;
  std::vector<std::shared_ptr<Replica>> all;
  for (auto& w : all_replicas_) {
    if (auto r = w.lock()) all.push_back(std::move(r));
  }
  for (auto& [key, fn] : functions_) fn->context->logs.close();
  co_await stop_all(std::move(all));
  co_return Result<void>{};
}

void Core::close_now() {
  closed_ = true;
  for (auto& w : all_replicas_) {
    if (auto r = w.lock()) r->kill();
  }
  for (auto& [key, fn] : functions_) {
    fn->context->logs.close();
    fn->context->changed.notify();
  }
}

std::vector<pid_t> Core::pids(const provider::FunctionRef& ref) const {
  std::vector<pid_t> out;
  auto found = find(ref);
  if (!found) return out;
  const auto& fn = **found;
  auto add = [&](const std::shared_ptr<Replica>& r) {
    if (auto pid = r->pid()) out.push_back(*pid);
  };
  for (const auto& r : fn.current) add(r);
  for (const auto& r : fn.retiring) add(r);
  for (const auto& w : fn.stopping) {
    if (auto r = w.lock()) add(r);
  }
  return out;
}

}  // namespace faas::process_provider::detail
