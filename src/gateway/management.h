// ManagementApi: the /system/* routes over a Provider (reference §1.4, §1.8, §2), shared by the
// gateway and by `faasd provider`: decode and validate the request (400 naming the field), call
// the provider, encode the answer, and map errors to status codes in one place (replies.h).
// Single-threaded: runs on the server's executor.
#pragma once

#include <functional>
#include <string>

#include "faas/gateway/router.h"
#include "faas/http/exchange.h"
#include "faas/provider/provider.h"

namespace faas::gateway {

struct ManagementOptions {
  std::string default_namespace = "openfaas-fn";
  bool gateway_role = true;  // /system/info answers GatewayInfo (gateway) or ProviderInfo (provider)
  std::size_t max_body = 4 << 20;  // deployments and secrets are small
  // POST /system/images: uploads are spooled to a file here (empty: the system temp dir), up to
  // max_image_bytes, then handed to Provider::import_image.
  std::string spool_dir;
  std::uint64_t max_image_bytes = 8ULL << 30;
};

class ManagementApi {
 public:
  // Called after a change to a function (deploy, update, scale, remove) so caches can drop it.
  using ChangeHook = std::function<void(const provider::FunctionRef&)>;
  // invocationCount for list answers, by "name.namespace".
  using CountSource = std::function<double(const std::string&)>;

  ManagementApi(provider::Provider& provider, ManagementOptions options, ChangeHook on_change,
                CountSource counts)
      : provider_(provider), options_(std::move(options)), on_change_(std::move(on_change)),
        counts_(std::move(counts)) {}

  http::awaitable<void> handle(http::Exchange& x, const RouteMatch& route);

 private:
  http::awaitable<void> functions(http::Exchange& x);
  http::awaitable<void> function_status(http::Exchange& x, const std::string& name);
  http::awaitable<void> scale(http::Exchange& x, const std::string& name);
  http::awaitable<void> info(http::Exchange& x);
  http::awaitable<void> alert(http::Exchange& x);
  http::awaitable<void> secrets(http::Exchange& x);
  http::awaitable<void> logs(http::Exchange& x);
  http::awaitable<void> namespaces(http::Exchange& x);
  http::awaitable<void> namespace_(http::Exchange& x, const std::string& name);
  http::awaitable<void> images(http::Exchange& x);
  http::awaitable<Result<std::string>> body(http::Exchange& x);
  std::string namespace_of(const http::Exchange& x, const std::string& from_body) const;

  provider::Provider& provider_;
  ManagementOptions options_;
  ChangeHook on_change_;
  CountSource counts_;
};

}  // namespace faas::gateway
