// GatewayConfig: the gateway's environment, with OpenFaaS's names and defaults
// (../shared/openfaas-reference.md §1.2), parsed by one pure function.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::gateway {

struct GatewayConfig {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 8080;
  std::chrono::nanoseconds read_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds write_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds upstream_timeout = std::chrono::seconds(60);
  std::string functions_provider_url;  // REST provider (faasd gateway); empty in `faasd up`
  std::string logs_provider_url;       // defaults to functions_provider_url
  bool basic_auth = true;              // OpenFaaS's code default is false; faasd and helm enable it
  std::string secret_mount_path = "/run/secrets/";
  bool scale_from_zero = true;
  std::string function_namespace = "openfaas-fn";
  int max_idle_conns_per_host = 1024;
};

// Durations fall back to their default with a warning; other bad values are errors naming the
// variable.
Result<GatewayConfig> parse_config(const Environment& env, std::vector<std::string>* warnings);

}  // namespace faas::gateway
