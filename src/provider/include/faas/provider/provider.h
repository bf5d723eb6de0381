// Provider: what the gateway needs from the platform underneath it (faas-provider's FaaSHandlers,
// in project types). Implementations: the containerd provider (in-process in `faasd up`), and the
// REST client of the faas-provider contract (so our gateway can front any OpenFaaS provider); the
// REST server (`faasd provider`) exposes any Provider to OpenFaaS's gateway.
//
// Every operation is a coroutine completing on the caller's executor; none throws. Errors carry a
// ProviderErrc code (see errors.h) that the HTTP layers map to OpenFaaS's status codes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "faas/api/types.h"
#include "faas/core/result.h"

namespace faas::provider {

template <class T>
using Task = boost::asio::awaitable<Result<T>>;

// A function's identity. An empty namespace means the provider's default ("openfaas-fn").
struct FunctionRef {
  std::string name;
  std::string namespace_;
  bool operator==(const FunctionRef&) const = default;
};

// "name" or "name.namespace" (the namespace is the text after the last '.'), as OpenFaaS routes
// accept them; `default_namespace` fills a missing one.
FunctionRef parse_function_ref(std::string_view text, std::string_view default_namespace = "");

// One ready replica of a function and how to reach its watchdog.
struct Replica {
  std::string id;                        // stable while the replica lives (container id)
  boost::asio::ip::tcp::endpoint endpoint;  // where its fwatchdog listens
  // Non-empty: the endpoint is only reachable inside this network namespace (a replica's own
  // loopback); the gateway connects from a socket created there (ARCHITECTURE.md, Networking).
  std::string netns_path;
  // Path prefix the upstream expects before the function's own path: "" for a watchdog reached
  // directly, "/function/<name>" for a provider that proxies invocations itself (REST client).
  std::string path_prefix;
};

struct LogRequest {
  FunctionRef function;
  std::string instance;
  std::optional<api::Timestamp> since;
  long long tail = -1;  // <= 0: everything
  bool follow = false;
};

// Receives log messages in order; returning false stops the stream (the client went away).
using LogSink = std::function<boost::asio::awaitable<bool>(const api::LogMessage&)>;

class Provider {
 public:
  virtual ~Provider() = default;

  virtual Task<void> deploy(api::FunctionDeployment spec) = 0;
  virtual Task<void> update(api::FunctionDeployment spec) = 0;
  virtual Task<void> remove(FunctionRef fn) = 0;
  virtual Task<std::vector<api::FunctionStatus>> list(std::string namespace_) = 0;
  virtual Task<api::FunctionStatus> status(FunctionRef fn) = 0;
  virtual Task<void> scale(FunctionRef fn, std::uint64_t replicas) = 0;
  // Ready replicas to send an invocation to; empty when none is ready (scaled to zero, starting).
  virtual Task<std::vector<Replica>> replicas(FunctionRef fn) = 0;

  virtual Task<std::vector<api::Secret>> list_secrets(std::string namespace_) = 0;
  virtual Task<void> create_secret(api::Secret secret) = 0;
  virtual Task<void> update_secret(api::Secret secret) = 0;
  virtual Task<void> remove_secret(api::Secret secret) = 0;

  virtual Task<std::vector<std::string>> list_namespaces() = 0;
  virtual Task<api::FunctionNamespace> get_namespace(std::string name) = 0;
  virtual Task<void> create_namespace(api::FunctionNamespace ns) = 0;
  virtual Task<void> update_namespace(api::FunctionNamespace ns) = 0;
  virtual Task<void> remove_namespace(std::string name) = 0;

  virtual Task<void> logs(LogRequest request, LogSink sink) = 0;

  // Imports an OCI image layout tar (what `buildah push IMG oci-archive:PATH` writes) into the
  // image store of `namespace_` (empty: the default) under `name`, so a deployment can name it
  // without any registry. Returns the stored (normalized) name. Providers without an image store
  // answer kNotImplemented (this default).
  virtual Task<std::string> import_image(std::string archive_path, std::string name,
                                         std::string namespace_);
  virtual Task<api::ProviderInfo> info() = 0;
  virtual Task<void> health() = 0;
};

}  // namespace faas::provider
