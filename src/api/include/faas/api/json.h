// JSON codecs for the OpenFaaS REST types, matching Go's encoding/json output of the
// faas-provider structs (field names and order, omitempty, base64 []byte, RFC3339 times).
//
// Decoders never throw. Their errors are invalid_argument Errors whose message names the offending
// field ("service: required", "envVars.FOO: must be a string") or the byte offset of a syntax error,
// ready to be returned as a 400 body.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/result.h"

namespace faas::api {

Result<FunctionDeployment> parse_deployment(std::string_view text);
Result<FunctionStatus> parse_function_status(std::string_view text);
Result<std::vector<FunctionStatus>> parse_function_list(std::string_view text);
Result<ScaleServiceRequest> parse_scale_request(std::string_view text);
Result<DeleteFunctionRequest> parse_delete_request(std::string_view text);
Result<Secret> parse_secret(std::string_view text);
Result<std::vector<Secret>> parse_secret_list(std::string_view text);
Result<FunctionNamespace> parse_namespace(std::string_view text);
Result<std::vector<std::string>> parse_string_list(std::string_view text);
Result<ProviderInfo> parse_provider_info(std::string_view text);
Result<GatewayInfo> parse_gateway_info(std::string_view text);
Result<LogMessage> parse_log_message(std::string_view text);
Result<PrometheusAlert> parse_alert(std::string_view text);

std::string to_json(const FunctionDeployment& d);
std::string to_json(const FunctionStatus& s);
std::string to_json(const std::vector<FunctionStatus>& v);
std::string to_json(const ScaleServiceRequest& s);
std::string to_json(const DeleteFunctionRequest& d);
std::string to_json(const Secret& s);
std::string to_json(const std::vector<Secret>& v);  // list: names and namespaces only
std::string to_json(const FunctionNamespace& n);
std::string to_json(const std::vector<std::string>& v);
std::string to_json(const ProviderInfo& p);
std::string to_json(const GatewayInfo& g);
std::string to_json(const LogMessage& m);  // one line, no trailing newline

// RFC3339 with optional fraction ("2006-01-02T15:04:05.999999999Z07:00"). Go's zero time
// "0001-01-01T00:00:00Z" is Timestamp{} both ways; other times must fall in system_clock's range.
Result<Timestamp> parse_rfc3339(std::string_view s);
// UTC; nanos=false gives Go's time.RFC3339, true gives RFC3339Nano (trailing zeros trimmed).
std::string format_rfc3339(Timestamp t, bool nanos);

// A function or namespace name as Kubernetes and faasd accept it: a DNS-1123 label
// ([a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters).
Result<void> validate_name(std::string_view what, std::string_view name);

}  // namespace faas::api
