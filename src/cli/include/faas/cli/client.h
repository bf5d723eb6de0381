// GatewayClient: the OpenFaaS REST API (../shared/openfaas-reference.md §1.4/§1.5) as faas-cli
// uses it, over the blocking http_client. Every call returns a Result whose error is one line
// fit for the terminal: "cannot connect to gateway at URL: <cause>" for transport failures, and
// "<what>: <status> <reason>: <gateway's message>" for unexpected statuses (200/201/202 succeed,
// as in faas-cli).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/cli/http_client.h"
#include "faas/core/result.h"

namespace faas::cli {

struct ClientOptions {
  std::string gateway;                       // normalised base URL, no trailing '/'
  std::optional<std::string> authorization;  // Authorization header for /system/* calls
  std::chrono::milliseconds timeout{60'000};
  bool tls_no_verify = false;
};

// How deploy treats an existing function: faas-cli's --update (PUT, then POST on 404, the default)
// or --replace (DELETE, then POST). kCreate only POSTs.
enum class DeployMode { kUpdate, kReplace, kCreate };

struct LogQuery {
  std::string name;
  std::string namespace_;
  std::string instance;
  bool follow = true;
  long tail = -1;     // lines; <0 = all
  std::string since;  // RFC3339, "" = no bound
};

class GatewayClient {
 public:
  explicit GatewayClient(ClientOptions options) : options_(std::move(options)) {}
  const std::string& gateway() const { return options_.gateway; }

  // Raw call to gateway + `path_and_query`. `authenticated` adds the Authorization header.
  Result<HttpResponse> call(std::string method, std::string_view path_and_query,
                            std::optional<std::string> body, HeaderList headers = {},
                            bool authenticated = true, const BodySink& sink = nullptr) const;

  Result<std::vector<api::FunctionStatus>> list_functions(std::string_view ns) const;
  Result<api::FunctionStatus> get_function(std::string_view name, std::string_view ns) const;
  // Returns the status of the call that created or updated the function.
  Result<long> deploy(const api::FunctionDeployment& d, DeployMode mode) const;
  Result<void> remove_function(std::string_view name, std::string_view ns) const;
  Result<void> scale(const api::ScaleServiceRequest& request) const;

  Result<std::vector<api::Secret>> list_secrets(std::string_view ns) const;
  // POST; with `replace`, a 409 (exists) falls back to PUT. Returns the final status.
  Result<long> create_secret(const api::Secret& secret, bool replace) const;
  Result<long> update_secret(const api::Secret& secret) const;
  Result<void> remove_secret(std::string_view name, std::string_view ns) const;

  // POST /system/images?name=NAME[&namespace=NS]: streams an OCI image layout tar to the gateway's
  // image store (a single-node faasd; no registry involved) and returns the stored, normalised
  // name. 501 (no image store), 413 (too large) and 400 (bad archive) give errors that say so.
  using UploadProgress = std::function<void(std::uint64_t sent, std::uint64_t total)>;
  Result<std::string> upload_image(const std::filesystem::path& archive, std::string_view name,
                                   std::string_view ns,
                                   const UploadProgress& progress = nullptr) const;

  Result<std::vector<std::string>> list_namespaces() const;
  Result<api::GatewayInfo> info() const;
  // GET /healthz, unauthenticated; true when 200.
  Result<bool> healthy() const;
  // Streams /system/logs, calling `on_message` per NDJSON line until the stream ends.
  Result<void> logs(const LogQuery& query,
                    const std::function<void(const api::LogMessage&)>& on_message) const;

 private:
  // Turns a response with a status outside 200..202 into an Error naming `what`.
  static Result<HttpResponse> expect_ok(Result<HttpResponse> r, std::string_view what);

  ClientOptions options_;
};

// "?namespace=NS" or "" when ns is empty.
std::string namespace_query(std::string_view ns);

}  // namespace faas::cli
