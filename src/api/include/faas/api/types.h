// The OpenFaaS REST types (faas-provider `types`), in project terms. Field names in comments are
// the JSON names; see ../shared/openfaas-reference.md §1.5. Plain values: no I/O, no validation
// beyond what the codecs in json.h do.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace faas::api {

using StringMap = std::map<std::string, std::string>;
using Timestamp = std::chrono::system_clock::time_point;

inline constexpr const char* kDefaultNamespace = "openfaas-fn";

// limits / requests
struct Resources {
  std::string memory;          // "memory", e.g. "128Mi"
  std::string cpu;             // "cpu", e.g. "500m"
  std::string nvidia_gpu;      // "nvidia.com/gpu"
  std::string amd_gpu;         // "amd.com/gpu"
  std::string intel_gpu;       // "intel.com/gpu"
  bool operator==(const Resources&) const = default;
};

// POST/PUT /system/functions
struct FunctionDeployment {
  std::string service;                    // "service", required
  std::string image;                      // "image", required
  std::string namespace_;                 // "namespace"
  std::string env_process;                // "envProcess" -> env fprocess
  StringMap env_vars;                     // "envVars"
  std::vector<std::string> constraints;   // "constraints"
  std::vector<std::string> secrets;       // "secrets"
  std::optional<StringMap> labels;        // "labels" (null when absent)
  std::optional<StringMap> annotations;   // "annotations"
  std::optional<Resources> limits;        // "limits"
  std::optional<Resources> requests;      // "requests"
  bool read_only_root_filesystem = false; // "readOnlyRootFilesystem"
  bool operator==(const FunctionDeployment&) const = default;
};

struct FunctionUsage {
  double cpu = 0;                 // "cpu"
  double total_memory_bytes = 0;  // "totalMemoryBytes"
  bool operator==(const FunctionUsage&) const = default;
};

// GET /system/functions items and GET /system/function/{name}
struct FunctionStatus {
  std::string name;  // "name"
  std::string image;
  std::string namespace_;
  std::string env_process;
  StringMap env_vars;
  std::vector<std::string> constraints;
  std::vector<std::string> secrets;
  std::optional<StringMap> labels;
  std::optional<StringMap> annotations;
  std::optional<Resources> limits;
  std::optional<Resources> requests;
  bool read_only_root_filesystem = false;
  double invocation_count = 0;       // "invocationCount"
  std::uint64_t replicas = 0;        // "replicas" (desired)
  std::uint64_t available_replicas = 0;  // "availableReplicas" (ready)
  Timestamp created_at{};            // "createdAt" (RFC3339, always present)
  std::optional<FunctionUsage> usage;  // "usage"
  // "reason", omitted when empty (our extension; OpenFaaS clients ignore it): why the function has
  // fewer available replicas than desired, e.g. "crash-looping: exit status 1, next start in 8s".
  std::string reason;
  bool operator==(const FunctionStatus&) const = default;
};

// POST /system/scale-function/{name}
struct ScaleServiceRequest {
  std::string service_name;  // "serviceName"
  std::uint64_t replicas = 0;
  std::string namespace_;
  bool operator==(const ScaleServiceRequest&) const = default;
};

// DELETE /system/functions
struct DeleteFunctionRequest {
  std::string function_name;  // "functionName"
  std::string namespace_;
  bool operator==(const DeleteFunctionRequest&) const = default;
};

// /system/secrets
struct Secret {
  std::string name;
  std::string namespace_;
  std::string value;      // "value"
  std::string raw_value;  // "rawValue": bytes, base64 on the wire; used when value is empty
  bool operator==(const Secret&) const = default;
};

// /system/namespace/{name}
struct FunctionNamespace {
  std::string name;
  StringMap annotations;
  StringMap labels;
  bool operator==(const FunctionNamespace&) const = default;
};

struct VersionInfo {
  std::string commit_message;  // "commit_message"
  std::string sha;
  std::string release;
  bool operator==(const VersionInfo&) const = default;
};

struct ProviderInfo {
  std::string provider;       // "provider"
  VersionInfo version;        // "version"
  std::string orchestration;  // "orchestration"
  bool operator==(const ProviderInfo&) const = default;
};

// GET /system/info on the gateway
struct GatewayInfo {
  std::optional<ProviderInfo> provider;  // null when the provider did not answer
  VersionInfo version;
  std::string arch;
  bool operator==(const GatewayInfo&) const = default;
};

// One NDJSON line of /system/logs
struct LogMessage {
  std::string name;
  std::string namespace_;
  std::string instance;
  Timestamp timestamp{};  // RFC3339Nano
  std::string text;
  bool operator==(const LogMessage&) const = default;
};

// POST /system/alert: an AlertManager webhook (fields we do not use are ignored)
struct PrometheusAlertItem {
  std::string status;  // "firing" or "resolved"
  StringMap labels;    // alertname, function_name ("name.namespace")
  bool operator==(const PrometheusAlertItem&) const = default;
};
struct PrometheusAlert {
  std::string status;
  std::string receiver;
  std::vector<PrometheusAlertItem> alerts;
  bool operator==(const PrometheusAlert&) const = default;
};

}  // namespace faas::api
