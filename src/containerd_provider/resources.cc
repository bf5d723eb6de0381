// Core: secrets, namespaces, logs, info, health.
#include <algorithm>

#include "core.h"
#include "faas/api/json.h"
#include "faas/core/log.h"
#include "faas/provider/errors.h"
#include "faas/provider/secret_store.h"
#include "faas/version.h"

namespace faas::containerd_provider::detail {

namespace net = boost::asio;
using provider::ProviderErrc;
using provider::provider_error;

namespace {

Result<void> check_namespace_input(const api::FunctionNamespace& ns) {
  if (auto v = api::validate_name("namespace", ns.name); !v) {
    return provider_error(ProviderErrc::kInvalid, v.error().context);
  }
  auto label = ns.labels.find("openfaas");
  if (label == ns.labels.end() || (label->second != "1" && label->second != "true")) {
    return provider_error(ProviderErrc::kInvalid,
                          "labels.openfaas: namespace \"" + ns.name + "\" must have the label openfaas=1");
  }
  return {};
}

Result<api::Secret> checked_secret(api::Secret secret, Result<std::string> ns) {
  if (!ns) return ns.error();
  secret.namespace_ = *ns;
  if (auto v = provider::SecretStore::validate_name(secret.name); !v) return v.error();
  return secret;
}

}  // namespace

Task<std::vector<api::Secret>> Core::list_secrets(std::string namespace_) {
  auto ns = resolve_namespace(namespace_);
  if (!ns) co_return ns.error();
  co_return provider::SecretStore(config_.state_dir + "/secrets").list(*ns);
}

Task<void> Core::create_secret(api::Secret secret) {
  auto ns = resolve_namespace(secret.namespace_);
  auto s = checked_secret(std::move(secret), std::move(ns));
  if (!s) co_return s.error();
  co_return provider::SecretStore(config_.state_dir + "/secrets").create(*s);
}

Task<void> Core::update_secret(api::Secret secret) {
  auto ns = resolve_namespace(secret.namespace_);
  auto s = checked_secret(std::move(secret), std::move(ns));
  if (!s) co_return s.error();
  provider::SecretStore store(config_.state_dir + "/secrets");
  if (auto r = store.update(*s); !r) co_return r.error();
  // Running replicas see the new value at once: their copy is replaced in the mounted directory.
  for (auto& [key, fn] : functions_) {
    const auto& listed = fn->stored.spec.secrets;
    if (key.first != s->namespace_ || std::find(listed.begin(), listed.end(), s->name) == listed.end()) continue;
    if (auto r = refresh_function_secrets(fn->ns(), fn->name(), listed, fn->uid, fn->gid); !r) {
      log_warn("containerd provider: refresh secrets of " + fn->name() + ": " + r.error().message());
    }
  }
  co_return Result<void>{};
}

Task<void> Core::remove_secret(api::Secret secret) {
  auto ns = resolve_namespace(secret.namespace_);
  auto s = checked_secret(std::move(secret), std::move(ns));
  if (!s) co_return s.error();
  co_return provider::SecretStore(config_.state_dir + "/secrets").remove(s->namespace_, s->name);
}

Task<std::vector<std::string>> Core::list_namespaces() {
  if (auto open = check_open(); !open) co_return open.error();
  std::vector<std::string> out;
  for (const auto& [name, ns] : namespaces_) out.push_back(name);
  co_return out;
}

Task<api::FunctionNamespace> Core::get_namespace(std::string name) {
  if (auto open = check_open(); !open) co_return open.error();
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) co_return provider_error(ProviderErrc::kNotFound, "namespace not found: " + name);
  co_return it->second;
}

Task<void> Core::create_namespace(api::FunctionNamespace ns) {
  auto self = shared_from_this();
  if (auto open = check_open(); !open) co_return open.error();
  if (auto v = check_namespace_input(ns); !v) co_return v.error();
  if (namespaces_.contains(ns.name)) {
    co_return provider_error(ProviderErrc::kConflict, "namespace " + ns.name + " already exists");
  }
  // A containerd namespace without our label (made by ctr, say) becomes ours by labelling it.
  auto existing = co_await client_.get_namespace(ns.name);
  Result<void> made;
  if (existing) {
    auto labels = existing->labels;
    for (const auto& [k, v] : ns.labels) labels[k] = v;
    auto op = client_.update_namespace(ns.name, labels);
    made = co_await std::move(op);
  } else {
    auto op = client_.create_namespace(ns.name, ns.labels);
    made = co_await std::move(op);
  }
  if (!made) co_return provider_error(ProviderErrc::kInternal, made.error().message());
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto saved_op = in_db([ns](StateDb& db) { return db.put_namespace(ns); });
  auto saved = co_await std::move(saved_op);
  if (!saved) co_return provider_error(ProviderErrc::kInternal, saved.error().message());
  namespaces_[ns.name] = std::move(ns);
  co_return Result<void>{};
}

Task<void> Core::update_namespace(api::FunctionNamespace ns) {
  auto self = shared_from_this();
  if (auto open = check_open(); !open) co_return open.error();
  if (auto v = check_namespace_input(ns); !v) co_return v.error();
  if (!namespaces_.contains(ns.name)) {
    co_return provider_error(ProviderErrc::kNotFound, "namespace not found: " + ns.name);
  }
  auto op = client_.update_namespace(ns.name, ns.labels);
  auto updated = co_await std::move(op);
  if (!updated) co_return provider_error(ProviderErrc::kInternal, updated.error().message());
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto saved_op = in_db([ns](StateDb& db) { return db.put_namespace(ns); });
  auto saved = co_await std::move(saved_op);
  if (!saved) co_return provider_error(ProviderErrc::kInternal, saved.error().message());
  namespaces_[ns.name] = std::move(ns);
  co_return Result<void>{};
}

Task<void> Core::remove_namespace(std::string name) {
  auto self = shared_from_this();
  if (auto open = check_open(); !open) co_return open.error();
  if (!namespaces_.contains(name)) co_return provider_error(ProviderErrc::kNotFound, "namespace not found: " + name);
  if (name == config_.default_namespace) {
    co_return provider_error(ProviderErrc::kInvalid, "namespace: the default namespace " + name + " cannot be removed");
  }
  for (const auto& [key, fn] : functions_) {
    if (key.first == name) {
      co_return provider_error(ProviderErrc::kConflict,
                               "namespace " + name + " still has functions (" + key.second + "); remove them first");
    }
  }
  // containerd refuses to delete a namespace that still holds images or content; then it only
  // loses our label, which is what makes it a function namespace.
  auto deleted = co_await client_.delete_namespace(name);
  if (!deleted) {
    auto labels = namespaces_.at(name).labels;
    labels.erase("openfaas");
    auto op = client_.update_namespace(name, labels);
    auto unlabelled = co_await std::move(op);
    if (!unlabelled) co_return provider_error(ProviderErrc::kInternal, unlabelled.error().message());
  }
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto forgotten_op = in_db([name](StateDb& db) { return db.delete_namespace(name); });
  auto forgotten = co_await std::move(forgotten_op);
  if (!forgotten) co_return provider_error(ProviderErrc::kInternal, forgotten.error().message());
  namespaces_.erase(name);
  provider::SecretStore(config_.state_dir + "/secrets").remove_namespace(name);
  co_return Result<void>{};
}

// From the files the shims append to (faas::logfiles): output written while faasd was down is
// there too, and a removed replica's lines stay until the retention period ends.
Task<void> Core::logs(provider::LogRequest request, provider::LogSink sink) {
  auto self = shared_from_this();
  auto found = find(request.function);
  if (!found) co_return found.error();
  request.function.namespace_ = (*found)->ns();
  auto op = logs_->read(std::move(request), std::move(sink));
  co_return co_await std::move(op);
}

Task<api::ProviderInfo> Core::info() {
  co_return api::ProviderInfo{
      .provider = "faas++ containerd",
      .version = api::VersionInfo{.commit_message = "", .sha = kGitSha, .release = kVersion},
      .orchestration = "containerd",
  };
}

Task<void> Core::health() {
  if (auto open = check_open(); !open) co_return open.error();
  auto self = shared_from_this();
  auto v = co_await client_.version();
  if (!v) co_return provider_error(ProviderErrc::kUnavailable, "containerd: " + v.error().message());
  co_return Result<void>{};
}

}  // namespace faas::containerd_provider::detail
