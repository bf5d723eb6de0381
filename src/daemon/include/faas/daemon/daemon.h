// The faasd process: wires a Provider and the ApiServer together for each way faasd runs, owns the
// io_context, and turns SIGTERM/SIGINT into a graceful stop. Each run_* call blocks until the
// process should exit and returns its exit code.
#pragma once

#include <cstdint>
#include <string>

#include "faas/core/env.h"

namespace faas::daemon {

struct UpOptions {
  std::string state_dir = "/var/lib/faasd";  // secrets/, provider/ ... live here
  std::uint16_t port = 8080;
  std::string bind_address = "0.0.0.0";
  std::string runtime = "auto";  // "containerd", "process" or "auto" (src/daemon/runtime.h)
  std::string fwatchdog_path;    // process runtime; empty: next to the faasd binary
  std::string containerd_socket = "/run/containerd/containerd.sock";  // used when it answers
};

struct GatewayOptions {
  int port = -1;  // -1: from the environment (`port`, default 8080)
};

struct ProviderOptions {
  std::string state_dir = "/var/lib/faasd-provider";
  int port = -1;  // -1: from the environment (`port`, default 8081)
  std::string bind_address = "0.0.0.0";
  std::string runtime = "auto";
  std::string fwatchdog_path;
  std::string containerd_socket = "/run/containerd/containerd.sock";
};

// `faasd up`: gateway + provider in one process, no HTTP hop between them.
int run_up(const UpOptions& options, const Environment& env);
// `faasd gateway`: the gateway alone, in front of the REST provider at functions_provider_url.
int run_gateway(const GatewayOptions& options, const Environment& env);
// `faasd provider`: a provider alone, serving the faas-provider REST contract.
int run_provider(const ProviderOptions& options, const Environment& env);

}  // namespace faas::daemon
