// Core: replicas. converge() decides (synchronously) what each function needs; run_replica,
// stop_replica, pause/resume carry it out against containerd.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core.h"
#include "faas/containerd/image_user.h"
#include "faas/provider/errors.h"
#include "faas/containerd/netns.h"
#include "faas/containerd/oci_spec.h"
#include "faas/core/log.h"
#include "faas/provider/secret_store.h"
#include "probe.h"
#include "replica_spec.h"

namespace faas::containerd_provider::detail {

namespace net = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using containerd::TaskStatus;

namespace {

bool active(Phase p) { return p == Phase::kStarting || p == Phase::kReady || p == Phase::kResuming; }

std::string label_filter(const std::string& fn) { return "labels.\"faas.function\"==" + fn; }

std::string format_ms(std::chrono::milliseconds d) {
  return d >= 1s ? std::to_string(d.count() / 1000) + "s" : std::to_string(d.count()) + "ms";
}

// Waits for the task's exit, at most `limit`; false on timeout or error.
net::awaitable<bool> wait_exit(containerd::Client client, std::string id, std::chrono::milliseconds limit) {
  using namespace net::experimental::awaitable_operators;
  net::steady_timer timer(co_await net::this_coro::executor, limit);
  auto raced = co_await (client.wait_task(id) || timer.async_wait(net::use_awaitable));
  co_return raced.index() == 0 && static_cast<bool>(std::get<0>(raced));
}

}  // namespace

std::string cgroups_path(const std::string& ns, const std::string& id) { return "/faas/" + ns + "/" + id; }

std::string Core::secrets_dir(const std::string& ns, const std::string& fn) const {
  return config_.state_dir + "/run/" + ns + "/" + fn + "/secrets";
}

Result<std::string> Core::log_path(const std::string& ns, const std::string& fn, const std::string& id) {
  return logs_->path_for(ns, fn, id);
}

std::set<std::string> Core::live_log_paths() const {
  std::set<std::string> live;
  for (const auto& [key, fn] : functions_) {
    for (const auto& r : fn->replicas) live.insert(key.first + "/" + key.second + "/" + r->id);
  }
  return live;
}

// The function's secrets, copied from the store into a directory of their own that is mounted
// read-only at /var/openfaas/secrets: only the secrets it lists, owned by the image's user (the
// store's files are root's, 0600), replaced by rename so an update is seen at once.
Result<void> Core::refresh_function_secrets(const std::string& ns, const std::string& fn,
                                            const std::vector<std::string>& secrets, std::uint32_t uid,
                                            std::uint32_t gid) const {
  provider::SecretStore store(config_.state_dir + "/secrets");
  std::string dir = secrets_dir(ns, fn);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return errno_error(ec.value(), "create " + dir);
  for (const auto& name : secrets) {
    std::ifstream in(store.path(ns, name), std::ios::binary);
    if (!in) return errno_error(ENOENT, "secret " + name);
    std::string tmp = dir + "/." + name + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << in.rdbuf();
      if (!out) return errno_error(EIO, "write " + tmp);
    }
    if (::chown(tmp.c_str(), uid, gid) != 0 || ::chmod(tmp.c_str(), 0400) != 0) {
      return errno_error(errno, "chown " + tmp);
    }
    if (::rename(tmp.c_str(), (dir + "/" + name).c_str()) != 0) return errno_error(errno, "rename " + tmp);
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    if (std::find(secrets.begin(), secrets.end(), name) == secrets.end()) fs::remove(entry.path(), ec);
  }
  if (::chown(dir.c_str(), uid, gid) != 0 || ::chmod(dir.c_str(), 0500) != 0) {
    return errno_error(errno, "chown " + dir);
  }
  return {};
}

net::awaitable<void> Core::converge(std::shared_ptr<Function> fn) {
  if (closed_ || adopting_ || fn->removed) co_return;
  const auto gen = fn->stored.generation;
  const auto desired = fn->stored.replicas;
  const auto now = Clock::now();
  std::vector<std::shared_ptr<ReplicaState>> to_resume, to_pause, to_stop;
  auto stop = [&](const std::shared_ptr<ReplicaState>& r) {
    to_stop.push_back(r);
  };
  std::uint64_t n_active = 0, n_ready_new = 0;
  for (auto& r : fn->replicas) {
    if (r->generation != gen) continue;
    if (active(r->phase)) ++n_active;
    if (r->phase == Phase::kReady) ++n_ready_new;
  }
  if (desired == 0) {
    for (auto& r : fn->replicas) {
      if (r->generation != gen) continue;
      if (r->phase == Phase::kReady && pause_supported_) to_pause.push_back(r);
      else if (active(r->phase) && r->phase != Phase::kResuming) stop(r);
    }
  } else {
    for (auto& r : fn->replicas) {
      if (n_active >= desired) break;
      if (r->generation == gen && r->phase == Phase::kPaused) {
        to_resume.push_back(r);
        ++n_active;
      }
    }
    // Too many: drop those not serving yet first, then the newest.
    for (auto it = fn->replicas.rbegin(); n_active > desired && it != fn->replicas.rend(); ++it) {
      if ((*it)->generation == gen && (*it)->phase == Phase::kStarting) {
        stop(*it);
        --n_active;
      }
    }
    for (auto it = fn->replicas.rbegin(); n_active > desired && it != fn->replicas.rend(); ++it) {
      if ((*it)->generation == gen && (*it)->phase == Phase::kReady) {
        stop(*it);
        --n_active;
      }
    }
  }
  for (auto& r : fn->replicas) {
    bool old = r->generation != gen;
    if (old && (r->phase == Phase::kPaused || (active(r->phase) && (desired == 0 || n_ready_new >= desired)))) {
      stop(r);  // the previous spec: paused ones at once, serving ones once the new are ready
    } else if (!old && r->phase == Phase::kPaused && now - r->since > config_.paused_idle_removal) {
      stop(r);  // idle too long: free its memory
    }
  }
  std::uint64_t to_start = desired > n_active ? desired - n_active : 0;
  if (to_start > 0 && now < fn->next_start) {
    if (!fn->start_scheduled) {
      fn->start_scheduled = true;
      net::co_spawn(ex_, converge_at(fn, fn->next_start), net::detached);
    }
    to_start = 0;
  }
  for (auto& r : to_stop) {
    bool graceful = r->phase == Phase::kReady;
    r->phase = Phase::kStopping;
    net::co_spawn(ex_, stop_replica(fn, r, graceful), net::detached);
  }
  for (std::uint64_t i = 0; i < to_start; ++i) {
    auto r = std::make_shared<ReplicaState>(ReplicaState{
        .id = new_replica_id(fn->name()), .generation = gen, .phase = Phase::kStarting, .since = now,
        .creating = true});
    fn->replicas.push_back(r);
    net::co_spawn(ex_, run_replica(fn, r), net::detached);
  }
  for (auto& r : to_pause) r->phase = Phase::kPausing;
  for (auto& r : to_resume) r->phase = Phase::kResuming;
  if (!to_stop.empty() || to_start > 0 || !to_pause.empty() || !to_resume.empty()) fn->changed->notify();
  for (auto& r : to_resume) co_await resume_replica(fn, r);
  for (auto& r : to_pause) co_await pause_replica(fn, r);
}

net::awaitable<void> Core::converge_at(std::shared_ptr<Function> fn, Clock::time_point when) {
  auto self = shared_from_this();
  // On the function's notifier, not a bare timer: shutdown and removal end the wait at once.
  while (!closed_ && !fn->removed && Clock::now() < when) {
    if (co_await fn->changed->wait_until(when) == Notifier::Wake::kCancelled) break;
  }
  fn->start_scheduled = false;
  co_await converge(fn);
}

net::awaitable<void> Core::run_replica(std::shared_ptr<Function> fn, std::shared_ptr<ReplicaState> r) {
  auto self = shared_from_this();
  // Copies: an update() may replace the function's spec and image while this one is starting.
  const api::FunctionDeployment spec = fn->stored.spec;
  containerd::Image image = fn->image;
  // `USER app` (every template says it) is a name runc cannot use: look it up in the image's own
  // /etc/passwd and /etc/group, as docker and faasd do.
  auto user_op = containerd::resolve_image_user(client_.with_namespace(fn->ns()), image);
  auto user = co_await std::move(user_op);
  if (user) image.config.user = *user;
  ReplicaSpecInput input{
      .secrets_dir = spec.secrets.empty() ? "" : secrets_dir(fn->ns(), fn->name()),
      .cgroups_path = cgroups_path(fn->ns(), r->id),
      .hostname = r->id,
  };
  auto options = user ? replica_spec(spec, image.config, input)
                      : Result<containerd::SpecOptions>(provider::provider_error(
                            provider::ProviderErrc::kInvalid, user.error().message()));
  Result<std::string> json = options ? containerd::make_runtime_spec(*options)
                                     : Result<std::string>(options.error());
  if (json && !spec.secrets.empty()) {
    auto uid = options->uid, gid = options->gid;
    fn->uid = uid;
    fn->gid = gid;
    // GCC 12: no lambda temporaries inside a co_await expression.
    auto copied_op = on_pool(pool_, [this, ns = fn->ns(), name = fn->name(), secrets = spec.secrets, uid, gid] {
      return refresh_function_secrets(ns, name, secrets, uid, gid);
    });
    auto copied = co_await std::move(copied_op);
    if (!copied) json = copied.error();
  }
  auto client = client_.with_namespace(fn->ns());
  std::string failure;
  auto log_file = log_path(fn->ns(), fn->name(), r->id);
  if (json && !log_file) json = log_file.error();
  if (!json) {
    failure = json.error().message();
  } else {
    const std::string& log = *log_file;
    containerd::ContainerCreate create{
        .id = r->id,
        .image = image.name,
        .labels = {{"faas.function", fn->name()},
                   {"faas.namespace", fn->ns()},
                   {"faas.generation", std::to_string(r->generation)}},
        .snapshot_key = r->id,
        .spec_json = *json,
    };
    auto create_op = client.create_container(std::move(create));
    auto created = co_await std::move(create_op);
    Result<pid_t> pid = created ? Result<pid_t>(0) : Result<pid_t>(created.error());
    if (pid && r->phase != Phase::kStopping) {
      auto mounts = co_await client.prepare_snapshot(r->id, image.chain_id);
      if (!mounts) {
        pid = mounts.error();
      } else if (r->phase != Phase::kStopping) {
        containerd::TaskIo io{"", "file://" + log, "file://" + log};
        auto task_op = client.create_task(r->id, std::move(*mounts), std::move(io));
        pid = co_await std::move(task_op);
        if (pid && r->phase != Phase::kStopping) {
          auto started = co_await client.start_task(r->id);
          if (!started) pid = started.error();
        }
      }
    }
    if (pid) r->pid = *pid;
    if (!pid) failure = pid.error().message();
  }
  r->creating = false;
  if (r->phase == Phase::kStopping || fn->removed || closed_ || !failure.empty()) {
    if (!failure.empty() && r->phase != Phase::kStopping && !fn->removed) {
      replica_failed(*fn, r, "start failed: " + failure);  // deletes it and backs off
      co_return;
    }
    r->phase = Phase::kStopping;
    co_await stop_replica(fn, r, false);
    co_return;
  }
  net::co_spawn(ex_, watch_exit(fn, r), net::detached);
  co_await probe_until_ready(fn, r);
}

net::awaitable<void> Core::probe_until_ready(std::shared_ptr<Function> fn, std::shared_ptr<ReplicaState> r) {
  auto self = shared_from_this();
  auto deadline = Clock::now() + config_.ready_timeout;
  std::chrono::milliseconds delay = 2ms;
  std::string netns = containerd::netns_path_of(r->pid);
  while (r->phase == Phase::kStarting && !closed_) {
    if (co_await probe_ready(pool_, netns, config_.watchdog_port, 1s)) {
      if (r->phase != Phase::kStarting) co_return;
      r->phase = Phase::kReady;
      r->since = Clock::now();
      fn->changed->notify();
      log_info("containerd provider: " + fn->name() + "." + fn->ns() + ": replica " + r->id + " ready");
      co_await converge(fn);  // an update may now retire the previous replicas
      co_return;
    }
    if (Clock::now() > deadline) {
      replica_failed(*fn, r, "not ready after " + format_ms(config_.ready_timeout));
      co_return;
    }
    net::steady_timer timer(ex_, delay);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    // fwatchdog is usually ready within milliseconds of the start: poll closely at first.
    delay = Clock::now() - r->since < 1s ? 5ms : 100ms;
  }
}

net::awaitable<void> Core::watch_exit(std::shared_ptr<Function> fn, std::shared_ptr<ReplicaState> r) {
  auto self = shared_from_this();
  auto client = client_.with_namespace(fn->ns());
  auto exit = co_await client.wait_task(r->id);
  // Errors (containerd restarting, our cancel_all) leave it to the reconcile loop.
  if (!exit || closed_ || r->phase == Phase::kStopping) co_return;
  replica_failed(*fn, r, "exit status " + std::to_string(exit->status));
}

void Core::replica_failed(Function& fn, const std::shared_ptr<ReplicaState>& r, std::string why) {
  if (r->phase == Phase::kStopping) return;
  r->phase = Phase::kStopping;
  fn.backoff = fn.backoff == 0ms ? std::chrono::milliseconds(1s) : std::min<std::chrono::milliseconds>(fn.backoff * 2, 60s);
  fn.next_start = Clock::now() + fn.backoff;
  fn.reason = "crash-looping: " + why + ", next start in " + format_ms(fn.backoff);
  log_warn("containerd provider: " + fn.name() + "." + fn.ns() + ": replica " + r->id + ": " + fn.reason);
  auto it = functions_.find({fn.ns(), fn.name()});
  if (it == functions_.end()) return;
  auto shared = it->second;
  net::co_spawn(ex_, stop_replica(shared, r, false), net::detached);
  fn.changed->notify();
  net::co_spawn(ex_, converge(shared), net::detached);  // schedules the start after the backoff
}

net::awaitable<void> Core::stop_replica(std::shared_ptr<Function> fn, std::shared_ptr<ReplicaState> r,
                                        bool graceful) {
  auto self = shared_from_this();
  r->phase = Phase::kStopping;
  if (r->creating) co_return;  // run_replica deletes what it made
  auto client = client_.with_namespace(fn->ns());
  co_await destroy_container(client, r->id, graceful ? config_.stop_grace : 0ms);
  std::erase(fn->replicas, r);
  fn->changed->notify();
}

net::awaitable<void> Core::destroy_container(containerd::Client client, std::string id,
                                             std::chrono::milliseconds grace) {
  auto task = co_await client.get_task(id);
  if (task && task->status != TaskStatus::kStopped) {
    if (task->status == TaskStatus::kPaused || task->status == TaskStatus::kPausing) {
      // A frozen task cannot act on a signal: queue SIGKILL, then thaw so it is delivered.
      (void)co_await client.kill_task(id, SIGKILL, true);
      (void)co_await client.resume_task(id);
    } else if (grace > 0ms) {
      (void)co_await client.kill_task(id, SIGTERM);
      if (!co_await wait_exit(client, id, grace)) (void)co_await client.kill_task(id, SIGKILL, true);
    } else {
      (void)co_await client.kill_task(id, SIGKILL, true);
    }
    (void)co_await wait_exit(client, id, 10s);
  }
  if (task) (void)co_await client.delete_task(id);
  (void)co_await client.delete_container(id);
  (void)co_await client.remove_snapshot(id);
}

net::awaitable<bool> Core::pause_replica(std::shared_ptr<Function> fn, std::shared_ptr<ReplicaState> r) {
  auto self = shared_from_this();
  auto client = client_.with_namespace(fn->ns());
  auto paused = co_await client.pause_task(r->id);
  if (r->phase != Phase::kPausing) co_return false;  // stopped meanwhile
  if (!paused) {
    if (pause_supported_) {
      log_warn("containerd provider: cannot pause replicas (" + paused.error().message() +
               "); scale to zero deletes them instead");
    }
    pause_supported_ = false;
    r->phase = Phase::kStopping;
    co_await stop_replica(fn, r, true);
    co_return false;
  }
  r->phase = Phase::kPaused;
  r->since = Clock::now();
  fn->changed->notify();
  co_return true;
}

net::awaitable<bool> Core::resume_replica(std::shared_ptr<Function> fn, std::shared_ptr<ReplicaState> r) {
  auto self = shared_from_this();
  auto client = client_.with_namespace(fn->ns());
  // Through containerd (runc resume, ~10-20 ms). Writing THAWED into the freezer cgroup directly
  // takes microseconds (thaw -> first byte 5.9 ms instead of ~20 ms measured) but the shim keeps
  // reporting the task as paused, so later pauses, kills and adoption would act on a wrong state.
  auto resumed = co_await client.resume_task(r->id);
  if (r->phase != Phase::kResuming) co_return false;
  if (!resumed) {
    log_warn("containerd provider: " + fn->name() + ": resume " + r->id + ": " + resumed.error().message());
    r->phase = Phase::kStopping;
    co_await stop_replica(fn, r, false);
    co_await converge(fn);  // start a fresh one instead
    co_return false;
  }
  // A thawed watchdog was ready when it froze: it serves at once, no probe.
  r->phase = Phase::kReady;
  r->since = Clock::now();
  fn->changed->notify();
  co_return true;
}

net::awaitable<void> Core::delete_containers(std::string ns, std::string fn_name) {
  auto self = shared_from_this();
  auto client = client_.with_namespace(ns);
  const std::string filter = label_filter(fn_name);
  auto containers = co_await client.list_containers(filter);
  if (!containers) co_return;
  for (const auto& c : *containers) co_await destroy_container(client, c.id, 0ms);
}

}  // namespace faas::containerd_provider::detail
