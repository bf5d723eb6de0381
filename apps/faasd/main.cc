// faasd: the faas++ platform daemon. `faasd up` runs the whole platform in the foreground;
// `faasd gateway` and `faasd provider` run its parts separately. See src/daemon/README.md.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "faas/core/env.h"
#include "faas/daemon/daemon.h"
#include "faas/version.h"

int main(int argc, char** argv) {
  CLI::App app{"faas++ daemon: an OpenFaaS-compatible functions platform"};
  app.require_subcommand(1);

  faas::daemon::UpOptions up;
  auto* up_cmd = app.add_subcommand("up", "Run the whole platform (gateway + provider) in the foreground");
  up_cmd->add_option("--state-dir", up.state_dir, "State directory (secrets, functions)")->capture_default_str();
  up_cmd->add_option("--port", up.port, "Gateway port")->capture_default_str();
  up_cmd->add_option("--bind", up.bind_address, "Gateway bind address")->capture_default_str();
  up_cmd->add_option("--runtime", up.runtime, "Function runtime: auto, containerd or process")
      ->capture_default_str();
  up_cmd->add_option("--containerd-socket", up.containerd_socket,
                     "containerd to use when it answers; otherwise faasd starts its own")
      ->capture_default_str();
  up_cmd->add_option("--fwatchdog", up.fwatchdog_path, "fwatchdog binary (default: next to faasd)");

  faas::daemon::GatewayOptions gw;
  auto* gw_cmd = app.add_subcommand(
      "gateway", "Run the gateway alone, in front of the REST provider at $functions_provider_url");
  gw_cmd->add_option("--port", gw.port, "Port (default: $port or 8080)");

  faas::daemon::ProviderOptions pv;
  auto* pv_cmd = app.add_subcommand("provider", "Run a provider alone (faas-provider REST API)");
  pv_cmd->add_option("--state-dir", pv.state_dir, "State directory")->capture_default_str();
  pv_cmd->add_option("--port", pv.port, "Port (default: $port or 8081)");
  pv_cmd->add_option("--bind", pv.bind_address, "Bind address")->capture_default_str();
  pv_cmd->add_option("--runtime", pv.runtime, "Function runtime: auto, containerd or process")
      ->capture_default_str();
  pv_cmd->add_option("--containerd-socket", pv.containerd_socket,
                     "containerd to use when it answers; otherwise faasd starts its own")
      ->capture_default_str();
  pv_cmd->add_option("--fwatchdog", pv.fwatchdog_path, "fwatchdog binary (default: next to faasd)");

  app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  auto env = faas::current_environment();
  if (*up_cmd) return faas::daemon::run_up(up, env);
  if (*gw_cmd) return faas::daemon::run_gateway(gw, env);
  if (*pv_cmd) return faas::daemon::run_provider(pv, env);
  std::printf("faas++ faasd\nVersion: %s\tSHA: %s\n", faas::kVersion, faas::kGitSha);
  return 0;
}
