// The OCI runtime spec options of one replica, from the deployment and the image config: pure
// functions, unit-tested without containerd.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "faas/api/types.h"
#include "faas/containerd/oci_spec.h"
#include "faas/core/result.h"

namespace faas::containerd_provider::detail {

// Kubernetes quantities as OpenFaaS limits use them. Memory: "128Mi", "1Gi", "512M", "1e9",
// "1.5Gi", plain bytes -> bytes. CPU: "0.5", "2", "500m" -> millicores. kInvalid naming the text.
Result<std::int64_t> parse_memory(std::string_view text);
Result<std::int64_t> parse_cpu(std::string_view text);

struct ReplicaSpecInput {
  std::string secrets_dir;   // host directory mounted at /var/openfaas/secrets; empty: none
  std::string cgroups_path;  // e.g. "/faas/openfaas-fn/hello-1a2b3c"
  std::string hostname;
};

// Image config (entrypoint, cmd, env, user, cwd) + envVars + fprocess=envProcess, limits.memory and
// limits.cpu, readOnlyRootFilesystem, secrets read-only. kInvalid for bad limits or a user name.
Result<containerd::SpecOptions> replica_spec(const api::FunctionDeployment& spec,
                                             const containerd::ImageConfig& image,
                                             const ReplicaSpecInput& input);

}  // namespace faas::containerd_provider::detail
