#include <sys/stat.h>

#include <filesystem>

#include "core.h"
#include "faas/api/json.h"
#include "faas/containerd_provider/containerd_provider.h"
#include "faas/provider/errors.h"

namespace faas::containerd_provider {

namespace net = boost::asio;
using provider::ProviderErrc;
using provider::provider_error;
template <class T>
using Task = provider::Task<T>;

net::awaitable<Result<std::unique_ptr<ContainerdProvider>>> ContainerdProvider::create(
    net::any_io_executor ex, ContainerdProviderConfig config) {
  if (config.state_dir.empty()) co_return invalid_argument("containerd provider: state_dir is required");
  if (auto v = api::validate_name("namespace", config.default_namespace); !v) co_return v.error();
  std::error_code ec;
  for (const char* sub : {"", "/secrets", "/logs", "/run", "/tmp"}) {
    std::filesystem::create_directories(config.state_dir + sub, ec);
    if (ec) co_return errno_error(ec.value(), "create " + config.state_dir + sub);
    ::chmod((config.state_dir + sub).c_str(), 0700);
  }
  auto db = detail::StateDb::open(config.state_dir + "/state.db");
  if (!db) co_return db.error();
  auto client = containerd::Client::connect(config.socket, config.default_namespace);
  if (!client) co_return client.error();
  auto version = co_await client->version();
  if (!version) {
    co_return provider_error(ProviderErrc::kUnavailable,
                             "containerd at " + config.socket + ": " + version.error().message());
  }
  auto core = std::make_shared<detail::Core>(ex, std::move(config), std::move(*client), std::move(*db));
  auto started = co_await core->start();
  if (!started) {
    core->abandon();
    co_return started.error();
  }
  co_return std::unique_ptr<ContainerdProvider>(new ContainerdProvider(std::move(core)));
}

ContainerdProvider::~ContainerdProvider() { core_->abandon(); }

Task<void> ContainerdProvider::deploy(api::FunctionDeployment spec) { return core_->deploy(std::move(spec)); }
Task<void> ContainerdProvider::update(api::FunctionDeployment spec) { return core_->update(std::move(spec)); }
Task<void> ContainerdProvider::remove(provider::FunctionRef fn) { return core_->remove(std::move(fn)); }
Task<std::vector<api::FunctionStatus>> ContainerdProvider::list(std::string namespace_) {
  return core_->list(std::move(namespace_));
}
Task<api::FunctionStatus> ContainerdProvider::status(provider::FunctionRef fn) { return core_->status(std::move(fn)); }
Task<void> ContainerdProvider::scale(provider::FunctionRef fn, std::uint64_t replicas) {
  return core_->scale(std::move(fn), replicas);
}
Task<std::vector<provider::Replica>> ContainerdProvider::replicas(provider::FunctionRef fn) {
  return core_->replicas(std::move(fn));
}
Task<std::vector<api::Secret>> ContainerdProvider::list_secrets(std::string namespace_) {
  return core_->list_secrets(std::move(namespace_));
}
Task<void> ContainerdProvider::create_secret(api::Secret secret) { return core_->create_secret(std::move(secret)); }
Task<void> ContainerdProvider::update_secret(api::Secret secret) { return core_->update_secret(std::move(secret)); }
Task<void> ContainerdProvider::remove_secret(api::Secret secret) { return core_->remove_secret(std::move(secret)); }
Task<std::vector<std::string>> ContainerdProvider::list_namespaces() { return core_->list_namespaces(); }
Task<api::FunctionNamespace> ContainerdProvider::get_namespace(std::string name) {
  return core_->get_namespace(std::move(name));
}
Task<void> ContainerdProvider::create_namespace(api::FunctionNamespace ns) {
  return core_->create_namespace(std::move(ns));
}
Task<void> ContainerdProvider::update_namespace(api::FunctionNamespace ns) {
  return core_->update_namespace(std::move(ns));
}
Task<void> ContainerdProvider::remove_namespace(std::string name) { return core_->remove_namespace(std::move(name)); }
Task<void> ContainerdProvider::logs(provider::LogRequest request, provider::LogSink sink) {
  return core_->logs(std::move(request), std::move(sink));
}
Task<std::string> ContainerdProvider::import_image(std::string archive_path, std::string name,
                                                   std::string namespace_) {
  return core_->import_image(std::move(archive_path), std::move(name), std::move(namespace_));
}
Task<api::ProviderInfo> ContainerdProvider::info() { return core_->info(); }
Task<void> ContainerdProvider::health() { return core_->health(); }
Task<void> ContainerdProvider::wait_available(provider::FunctionRef fn, std::uint64_t count,
                                              std::chrono::milliseconds timeout) {
  return core_->wait_available(std::move(fn), count, timeout);
}
Task<void> ContainerdProvider::shutdown(bool stop_replicas) { return core_->shutdown(stop_replicas); }

}  // namespace faas::containerd_provider
