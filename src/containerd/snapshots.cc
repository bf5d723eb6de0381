#include "faas/containerd/client.h"
#include "rpc.h"

namespace faas::containerd {

namespace snap = ::containerd::services::snapshots::v1;
using detail::CallOptions;
using detail::unary;

Async<std::vector<Mount>> Client::prepare_snapshot(std::string key, std::string parent,
                                                  Labels labels) {
  snap::PrepareSnapshotRequest req;
  req.set_snapshotter(snapshotter());
  req.set_key(key);
  req.set_parent(parent);
  detail::set_labels(req.mutable_labels(), labels);
  auto* stub = core_->snapshots.get();
  auto op = unary<snap::PrepareSnapshotResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Prepare(a...); }, "prepare snapshot " + key);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  std::vector<Mount> out;
  for (const auto& m : r->mounts()) out.push_back(detail::from_proto(m));
  co_return out;
}

Async<std::vector<Mount>> Client::snapshot_mounts(std::string key) {
  snap::MountsRequest req;
  req.set_snapshotter(snapshotter());
  req.set_key(key);
  auto* stub = core_->snapshots.get();
  auto op = unary<snap::MountsResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Mounts(a...); }, "snapshot mounts " + key);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  std::vector<Mount> out;
  for (const auto& m : r->mounts()) out.push_back(detail::from_proto(m));
  co_return out;
}

Async<bool> Client::snapshot_exists(std::string key) {
  snap::StatSnapshotRequest req;
  req.set_snapshotter(snapshotter());
  req.set_key(key);
  auto* stub = core_->snapshots.get();
  auto op = unary<snap::StatSnapshotResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Stat(a...); }, "stat snapshot " + key);
  auto r = co_await std::move(op);
  if (r) co_return true;
  if (r.error().code == Errc::kNotFound) co_return false;
  co_return r.error();
}

Async<void> Client::remove_snapshot(std::string key) {
  snap::RemoveSnapshotRequest req;
  req.set_snapshotter(snapshotter());
  req.set_key(key);
  auto* stub = core_->snapshots.get();
  auto op = unary<google::protobuf::Empty>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Remove(a...); }, "remove snapshot " + key);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

}  // namespace faas::containerd
