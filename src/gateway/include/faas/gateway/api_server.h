// ApiServer: an OpenFaaS-compatible HTTP API over a Provider, in one of two roles.
//
// - Gateway (`faasd up`, `faasd gateway`): every route of reference §1.4 — management under
//   /system/* behind basic auth, invocations under /function/* through the Invoker (replica
//   choice, streaming proxy, scale from zero), /healthz, /metrics (OpenFaaS's gateway metrics),
//   and X-Call-Id / X-Start-Time / X-Served-By on invocations.
// - Provider (`faasd provider`): the faas-provider contract (§2.2) so OpenFaaS's own gateway, or
//   ours through RestProvider, can drive any Provider: the same /system/* routes, /function/*
//   proxied straight to replicas, /healthz, /metrics.
//
// Runs on one io_context thread: the Provider is called on that executor too.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "faas/core/result.h"
#include "faas/core/unique_fd.h"
#include "faas/gateway/auth.h"
#include "faas/gateway/config.h"
#include "faas/provider/provider.h"

namespace faas::gateway {

struct ApiServerOptions {
  enum class Role { kGateway, kProvider };
  Role role = Role::kGateway;
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port
  std::chrono::nanoseconds read_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds write_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds upstream_timeout = std::chrono::seconds(60);
  bool scale_from_zero = true;
  std::string default_namespace = "openfaas-fn";
  std::optional<Credentials> credentials;  // nullopt: no authentication
  // Opens a socket inside a replica's network namespace (see InvokerOptions::netns_socket).
  std::function<Result<UniqueFd>(const std::string& netns_path, int family)> netns_socket;
  // POST /system/images spools uploads here (empty: the system temp dir), at most this many bytes.
  std::string spool_dir;
  std::uint64_t max_image_bytes = 8ULL << 30;
};

// The options a GatewayConfig (the gateway's environment) asks for; credentials are the caller's.
ApiServerOptions gateway_options(const GatewayConfig& config);

class ApiServer {
 public:
  virtual ~ApiServer() = default;
  // Binds the listener; nothing is served until start().
  static Result<std::unique_ptr<ApiServer>> create(boost::asio::io_context& io,
                                                   ApiServerOptions options,
                                                   provider::Provider& provider);
  virtual std::uint16_t port() const = 0;
  // Starts accepting and the background loops, on the io_context given to create().
  virtual void start() = 0;
  // Stops accepting, closes idle connections, lets in-flight requests finish within `grace`, then
  // calls `done` (on the io_context).
  virtual void stop(std::chrono::nanoseconds grace, std::function<void()> done) = 0;
};

}  // namespace faas::gateway
