// RestProvider: a Provider that drives any faas-provider over its REST contract
// (../shared/openfaas-reference.md §2): faasd-provider, faas-netes, or our own `faasd provider`.
// `faasd gateway` uses it to front a provider running elsewhere.
//
// Each method is one HTTP call on a keep-alive connection (http::Client). 200/201/202 are success;
// any other status becomes the ProviderErrc of provider::errc_for_status with the provider's body
// text (trimmed) as the message. A provider that cannot be reached is kUnavailable, one that does
// not answer within the timeout kTimeout, and one that answers something unreadable (bad HTTP,
// bad JSON, a body over max_body) kBadGateway.
//
// Invocations do not go through the Provider interface: replicas() returns the provider itself as
// the one "replica" (path prefix "/function/<name>.<namespace>"), because a REST provider proxies
// invocations to its functions.
//
// Single-threaded: a RestProvider and every call on it belong to the executor it was created with
// (a multi-threaded gateway creates one per thread, or posts calls to its executor). It must
// outlive the calls in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "faas/http/client.h"
#include "faas/provider/provider.h"

namespace faas::provider_client {

// Basic-auth credentials for the provider's /system/* routes (and /healthz).
struct Credentials {
  std::string user;
  std::string password;
};

struct RestProviderConfig {
  // "http://IP:port[/prefix]"; IP literal or localhost (no DNS). OpenFaaS providers listen on 8081.
  std::string base_url = "http://127.0.0.1:8081";
  std::optional<Credentials> credentials;  // sent on every call when set
  // Bounds each call; for logs(), connecting and the response head, then each wait for the next
  // piece of the stream (a `follow` stream that stays quiet that long ends without error).
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
  std::size_t max_body = 32 * 1024 * 1024;  // largest response body read (function lists...)
};

class RestProvider final : public provider::Provider {
 public:
  // Fails only on a base URL parse_endpoint rejects (or one with a query).
  static Result<std::unique_ptr<RestProvider>> create(const boost::asio::any_io_executor& ex,
                                                      RestProviderConfig config);

  // POST /system/functions (body: the deployment; its namespace field selects the namespace).
  provider::Task<void> deploy(api::FunctionDeployment spec) override;
  // PUT /system/functions.
  provider::Task<void> update(api::FunctionDeployment spec) override;
  // DELETE /system/functions?namespace= with {"functionName", "namespace"}.
  provider::Task<void> remove(provider::FunctionRef fn) override;
  // GET /system/functions?namespace=
  provider::Task<std::vector<api::FunctionStatus>> list(std::string namespace_) override;
  // GET /system/function/<name>?namespace=
  provider::Task<api::FunctionStatus> status(provider::FunctionRef fn) override;
  // POST /system/scale-function/<name>?namespace= with {"serviceName", "replicas", "namespace"}.
  provider::Task<void> scale(provider::FunctionRef fn, std::uint64_t replicas) override;
  // status(fn); one Replica (the provider's endpoint, path prefix "/function/<name>.<namespace>",
  // or "/function/<name>" without a namespace) when availableReplicas > 0, none when it is 0.
  provider::Task<std::vector<provider::Replica>> replicas(provider::FunctionRef fn) override;

  // GET /system/secrets?namespace=
  provider::Task<std::vector<api::Secret>> list_secrets(std::string namespace_) override;
  // POST /system/secrets (body: the secret).
  provider::Task<void> create_secret(api::Secret secret) override;
  // PUT /system/secrets.
  provider::Task<void> update_secret(api::Secret secret) override;
  // DELETE /system/secrets?namespace= with {"name", "namespace"} (faasd reads the query, the CLI
  // sends the body: both are sent).
  provider::Task<void> remove_secret(api::Secret secret) override;

  // GET /system/namespaces
  provider::Task<std::vector<std::string>> list_namespaces() override;
  // GET|POST|PUT|DELETE /system/namespace/<name>; a provider without namespace support answers
  // 501 (kNotImplemented) or 405 (kInternal).
  provider::Task<api::FunctionNamespace> get_namespace(std::string name) override;
  provider::Task<void> create_namespace(api::FunctionNamespace ns) override;
  provider::Task<void> update_namespace(api::FunctionNamespace ns) override;
  provider::Task<void> remove_namespace(std::string name) override;

  // GET /system/logs?name=&namespace=&instance=&tail=&follow=&since= (RFC3339). Each NDJSON line is
  // parsed and handed to `sink` as it arrives; a false from the sink ends the call successfully.
  // 404/501 -> kNotImplemented; an unparseable line -> kBadGateway (the stream stops there).
  provider::Task<void> logs(provider::LogRequest request, provider::LogSink sink) override;
  // GET /system/info
  provider::Task<api::ProviderInfo> info() override;
  // GET /healthz
  provider::Task<void> health() override;

 private:
  RestProvider(http::Client client, RestProviderConfig config);

  // One call with the common headers; the response for 200/201/202, else the error it means.
  boost::asio::awaitable<Result<http::ClientResponse>> call(http::ClientRequest request);
  // GET target, decoded with `parse`; undecodable -> kBadGateway. Defined (and used) in the .cc.
  template <class T>
  boost::asio::awaitable<Result<T>> get_json(std::string target,
                                             Result<T> (*parse)(std::string_view));
  http::ClientRequest make_request(boost::beast::http::verb method, std::string target,
                                   std::string body = {}) const;

  http::Client client_;
  RestProviderConfig config_;
  std::string authorization_;  // "Basic ..." or empty
};

}  // namespace faas::provider_client
