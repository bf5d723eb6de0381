#include "faas/containerd/client.h"
#include "rpc.h"

namespace faas::containerd {

namespace ctr = ::containerd::services::containers::v1;
using detail::CallOptions;
using detail::unary;

namespace {
// The type URL containerd (and runc's shim) expect for a runtime spec in a Container record.
constexpr const char* kSpecTypeUrl = "types.containerd.io/opencontainers/runtime-spec/1/Spec";

ContainerInfo from_proto(const ctr::Container& c) {
  return ContainerInfo{c.id(),          c.image(),        detail::to_labels(c.labels()),
                       c.snapshotter(), c.snapshot_key(), c.runtime().name()};
}
}  // namespace

Async<void> Client::create_container(ContainerCreate container) {
  ctr::CreateContainerRequest req;
  auto* c = req.mutable_container();
  c->set_id(container.id);
  c->set_image(container.image);
  detail::set_labels(c->mutable_labels(), container.labels);
  c->mutable_runtime()->set_name(container.runtime);
  c->mutable_spec()->set_type_url(kSpecTypeUrl);
  c->mutable_spec()->set_value(container.spec_json);
  c->set_snapshotter(snapshotter());
  c->set_snapshot_key(container.snapshot_key);
  auto* stub = core_->containers.get();
  auto op = unary<ctr::CreateContainerResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Create(a...); }, "create container " + container.id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

Async<ContainerInfo> Client::get_container(std::string id) {
  ctr::GetContainerRequest req;
  req.set_id(id);
  auto* stub = core_->containers.get();
  auto op = unary<ctr::GetContainerResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Get(a...); }, "get container " + id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return from_proto(r->container());
}

Async<std::vector<ContainerInfo>> Client::list_containers(std::string filter) {
  ctr::ListContainersRequest req;
  if (!filter.empty()) req.add_filters(filter);
  auto* stub = core_->containers.get();
  auto op = unary<ctr::ListContainersResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->List(a...); }, "list containers");
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  std::vector<ContainerInfo> out;
  for (const auto& c : r->containers()) out.push_back(from_proto(c));
  co_return out;
}

Async<void> Client::delete_container(std::string id) {
  ctr::DeleteContainerRequest req;
  req.set_id(id);
  auto* stub = core_->containers.get();
  auto op = unary<google::protobuf::Empty>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Delete(a...); }, "delete container " + id);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

}  // namespace faas::containerd
