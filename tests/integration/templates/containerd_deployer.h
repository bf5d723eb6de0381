// ContainerdDeployer: runs a built function image in a private, real containerd the way faas++'s
// provider will: `buildah push` to an OCI archive, faas::containerd import + unpack, a container
// with the image's user, env and command in its own network namespace (loopback only), and calls
// over a socket opened inside that namespace to 127.0.0.1:8080 (never a bridge address).
#pragma once

#include <memory>
#include <string>

#include "faas/containerd/client.h"
#include "faas/core/result.h"

#include "support/containerd_process.h"
#include "templates/deployer.h"

namespace faas::test::templates {

class ContainerdDeployer : public Deployer {
 public:
  static Result<std::unique_ptr<ContainerdDeployer>> start();
  ~ContainerdDeployer() override;

  Result<std::unique_ptr<Deployment>> deploy(const BuiltFunction& fn) override;
  std::string platform_log() const override { return containerd_->log(); }

 private:
  ContainerdDeployer(std::unique_ptr<ContainerdProcess> containerd, containerd::Client client)
      : containerd_(std::move(containerd)), client_(std::move(client)) {}

  std::unique_ptr<ContainerdProcess> containerd_;
  containerd::Client client_;
};

}  // namespace faas::test::templates
