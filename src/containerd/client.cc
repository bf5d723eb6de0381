#include "faas/containerd/client.h"

#include "rpc.h"

namespace faas::containerd {

using detail::CallOptions;
using detail::unary;
namespace ns_api = ::containerd::services::namespaces::v1;
namespace ver_api = ::containerd::services::version::v1;

Result<Client> Client::connect(const std::string& socket_path, std::string ns,
                               ClientOptions options) {
  if (socket_path.empty()) return invalid_argument("containerd socket path is empty");
  if (ns.empty()) return invalid_argument("containerd namespace is empty");
  grpc::ChannelArguments args;
  // containerd's default message limit; image configs and task lists stay far below it.
  args.SetMaxReceiveMessageSize(16 << 20);
  // gRPC 1.51's retry layer loses the status of a bidi stream (Content.Write) that the server
  // ends after the commit: Finish() never returns. containerd calls are not retried anyway.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  auto core = std::make_shared<detail::Core>();
  core->channel = grpc::CreateCustomChannel("unix:" + socket_path,
                                            grpc::InsecureChannelCredentials(), args);
  core->version = ver_api::Version::NewStub(core->channel);
  core->namespaces = ns_api::Namespaces::NewStub(core->channel);
  core->containers = detail::api::containers::v1::Containers::NewStub(core->channel);
  core->tasks = detail::api::tasks::v1::Tasks::NewStub(core->channel);
  core->images = detail::api::images::v1::Images::NewStub(core->channel);
  core->content = detail::api::content::v1::Content::NewStub(core->channel);
  core->snapshots = detail::api::snapshots::v1::Snapshots::NewStub(core->channel);
  core->diff = detail::api::diff::v1::Diff::NewStub(core->channel);
  core->leases = detail::api::leases::v1::Leases::NewStub(core->channel);
  core->options = std::move(options);
  return Client(std::move(core), std::move(ns));
}

Client Client::with_namespace(std::string ns) const { return Client(core_, std::move(ns)); }

const std::string& Client::snapshotter() const { return core_->options.snapshotter; }

void Client::cancel_all() { core_->cancel_all(); }

Async<VersionInfo> Client::version() {
  auto* stub = core_->version.get();
  auto op = unary<ver_api::VersionResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, google::protobuf::Empty{},
      [stub](auto... a) { stub->async()->Version(a...); }, "containerd version");
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return VersionInfo{r->version(), r->revision()};
}

Async<void> Client::create_namespace(std::string name, Labels labels) {
  ns_api::CreateNamespaceRequest req;
  req.mutable_namespace_()->set_name(name);
  detail::set_labels(req.mutable_namespace_()->mutable_labels(), labels);
  auto* stub = core_->namespaces.get();
  auto op = unary<ns_api::CreateNamespaceResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Create(a...); }, "create namespace " + name);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

// containerd's Namespaces.Get answers for any name (with no labels), so existence comes from List.
Async<Namespace> Client::get_namespace(std::string name) {
  auto all = co_await list_namespaces();
  if (!all) co_return all.error();
  for (auto& n : *all) {
    if (n.name == name) co_return std::move(n);
  }
  co_return make_error(make_error_code(Errc::kNotFound), "namespace " + name + " not found");
}

Async<std::vector<Namespace>> Client::list_namespaces() {
  auto* stub = core_->namespaces.get();
  auto op = unary<ns_api::ListNamespacesResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, ns_api::ListNamespacesRequest{},
      [stub](auto... a) { stub->async()->List(a...); }, "list namespaces");
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  std::vector<Namespace> out;
  for (const auto& n : r->namespaces()) out.push_back({n.name(), detail::to_labels(n.labels())});
  co_return out;
}

Async<void> Client::update_namespace(std::string name, Labels labels) {
  ns_api::UpdateNamespaceRequest req;
  req.mutable_namespace_()->set_name(name);
  detail::set_labels(req.mutable_namespace_()->mutable_labels(), labels);
  auto* stub = core_->namespaces.get();
  auto op = unary<ns_api::UpdateNamespaceResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Update(a...); }, "update namespace " + name);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

Async<void> Client::delete_namespace(std::string name) {
  ns_api::DeleteNamespaceRequest req;
  req.set_name(name);
  auto* stub = core_->namespaces.get();
  auto op = unary<google::protobuf::Empty>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Delete(a...); }, "delete namespace " + name);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

}  // namespace faas::containerd
