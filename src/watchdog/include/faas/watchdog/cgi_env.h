// The CGI-style environment a forked function sees: the watchdog's own environment plus the request
// as Http_* variables, with OpenFaaS's exact names (Go's canonical header form, '-' -> '_').
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/core/env.h"
#include "faas/http/types.h"

namespace faas::watchdog {

// "content-type" -> "Content-Type", "x-call-id" -> "X-Call-Id" (Go's CanonicalMIMEHeaderKey).
std::string canonical_header_key(std::string_view key);

struct CgiOptions {
  bool classic = false;      // classic adds Http_ContentLength, Http_Content_Length, Http_Host
  bool cgi_headers = true;   // classic cgi_headers=false: only the watchdog's env
};

// Builds the child's envp. Header variables take the first value of a repeated header.
std::vector<std::string> cgi_environment(const Environment& base, const http::RequestHeader& req,
                                         const CgiOptions& options);

// Splits a request target into its (percent-decoded) path and raw query.
struct Target {
  std::string path;
  std::string query;
};
Target split_target(std::string_view target);

}  // namespace faas::watchdog
