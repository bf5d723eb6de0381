// Runtime: the Provider `faasd up` / `faasd provider` run functions on, chosen by --runtime:
//   containerd  functions as containers (ContainerdProvider) on the system containerd, or on one
//               faasd starts itself (ContainerdHost)
//   process     functions as local fwatchdog processes (ProcessProvider), no isolation: for
//               machines without containerd or root
//   auto        containerd when it can be used (root and a containerd binary or socket), else
//               process, saying so in the log. The default.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "faas/core/result.h"
#include "faas/core/unique_fd.h"
#include "faas/provider/provider.h"

namespace faas::daemon {

struct RuntimeOptions {
  std::string runtime = "auto";
  std::string state_dir;       // the provider's own state (functions, logs, images spool)
  std::string host_state_dir;  // where an embedded containerd lives (<faasd state>/containerd)
  std::string fwatchdog_path;  // process runtime
  std::string containerd_socket = "/run/containerd/containerd.sock";
  std::string default_namespace = "openfaas-fn";
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual provider::Provider& provider() = 0;
  virtual const std::string& name() const = 0;  // "containerd" or "process"
  // For the gateway: a socket inside a replica's network namespace (empty for runtimes whose
  // replicas listen on the host).
  virtual std::function<Result<UniqueFd>(const std::string&, int)> netns_socket() const = 0;
  // Graceful stop after the server drained (replicas, an embedded containerd).
  virtual boost::asio::awaitable<void> shutdown() = 0;
};

// Creates the runtime, running `io` until it is ready (containerd start-up, state recovery).
Result<std::unique_ptr<Runtime>> make_runtime(boost::asio::io_context& io,
                                              const RuntimeOptions& options);

}  // namespace faas::daemon
