#include "faas/containerd/client.h"
#include "rpc.h"

namespace faas::containerd {

namespace tasks = ::containerd::services::tasks::v1;
namespace types = ::containerd::v1::types;
using detail::CallOptions;
using detail::unary;

namespace {
std::chrono::system_clock::time_point to_time(const google::protobuf::Timestamp& t) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

TaskStatus to_status(types::Status s) {
  switch (s) {
    case types::CREATED: return TaskStatus::kCreated;
    case types::RUNNING: return TaskStatus::kRunning;
    case types::STOPPED: return TaskStatus::kStopped;
    case types::PAUSED: return TaskStatus::kPaused;
    case types::PAUSING: return TaskStatus::kPausing;
    default: return TaskStatus::kUnknown;
  }
}

// Tasks.List leaves container_id empty and sets id (the init process's id is the container's).
TaskInfo from_proto(const types::Process& p) {
  return TaskInfo{p.container_id().empty() ? p.id() : p.container_id(),
                  static_cast<pid_t>(p.pid()), to_status(p.status()), p.exit_status()};
}

bool is_uri(const std::string& path) { return path.find("://") != std::string::npos; }
}  // namespace

Async<pid_t> Client::create_task(std::string container_id, std::vector<Mount> rootfs, TaskIo io) {
  tasks::CreateTaskRequest req;
  req.set_container_id(container_id);
  for (const auto& m : rootfs) detail::to_proto(m, req.add_rootfs());
  // runc shim 1.6 dereferences a nil pipe (and dies) when one of stdout/stderr is a URI and the
  // other is empty; /dev/null through the same scheme avoids it.
  if (is_uri(io.stdout_path) && io.stderr_path.empty()) io.stderr_path = "file:///dev/null";
  if (is_uri(io.stderr_path) && io.stdout_path.empty()) io.stdout_path = "file:///dev/null";
  req.set_stdin(io.stdin_path);
  req.set_stdout(io.stdout_path);
  req.set_stderr(io.stderr_path);
  auto* stub = core_->tasks.get();
  auto op = unary<tasks::CreateTaskResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Create(a...); }, "create task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return static_cast<pid_t>(r->pid());
}

Async<void> Client::start_task(std::string container_id) {
  tasks::StartRequest req;
  req.set_container_id(container_id);
  auto* stub = core_->tasks.get();
  auto op = unary<tasks::StartResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Start(a...); }, "start task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

Async<void> Client::kill_task(std::string container_id, int signal, bool all) {
  tasks::KillRequest req;
  req.set_container_id(container_id);
  req.set_signal(static_cast<std::uint32_t>(signal));
  req.set_all(all);
  auto* stub = core_->tasks.get();
  auto op = unary<google::protobuf::Empty>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Kill(a...); }, "kill task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

Async<ExitInfo> Client::wait_task(std::string container_id) {
  tasks::WaitRequest req;
  req.set_container_id(container_id);
  auto* stub = core_->tasks.get();
  auto op = unary<tasks::WaitResponse>(
      core_, CallOptions{ns_, {}, std::nullopt}, std::move(req),
      [stub](auto... a) { stub->async()->Wait(a...); }, "wait task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return ExitInfo{r->exit_status(), to_time(r->exited_at())};
}

Async<void> Client::pause_task(std::string container_id) {
  tasks::PauseTaskRequest req;
  req.set_container_id(container_id);
  auto* stub = core_->tasks.get();
  auto op = unary<google::protobuf::Empty>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Pause(a...); }, "pause task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

Async<void> Client::resume_task(std::string container_id) {
  tasks::ResumeTaskRequest req;
  req.set_container_id(container_id);
  auto* stub = core_->tasks.get();
  auto op = unary<google::protobuf::Empty>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Resume(a...); }, "resume task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

Async<TaskInfo> Client::get_task(std::string container_id) {
  tasks::GetRequest req;
  req.set_container_id(container_id);
  auto* stub = core_->tasks.get();
  auto op = unary<tasks::GetResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Get(a...); }, "get task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return from_proto(r->process());
}

Async<std::vector<TaskInfo>> Client::list_tasks() {
  auto* stub = core_->tasks.get();
  auto op = unary<tasks::ListTasksResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, tasks::ListTasksRequest{},
      [stub](auto... a) { stub->async()->List(a...); }, "list tasks");
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  std::vector<TaskInfo> out;
  for (const auto& p : r->tasks()) out.push_back(from_proto(p));
  co_return out;
}

Async<ExitInfo> Client::delete_task(std::string container_id) {
  tasks::DeleteTaskRequest req;
  req.set_container_id(container_id);
  auto* stub = core_->tasks.get();
  auto op = unary<tasks::DeleteResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Delete(a...); }, "delete task " + container_id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return ExitInfo{r->exit_status(), to_time(r->exited_at())};
}

}  // namespace faas::containerd
