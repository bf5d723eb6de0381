// The gateway's Prometheus metrics: OpenFaaS's names and labels (reference §10.1) plus our cold
// start counters; the provider role's names (§10.2) for `faasd provider`.
#pragma once

#include <string>

#include "faas/metrics/registry.h"

namespace faas::gateway {

struct GatewayMetrics {
  metrics::Registry registry;
  // function_name = "name.namespace"
  metrics::Family& invocations = registry.counter(
      "gateway_function_invocation_total", "Function metrics", {"function_name", "code"});
  metrics::Family& seconds = registry.histogram(
      "gateway_functions_seconds", "Function time taken", {"function_name", "code"});
  metrics::Family& started = registry.counter(
      "gateway_function_invocation_started", "The total number of function HTTP requests started.",
      {"function_name"});
  metrics::Family& service_count = registry.gauge(
      "gateway_service_count", "Current count of replicas for function", {"function_name"});
  metrics::Family& cold_starts = registry.counter(
      "gateway_cold_start_total", "Invocations that waited for a function to scale from zero",
      {"function_name"});
  metrics::Family& cold_start_seconds = registry.histogram(
      "gateway_cold_start_seconds", "Time from the first held request to a ready replica",
      {"function_name"});
  // Management API calls, as faas-provider instruments them (code, method, path).
  metrics::Family& api_requests = registry.counter(
      "provider_http_requests_total", "Total HTTP requests to the management API",
      {"code", "method", "path"});
  metrics::Family& api_seconds = registry.histogram(
      "provider_http_request_duration_seconds", "Seconds spent serving management API requests",
      {"code", "method", "path"});
};

}  // namespace faas::gateway
