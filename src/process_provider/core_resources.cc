// Core: secrets, namespaces, logs, info, health.
#include <algorithm>

#include "core.h"
#include "faas/api/json.h"
#include "faas/provider/errors.h"
#include "faas/version.h"

namespace faas::process_provider::detail {

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
    return provider_error(ProviderErrc::kInvalid, "labels.openfaas: namespace \"" + ns.name +
                                                      "\" must have the label openfaas=1");
  }
  return {};
}

// A secret request with its namespace resolved and its name checked.
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
  co_return secrets_.list(*ns);
}

Task<void> Core::create_secret(api::Secret secret) {
  auto ns = resolve_namespace(secret.namespace_);
  auto s = checked_secret(std::move(secret), std::move(ns));
  if (!s) co_return s.error();
  co_return secrets_.create(*s);
}

Task<void> Core::update_secret(api::Secret secret) {
  auto ns = resolve_namespace(secret.namespace_);
  auto s = checked_secret(std::move(secret), std::move(ns));
  if (!s) co_return s.error();
  co_return secrets_.update(*s);
}

Task<void> Core::remove_secret(api::Secret secret) {
  auto ns = resolve_namespace(secret.namespace_);
  auto s = checked_secret(std::move(secret), std::move(ns));
  if (!s) co_return s.error();
  co_return secrets_.remove(s->namespace_, s->name);
}

Task<std::vector<std::string>> Core::list_namespaces() {
  if (auto open = check_open(); !open) co_return open.error();
  std::vector<std::string> out;
  for (const auto& [name, ns] : namespaces_) out.push_back(name);
  co_return out;
}

Task<api::FunctionNamespace> Core::get_namespace(std::string name) {
  auto ns = resolve_namespace(name.empty() ? std::string("-") : name);
  if (!ns) {
    if (ns.error().context.find("does not exist") != std::string::npos) {
      co_return provider_error(ProviderErrc::kNotFound, "namespace not found: " + name);
    }
    co_return ns.error();
  }
  co_return namespaces_.at(*ns);
}

Task<void> Core::create_namespace(api::FunctionNamespace ns) {
  if (auto open = check_open(); !open) co_return open.error();
  if (auto v = check_namespace_input(ns); !v) co_return v.error();
  if (namespaces_.contains(ns.name)) {
    co_return provider_error(ProviderErrc::kConflict, "namespace " + ns.name + " already exists");
  }
  namespaces_.emplace(ns.name, std::move(ns));
  co_return Result<void>{};
}

Task<void> Core::update_namespace(api::FunctionNamespace ns) {
  if (auto open = check_open(); !open) co_return open.error();
  if (auto v = check_namespace_input(ns); !v) co_return v.error();
  auto it = namespaces_.find(ns.name);
  if (it == namespaces_.end()) {
    co_return provider_error(ProviderErrc::kNotFound, "namespace not found: " + ns.name);
  }
  it->second = std::move(ns);
  co_return Result<void>{};
}

Task<void> Core::remove_namespace(std::string name) {
  auto ns = resolve_namespace(name.empty() ? std::string("-") : name);
  if (!ns) {
    if (ns.error().context.find("does not exist") != std::string::npos) {
      co_return provider_error(ProviderErrc::kNotFound, "namespace not found: " + name);
    }
    co_return ns.error();
  }
  if (*ns == config_.default_namespace) {
    co_return provider_error(ProviderErrc::kInvalid, "namespace: the default namespace " + *ns +
                                                         " cannot be removed");
  }
  for (const auto& [key, fn] : functions_) {
    if (key.first == *ns) {
      co_return provider_error(ProviderErrc::kConflict, "namespace " + *ns + " still has functions (" +
                                                            key.second + "); remove them first");
    }
  }
  namespaces_.erase(*ns);
  secrets_.remove_namespace(*ns);
  co_return Result<void>{};
}

Task<void> Core::logs(provider::LogRequest request, provider::LogSink sink) {
  auto self = shared_from_this();
  auto found = find(request.function);
  if (!found) co_return found.error();
  auto context = (*found)->context;  // the ring outlives the function's removal for us
  auto& ring = context->logs;
  auto wanted = [&](const api::LogMessage& m) {
    return (request.instance.empty() || m.instance == request.instance) &&
           (!request.since || m.timestamp >= *request.since);
  };
  std::vector<api::LogMessage> batch;
  for (const auto& e : ring.entries()) {
    if (wanted(e.message)) batch.push_back(e.message);
  }
  if (request.tail > 0 && batch.size() > static_cast<std::size_t>(request.tail)) {
    batch.erase(batch.begin(), batch.end() - request.tail);
  }
  std::uint64_t next = ring.next_seq();
  for (;;) {
    for (const auto& m : batch) {
      if (!co_await sink(m)) co_return Result<void>{};
    }
    if (!request.follow) co_return Result<void>{};
    batch.clear();
    while (!ring.closed() && ring.next_seq() == next) {
      auto wake = co_await ring.appended().wait_until(Notifier::Clock::time_point::max());
      if (wake == Notifier::Wake::kCancelled) co_return Result<void>{};
    }
    if (ring.closed()) co_return Result<void>{};
    for (const auto& e : ring.entries()) {
      if (e.seq >= next && wanted(e.message)) batch.push_back(e.message);
    }
    next = ring.next_seq();
  }
}

Task<api::ProviderInfo> Core::info() {
  co_return api::ProviderInfo{
      .provider = "faas++ process",
      .version = api::VersionInfo{.commit_message = "", .sha = kGitSha, .release = kVersion},
      .orchestration = "process",
  };
}

Task<void> Core::health() { co_return check_open(); }

}  // namespace faas::process_provider::detail
