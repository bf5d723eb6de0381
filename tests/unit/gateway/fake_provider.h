// FakeProvider: an in-memory Provider for the gateway's unit tests (a test double of the
// collaborator, not of the unit under test). Functions live in a map; a function's replicas are
// one or more real endpoints the test runs (an Imposter), ready `ready_delay` after a scale-up.
// Calls are recorded. Thread-safe: the gateway calls it on its io thread, the test inspects it.
#pragma once

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <mutex>
#include <string>
#include <vector>

#include "faas/provider/errors.h"
#include "faas/provider/provider.h"

namespace faas::test {

class FakeProvider final : public provider::Provider {
 public:
  using Clock = std::chrono::steady_clock;
  using ProviderErrc = provider::ProviderErrc;

  // A function with `replicas` desired (and ready) replicas at these endpoints.
  void add(const std::string& name, std::uint64_t replicas,
           std::vector<boost::asio::ip::tcp::endpoint> endpoints,
           api::StringMap annotations = {}) {
    std::lock_guard lock(mu_);
    Fn f;
    f.status.name = name;
    f.status.image = "example/" + name + ":1";
    f.status.namespace_ = "openfaas-fn";
    f.status.replicas = replicas;
    f.status.annotations = annotations;
    f.endpoints = std::move(endpoints);
    fns_[name + ".openfaas-fn"] = f;
  }
  std::chrono::milliseconds ready_delay{0};
  // Replicas of every function report this network namespace (empty: the host's).
  std::string netns_path;
  // import_image: accepted (true) or left to the Provider default, 501 (false).
  bool image_store = true;
  struct Import {
    std::string name, namespace_, content;
    bool file_existed_after_call = false;
  };
  std::vector<Import> imports() const { std::lock_guard lock(mu_); return imports_; }

  int scale_calls() const { std::lock_guard lock(mu_); return scale_calls_; }
  std::uint64_t desired(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = fns_.find(key);
    return it == fns_.end() ? 0 : it->second.status.replicas;
  }
  std::vector<api::FunctionDeployment> deployed() const { std::lock_guard lock(mu_); return deployed_; }
  std::vector<api::Secret> secrets() const { std::lock_guard lock(mu_); return secrets_; }

  provider::Task<void> deploy(api::FunctionDeployment spec) override {
    std::lock_guard lock(mu_);
    auto key = spec.service + "." + spec.namespace_;
    if (fns_.count(key)) co_return provider::provider_error(ProviderErrc::kConflict, "function " + key + " exists");
    deployed_.push_back(spec);
    Fn f;
    f.status.name = spec.service;
    f.status.image = spec.image;
    f.status.namespace_ = spec.namespace_;
    f.status.replicas = 1;
    fns_[key] = f;
    co_return Result<void>{};
  }
  provider::Task<void> update(api::FunctionDeployment spec) override {
    std::lock_guard lock(mu_);
    auto it = fns_.find(spec.service + "." + spec.namespace_);
    if (it == fns_.end()) co_return provider::provider_error(ProviderErrc::kNotFound, "no such function");
    it->second.status.image = spec.image;
    co_return Result<void>{};
  }
  provider::Task<void> remove(provider::FunctionRef fn) override {
    std::lock_guard lock(mu_);
    if (!fns_.erase(fn.name + "." + fn.namespace_)) {
      co_return provider::provider_error(ProviderErrc::kNotFound, "function " + fn.name + " not found");
    }
    co_return Result<void>{};
  }
  provider::Task<std::vector<api::FunctionStatus>> list(std::string ns) override {
    std::lock_guard lock(mu_);
    std::vector<api::FunctionStatus> out;
    for (auto& [k, f] : fns_) {
      if (f.status.namespace_ == ns) out.push_back(with_available(f));
    }
    co_return out;
  }
  provider::Task<api::FunctionStatus> status(provider::FunctionRef fn) override {
    std::lock_guard lock(mu_);
    auto it = fns_.find(fn.name + "." + fn.namespace_);
    if (it == fns_.end()) co_return provider::provider_error(ProviderErrc::kNotFound, "function " + fn.name + " not found");
    co_return with_available(it->second);
  }
  provider::Task<void> scale(provider::FunctionRef fn, std::uint64_t replicas) override {
    std::lock_guard lock(mu_);
    ++scale_calls_;
    auto it = fns_.find(fn.name + "." + fn.namespace_);
    if (it == fns_.end()) co_return provider::provider_error(ProviderErrc::kNotFound, "not found");
    if (it->second.status.replicas == 0 && replicas > 0) it->second.ready_at = Clock::now() + ready_delay;
    it->second.status.replicas = replicas;
    co_return Result<void>{};
  }
  provider::Task<std::vector<provider::Replica>> replicas(provider::FunctionRef fn) override {
    std::lock_guard lock(mu_);
    auto it = fns_.find(fn.name + "." + fn.namespace_);
    if (it == fns_.end()) co_return provider::provider_error(ProviderErrc::kNotFound, "not found");
    std::vector<provider::Replica> out;
    auto st = with_available(it->second);
    for (std::uint64_t i = 0; i < st.available_replicas && i < it->second.endpoints.size(); ++i) {
      out.push_back({.id = fn.name + "-" + std::to_string(i), .endpoint = it->second.endpoints[i],
                     .netns_path = netns_path});
    }
    co_return out;
  }
  provider::Task<std::vector<api::Secret>> list_secrets(std::string ns) override {
    std::lock_guard lock(mu_);
    std::vector<api::Secret> out;
    for (auto s : secrets_) {
      if (s.namespace_ == ns) out.push_back({.name = s.name, .namespace_ = s.namespace_});
    }
    co_return out;
  }
  provider::Task<void> create_secret(api::Secret s) override {
    std::lock_guard lock(mu_);
    secrets_.push_back(s);
    co_return Result<void>{};
  }
  provider::Task<void> update_secret(api::Secret) override { co_return Result<void>{}; }
  provider::Task<void> remove_secret(api::Secret s) override {
    std::lock_guard lock(mu_);
    auto n = std::erase_if(secrets_, [&](const api::Secret& x) {
      return x.name == s.name && x.namespace_ == s.namespace_;
    });
    if (n == 0) co_return provider::provider_error(ProviderErrc::kNotFound, "secret " + s.name + " not found");
    co_return Result<void>{};
  }
  provider::Task<std::vector<std::string>> list_namespaces() override {
    co_return std::vector<std::string>{"openfaas-fn"};
  }
  provider::Task<api::FunctionNamespace> get_namespace(std::string name) override {
    if (name != "openfaas-fn") co_return provider::provider_error(ProviderErrc::kNotFound, "namespace not found");
    co_return api::FunctionNamespace{.name = name, .labels = {{"openfaas", "1"}}};
  }
  provider::Task<void> create_namespace(api::FunctionNamespace) override {
    co_return provider::provider_error(ProviderErrc::kNotImplemented, "not supported");
  }
  provider::Task<void> update_namespace(api::FunctionNamespace) override {
    co_return provider::provider_error(ProviderErrc::kNotImplemented, "not supported");
  }
  provider::Task<void> remove_namespace(std::string) override {
    co_return provider::provider_error(ProviderErrc::kNotImplemented, "not supported");
  }
  provider::Task<void> logs(provider::LogRequest req, provider::LogSink sink) override {
    for (int i = 0; i < 3; ++i) {
      api::LogMessage m{.name = req.function.name, .namespace_ = req.function.namespace_,
                        .instance = "i0", .text = "line " + std::to_string(i)};
      if (!co_await sink(m)) break;
    }
    co_return Result<void>{};
  }
  provider::Task<std::string> import_image(std::string path, std::string name,
                                           std::string ns) override {
    if (!image_store) co_return co_await Provider::import_image(path, name, ns);
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    std::lock_guard lock(mu_);
    imports_.push_back({.name = name, .namespace_ = ns, .content = content.str()});
    last_import_path_ = path;
    co_return "docker.io/library/" + name;
  }
  std::string last_import_path() const { std::lock_guard lock(mu_); return last_import_path_; }
  provider::Task<api::ProviderInfo> info() override {
    co_return api::ProviderInfo{.provider = "fake", .version = {.sha = "abc", .release = "1"},
                                .orchestration = "test"};
  }
  provider::Task<void> health() override { co_return Result<void>{}; }

 private:
  struct Fn {
    api::FunctionStatus status;
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    Clock::time_point ready_at{};
  };
  api::FunctionStatus with_available(const Fn& f) const {
    auto st = f.status;
    st.available_replicas = Clock::now() >= f.ready_at ? st.replicas : 0;
    return st;
  }

  mutable std::mutex mu_;
  std::vector<Import> imports_;
  std::string last_import_path_;
  std::map<std::string, Fn> fns_;
  std::vector<api::FunctionDeployment> deployed_;
  std::vector<api::Secret> secrets_;
  int scale_calls_ = 0;
};

}  // namespace faas::test
