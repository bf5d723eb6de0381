// How the templates test runs a function image it built and calls it. The test for each template
// takes a Deployer, so the same checks run against any way of running functions: today a private
// containerd driven by the faas::containerd client (ContainerdDeployer); later `faasd up` with
// `faas-cli up`/invoke/logs/rm (a FaasdDeployer the lead adds once the containerd runtime lands).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faas/core/result.h"

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

// A function built by `faas-cli build` in `dir` (its stack.yaml is there).
struct BuiltFunction {
  std::string name;   // function name in the stack
  std::string image;  // image name in buildah's local storage
  std::string dir;    // the stack's directory
};

// One running function. Destroying it removes everything deploy() created.
class Deployment {
 public:
  virtual ~Deployment() = default;
  // One request to the function, answered through its watchdog.
  virtual Result<Reply> invoke(const Call& call) = 0;
  // What the function wrote to stdout/stderr so far (for failure messages and log checks).
  virtual std::string logs() const = 0;
};

class Deployer {
 public:
  virtual ~Deployer() = default;
  // Runs fn and returns once its watchdog reports ready (/_/ready is 200).
  virtual Result<std::unique_ptr<Deployment>> deploy(const BuiltFunction& fn) = 0;
  // The platform's own log (containerd, faasd), for failure messages.
  virtual std::string platform_log() const = 0;
};

}  // namespace faas::test::templates
