#include "faas/process_provider/process_provider.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core.h"
#include "faas/api/json.h"
#include "faas/provider/errors.h"

namespace faas::process_provider {

using provider::ProviderErrc;
using provider::provider_error;
using provider::Task;

namespace {

// Keeps the Core alive for as long as the call's coroutine exists (the call may outlive the
// ProcessProvider that started it).
template <class T>
Task<T> hold([[maybe_unused]] std::shared_ptr<detail::Core> core, Task<T> task) {
  co_return co_await std::move(task);
}

Result<void> prepare_state_dir(const std::string& state_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Replica directories of a previous run belong to processes that no longer exist.
  fs::remove_all(fs::path(state_dir) / "functions", ec);
  for (const char* sub : {"secrets", "functions"}) {
    auto dir = fs::path(state_dir) / sub;
    fs::create_directories(dir, ec);
    if (ec) return make_error(ec, "create " + dir.string());
    ::chmod(dir.c_str(), 0700);
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<ProcessProvider>> ProcessProvider::create(boost::asio::any_io_executor ex,
                                                                 ProcessProviderConfig config) {
  if (config.fwatchdog_path.empty() || ::access(config.fwatchdog_path.c_str(), X_OK) != 0) {
    return provider_error(ProviderErrc::kInvalid,
                          "fwatchdog_path: \"" + config.fwatchdog_path + "\" is not an executable file");
  }
  if (::access("/usr/bin/env", X_OK) != 0) {
    return provider_error(ProviderErrc::kInvalid, "/usr/bin/env (coreutils) is required");
  }
  if (config.state_dir.empty()) return provider_error(ProviderErrc::kInvalid, "state_dir: required");
  if (auto v = api::validate_name("default_namespace", config.default_namespace); !v) {
    return provider_error(ProviderErrc::kInvalid, v.error().context);
  }
  config.state_dir = std::filesystem::absolute(config.state_dir).lexically_normal().string();
  config.fwatchdog_path = std::filesystem::absolute(config.fwatchdog_path).string();
  if (config.base_env.empty()) {
    auto path = lookup(current_environment(), "PATH");
    config.base_env["PATH"] = path.value_or("/usr/local/bin:/usr/bin:/bin");
  }
  if (auto prepared = prepare_state_dir(config.state_dir); !prepared) return prepared.error();
  auto core = std::make_shared<detail::Core>(std::move(ex), std::move(config));
  return std::unique_ptr<ProcessProvider>(new ProcessProvider(std::move(core)));
}

ProcessProvider::~ProcessProvider() { core_->close_now(); }

Task<void> ProcessProvider::deploy(api::FunctionDeployment spec) {
  return hold(core_, core_->deploy(std::move(spec)));
}
Task<void> ProcessProvider::update(api::FunctionDeployment spec) {
  return hold(core_, core_->update(std::move(spec)));
}
Task<void> ProcessProvider::remove(provider::FunctionRef fn) {
  return hold(core_, core_->remove(std::move(fn)));
}
Task<std::vector<api::FunctionStatus>> ProcessProvider::list(std::string namespace_) {
  return hold(core_, core_->list(std::move(namespace_)));
}
Task<api::FunctionStatus> ProcessProvider::status(provider::FunctionRef fn) {
  return hold(core_, core_->status(std::move(fn)));
}
Task<void> ProcessProvider::scale(provider::FunctionRef fn, std::uint64_t replicas) {
  return hold(core_, core_->scale(std::move(fn), replicas));
}
Task<std::vector<provider::Replica>> ProcessProvider::replicas(provider::FunctionRef fn) {
  return hold(core_, core_->replicas(std::move(fn)));
}
Task<std::vector<api::Secret>> ProcessProvider::list_secrets(std::string namespace_) {
  return hold(core_, core_->list_secrets(std::move(namespace_)));
}
Task<void> ProcessProvider::create_secret(api::Secret secret) {
  return hold(core_, core_->create_secret(std::move(secret)));
}
Task<void> ProcessProvider::update_secret(api::Secret secret) {
  return hold(core_, core_->update_secret(std::move(secret)));
}
Task<void> ProcessProvider::remove_secret(api::Secret secret) {
  return hold(core_, core_->remove_secret(std::move(secret)));
}
Task<std::vector<std::string>> ProcessProvider::list_namespaces() {
  return hold(core_, core_->list_namespaces());
}
Task<api::FunctionNamespace> ProcessProvider::get_namespace(std::string name) {
  return hold(core_, core_->get_namespace(std::move(name)));
}
Task<void> ProcessProvider::create_namespace(api::FunctionNamespace ns) {
  return hold(core_, core_->create_namespace(std::move(ns)));
}
Task<void> ProcessProvider::update_namespace(api::FunctionNamespace ns) {
  return hold(core_, core_->update_namespace(std::move(ns)));
}
Task<void> ProcessProvider::remove_namespace(std::string name) {
  return hold(core_, core_->remove_namespace(std::move(name)));
}
Task<void> ProcessProvider::logs(provider::LogRequest request, provider::LogSink sink) {
  return hold(core_, core_->logs(std::move(request), std::move(sink)));
}
Task<api::ProviderInfo> ProcessProvider::info() { return hold(core_, core_->info()); }
Task<void> ProcessProvider::health() { return hold(core_, core_->health()); }
Task<void> ProcessProvider::wait_available(provider::FunctionRef fn, std::uint64_t count,
                                           std::chrono::milliseconds timeout) {
  return hold(core_, core_->wait_available(std::move(fn), count, timeout));
}
Task<void> ProcessProvider::shutdown() { return hold(core_, core_->shutdown()); }

std::vector<pid_t> ProcessProvider::pids_for_test(const provider::FunctionRef& fn) const {
  return core_->pids(fn);
}

}  // namespace faas::process_provider
