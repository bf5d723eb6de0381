// Core: start-up (namespaces, adoption of running replicas), the reconcile loop, shutdown.
#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core.h"
#include "faas/core/env.h"
#include "faas/core/log.h"
#include "faas/provider/errors.h"

namespace faas::containerd_provider::detail {

namespace net = boost::asio;
using namespace std::chrono_literals;
using containerd::TaskStatus;
using provider::ProviderErrc;
using provider::provider_error;

namespace {

bool openfaas_labelled(const containerd::Labels& labels) {
  auto it = labels.find("openfaas");
  return it != labels.end() && (it->second == "1" || it->second == "true");
}

// A replica that has served this long without crashing ends the function's backoff.
constexpr auto kHealthyAfter = 10s;

}  // namespace

Core::Core(net::any_io_executor ex, ContainerdProviderConfig config, containerd::Client client,
           std::unique_ptr<StateDb> db)
    : ex_(std::move(ex)),
      config_(std::move(config)),
      client_(std::move(client)),
      db_(std::move(db)),
      wake_(std::make_unique<Notifier>(ex_)),
      logs_(std::make_unique<logfiles::LogFiles>(ex_, logfiles::Config{.dir = config_.state_dir + "/logs"})) {}

Core::~Core() { pool_.join(); }

Task<void> Core::start() {
  auto self = shared_from_this();
  // Namespaces: containerd's labelled ones, plus those we recorded (containerd's root may be new).
  auto known = co_await client_.list_namespaces();
  if (!known) co_return known.error();
  for (const auto& n : *known) {
    if (openfaas_labelled(n.labels)) namespaces_[n.name] = {.name = n.name, .labels = n.labels};
  }
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto recorded_op = in_db([](StateDb& db) { return db.namespaces(); });
  auto recorded = co_await std::move(recorded_op);
  if (!recorded) co_return recorded.error();
  api::FunctionNamespace fallback{.name = config_.default_namespace, .labels = {{"openfaas", "1"}}};
  recorded->push_back(fallback);
  for (const auto& ns : *recorded) {
    if (namespaces_.contains(ns.name)) continue;
    auto exists = std::any_of(known->begin(), known->end(), [&](auto& n) { return n.name == ns.name; });
    auto labels = ns.labels;
    labels["openfaas"] = "1";
    // GCC 12: each awaitable in its own statement, never `c ? co_await a : co_await b`.
    Result<void> made;
    if (exists) {
      auto op = client_.update_namespace(ns.name, labels);
      made = co_await std::move(op);
    } else {
      auto op = client_.create_namespace(ns.name, labels);
      made = co_await std::move(op);
    }
    if (!made) co_return made.error();
    namespaces_[ns.name] = api::FunctionNamespace{.name = ns.name, .annotations = ns.annotations, .labels = labels};
  }
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto stored_op = in_db([](StateDb& db) { return db.functions(); });
  auto stored = co_await std::move(stored_op);
  if (!stored) co_return stored.error();
  for (auto& s : *stored) {
    auto fn = std::make_shared<Function>();
    fn->changed = std::make_unique<Notifier>(ex_);
    fn->stored = std::move(s);
    // Images come from the store as they are: no pull at start-up (the registry may be down).
    auto name = store_name(fn->stored.spec.image);
    Result<containerd::Image> image = name.error();
    auto client = client_.with_namespace(fn->ns());  // named: the call keeps a pointer to it
    if (name) image = co_await client.get_image(*name);
    if (!image) {
      auto resolved = co_await resolve_image(fn->ns(), fn->stored.spec.image);
      if (resolved) image = std::move(*resolved);
    }
    if (image) {
      fn->image = std::move(*image);
    } else {
      fn->reason = "image " + fn->stored.spec.image + ": " + image.error().message();
      fn->next_start = Clock::time_point::max();
    }
    functions_[{fn->ns(), fn->name()}] = fn;
  }
  for (const auto& [name, ns] : namespaces_) co_await adopt(name);
  adopting_ = false;
  for (auto& [key, fn] : functions_) co_await converge(fn);
  net::co_spawn(ex_, reconcile_loop(), net::detached);
  co_return Result<void>{};
}

// Takes over the containers of a namespace after a restart: running tasks of a desired function
// are adopted (probed, not restarted), paused ones stay paused, the rest are deleted.
net::awaitable<void> Core::adopt(std::string ns) {
  auto client = client_.with_namespace(ns);
  const std::string ours = "labels.\"faas.function\"";
  auto containers = co_await client.list_containers(ours);
  if (!containers) {
    log_warn("containerd provider: list containers in " + ns + ": " + containers.error().message());
    co_return;
  }
  for (const auto& c : *containers) {
    auto it = functions_.find({ns, c.labels.count("faas.function") ? c.labels.at("faas.function") : ""});
    auto task = co_await client.get_task(c.id);
    auto gen = parse_int(c.labels.count("faas.generation") ? c.labels.at("faas.generation") : "", 0, 1LL << 62);
    bool live = task && (task->status == TaskStatus::kRunning || task->status == TaskStatus::kPaused);
    if (it == functions_.end() || !gen || !live) {
      co_await destroy_container(client, c.id, 0ms);
      continue;
    }
    auto fn = it->second;
    auto r = std::make_shared<ReplicaState>(ReplicaState{
        .id = c.id,
        .generation = static_cast<std::uint64_t>(*gen),
        .phase = task->status == TaskStatus::kPaused ? Phase::kPaused : Phase::kStarting,
        .pid = task->pid,
        .since = Clock::now()});
    fn->replicas.push_back(r);
    log_info("containerd provider: adopted " + c.id + " (" + containerd::to_string(task->status) + ")");
    if (r->phase == Phase::kStarting) {
      net::co_spawn(ex_, watch_exit(fn, r), net::detached);
      net::co_spawn(ex_, probe_until_ready(fn, r), net::detached);
    }
  }
}

net::awaitable<void> Core::reconcile_loop() {
  auto self = shared_from_this();
  while (!closed_) {
    co_await wake_->wait_until(Clock::now() + config_.reconcile_interval);
    if (closed_) break;
    co_await reconcile_once();
  }
}

// One pass: replicas whose task is gone or stopped are replaced, containers nobody owns are
// deleted, every function converges (backoff, idle paused replicas, counts).
net::awaitable<void> Core::reconcile_once() {
  std::map<std::string, std::vector<std::shared_ptr<Function>>> by_ns;
  for (auto& [key, fn] : functions_) by_ns[key.first].push_back(fn);
  for (auto& [ns, fns] : by_ns) {
    auto client = client_.with_namespace(ns);
    auto tasks = co_await client.list_tasks();
    if (!tasks) continue;  // containerd restarting: the next pass looks again
    const std::string ours = "labels.\"faas.function\"";
  auto containers = co_await client.list_containers(ours);
    if (closed_) co_return;
    std::map<std::string, containerd::TaskInfo> by_id;
    for (auto& t : *tasks) by_id[t.id] = t;
    for (auto& fn : fns) {
      if (fn->removed) continue;
      auto replicas = fn->replicas;
      for (auto& r : replicas) {
        if (r->creating || r->pid == 0 || r->phase == Phase::kStopping) continue;
        auto t = by_id.find(r->id);
        if (t == by_id.end()) {
          replica_failed(*fn, r, "task gone");
        } else if (t->second.status == TaskStatus::kStopped) {
          replica_failed(*fn, r, "exit status " + std::to_string(t->second.exit_status));
        }
      }
      bool healthy = std::any_of(fn->replicas.begin(), fn->replicas.end(), [](auto& r) {
        return r->phase == Phase::kReady && Clock::now() - r->since > kHealthyAfter;
      });
      if (healthy && fn->backoff > 0ms) {
        fn->backoff = 0ms;
        fn->reason.clear();
      }
    }
    if (containers) {
      for (const auto& c : *containers) {
        bool owned = std::any_of(fns.begin(), fns.end(), [&](auto& fn) {
          return std::any_of(fn->replicas.begin(), fn->replicas.end(), [&](auto& r) { return r->id == c.id; });
        });
        if (!owned) {
          log_info("containerd provider: deleting container " + c.id + " (no desired function owns it)");
          co_await destroy_container(client, c.id, 0ms);
        }
      }
    }
    for (auto& fn : fns) {
      if (!fn->removed) co_await converge(fn);
    }
  }
  logs_->maintain(live_log_paths());
}

void Core::abandon() {
  closed_ = true;
  logs_->stop();
  wake_->notify();
  for (auto& [key, fn] : functions_) fn->changed->notify();
  client_.cancel_all();  // ends the wait_task watchers
}

Task<void> Core::shutdown(bool stop_replicas) {
  auto self = shared_from_this();
  if (closed_) co_return Result<void>{};
  closed_ = true;
  logs_->stop();
  wake_->notify();
  for (auto& [key, fn] : functions_) fn->changed->notify();
  if (stop_replicas) {
    for (auto& [key, fn] : functions_) {
      for (auto& r : std::vector(fn->replicas)) {
        bool graceful = r->phase == Phase::kReady;
        r->phase = Phase::kStopping;
        co_await stop_replica(fn, r, graceful);
      }
      co_await delete_containers(fn->ns(), fn->name());
    }
  }
  client_.cancel_all();
  co_return Result<void>{};
}

}  // namespace faas::containerd_provider::detail
