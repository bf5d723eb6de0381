// Private: requests to one repository of one registry, authenticated on demand. A 401 answer's
// WWW-Authenticate challenge is met once per request: Bearer → a token from the realm (basic
// credentials or an identity token when we have them, anonymous otherwise), Basic → the
// credentials. Not thread-safe; one per pull.
#pragma once

#include <optional>
#include <string>

#include "faas/registry/auth.h"
#include "faas/registry/reference.h"

#include "http.h"

namespace faas::registry::detail {

class Session {
 public:
  // credentials_source names where credentials were looked for, for error messages.
  Session(const Reference& ref, bool plain_http, std::optional<Credentials> credentials,
          std::string credentials_source, std::chrono::steady_clock::time_point deadline);

  // GET <scheme>://<host>/v2/<repository>/<path>. Non-200 answers are returned, not errors, so
  // callers can word them; transport and authentication failures are errors.
  Result<HttpResponse> get(const std::string& path, const std::string& accept,
                           const BodySink& sink = {}, std::size_t max_body = 4 << 20);

 private:
  Result<void> authenticate(const HttpResponse& unauthorized);
  Result<std::string> fetch_token(const Challenge& challenge);

  Reference ref_;
  std::string base_;  // "https://registry-1.docker.io/v2/library/alpine/"
  std::optional<Credentials> credentials_;
  std::string credentials_source_;
  std::string authorization_;  // "Authorization: ..." header line, empty until a 401
  HttpClient http_;
};

// "manifest unknown (404)": the first message of the registry's JSON error answer, else its
// code, else "HTTP <status>".
std::string describe_answer(const HttpResponse& response);

// The Errc an unexpected status means.
std::error_code code_of_status(long status);

}  // namespace faas::registry::detail
