// The platform the templates test deploys to: a real `faasd up --runtime containerd` on a private
// containerd, driven only through the real `faas-cli` binary as a developer would: `faas-cli up`
// (build with buildah, the image uploaded to the gateway as an OCI archive: no registry),
// `faas-cli ready`, `faas-cli invoke`, `faas-cli logs`, `faas-cli rm`. Calls that check status
// codes and headers go through the gateway's /function/NAME route over loopback, as curl would.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faas/core/result.h"

#include "support/containerd_process.h"
#include "support/daemon_process.h"
#include "templates/commands.h"

namespace faas::test::templates {

struct Call {
  std::string method = "POST";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first value of a header (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

// A function `faas-cli new` wrote into dir's stack.yaml.
struct FunctionSource {
  std::string name;   // function name in the stack
  std::string image;  // the stack's image (built into buildah's local storage by `up`)
  std::string dir;    // the stack's directory
};

class Faasd;

// One function deployed by `faas-cli up`. Destroying it runs `faas-cli rm`.
class Deployment {
 public:
  Deployment(Faasd& faasd, std::string name) : faasd_(faasd), name_(std::move(name)) {}
  Deployment(const Deployment&) = delete;
  Deployment& operator=(const Deployment&) = delete;
  ~Deployment();

  const std::string& name() const { return name_; }
  // One request through the gateway: <method> /function/<name><target>.
  Result<Reply> invoke(const Call& call);
  // `faas-cli invoke <name>` with `body` on stdin; the command's result (stdout + stderr).
  Result<CommandResult> cli_invoke(const std::string& body, std::vector<std::string> extra = {});
  // `faas-cli logs <name> --tail=false`: what the function wrote so far.
  std::string logs() const;

 private:
  Faasd& faasd_;
  std::string name_;
};

class Faasd {
 public:
  // A private containerd, `faasd up` on it, and `faas-cli login` into a private config.
  static Result<std::unique_ptr<Faasd>> start();

  // `faas-cli up` in fn.dir, then `faas-cli ready`. On failure the error holds the output.
  Result<std::unique_ptr<Deployment>> up(const FunctionSource& fn);
  // The real faas-cli with `args`, in cwd ("" = here), `input` on stdin.
  Result<CommandResult> faas_cli(const std::vector<std::string>& args, const std::string& cwd = "",
                                 const std::string& input = "",
                                 std::chrono::seconds timeout = std::chrono::seconds(120)) const;
  std::uint16_t port() const { return daemon_->port(); }
  // faasd's and containerd's logs, for failure messages.
  std::string platform_log() const;

 private:
  Faasd(std::unique_ptr<ContainerdProcess> containerd, std::unique_ptr<DaemonProcess> daemon)
      : containerd_(std::move(containerd)), daemon_(std::move(daemon)) {}

  std::unique_ptr<ContainerdProcess> containerd_;
  std::unique_ptr<DaemonProcess> daemon_;
};

}  // namespace faas::test::templates
