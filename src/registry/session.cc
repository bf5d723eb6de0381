#include "session.h"

#include <nlohmann/json.hpp>

#include "faas/registry/errors.h"

namespace faas::registry::detail {
namespace {

std::string api_host(const std::string& registry) {
  // Docker Hub's name is docker.io; its API answers at registry-1.docker.io.
  return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

Error unauthorized(std::string what) {
  return make_error(make_error_code(Errc::kUnauthorized), std::move(what));
}

}  // namespace

std::error_code code_of_status(long status) {
  if (status == 404) return make_error_code(Errc::kNotFound);
  if (status == 401 || status == 403) return make_error_code(Errc::kUnauthorized);
  return make_error_code(Errc::kUnavailable);
}

std::string describe_answer(const HttpResponse& response) {
  std::string text;
  auto j = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    auto errors = j.find("errors");
    if (errors != j.end() && errors->is_array() && !errors->empty() && (*errors)[0].is_object()) {
      const auto& e = (*errors)[0];
      if (auto m = e.find("message"); m != e.end() && m->is_string()) text = m->get<std::string>();
      if (auto c = e.find("code"); text.empty() && c != e.end() && c->is_string())
        text = c->get<std::string>();
    }
  }
  if (text.empty()) text = "HTTP " + std::to_string(response.status);
  return text + " (" + std::to_string(response.status) + ")";
}

Session::Session(const Reference& ref, bool plain_http, std::optional<Credentials> credentials,
                 std::string credentials_source, std::chrono::steady_clock::time_point deadline)
    : ref_(ref),
      base_(std::string(plain_http ? "http://" : "https://") + api_host(ref.registry) + "/v2/" +
            ref.repository + "/"),
      credentials_(std::move(credentials)),
      credentials_source_(std::move(credentials_source)),
      http_(deadline) {}

Result<HttpResponse> Session::get(const std::string& path, const std::string& accept,
                                  const BodySink& sink, std::size_t max_body) {
  for (int attempt = 0;; ++attempt) {
    HttpRequest request{"GET", base_ + path, {}, {}};
    if (!accept.empty()) request.headers.push_back("Accept: " + accept);
    if (!authorization_.empty()) request.headers.push_back(authorization_);
    auto response = http_.send(request, sink, max_body);
    if (!response || response->status != 401) return response;
    if (attempt > 0) {
      std::string hint =
          credentials_ ? "; the registry refused the credentials from " + credentials_source_
                       : "; no credentials for " + ref_.registry + " in " + credentials_source_;
      return unauthorized(describe_answer(*response) + hint);
    }
    if (auto r = authenticate(*response); !r) return r.error();
  }
}

Result<void> Session::authenticate(const HttpResponse& unauthorized_answer) {
  auto header = unauthorized_answer.header("www-authenticate");
  if (header.empty())
    return unauthorized(describe_answer(unauthorized_answer) + " without WWW-Authenticate");
  auto challenges = parse_www_authenticate(header);
  if (!challenges) return unauthorized(challenges.error().message());
  for (const auto& c : *challenges) {
    if (c.scheme != AuthScheme::kBearer) continue;
    auto token = fetch_token(c);
    if (!token) return token.error();
    authorization_ = "Authorization: Bearer " + *token;
    return {};
  }
  for (const auto& c : *challenges) {
    if (c.scheme != AuthScheme::kBasic) continue;
    if (!credentials_ || credentials_->username.empty()) {
      return unauthorized(describe_answer(unauthorized_answer) +
                          "; the registry wants a user and password, "
                          "and there are none for " +
                          ref_.registry + " in " + credentials_source_);
    }
    authorization_ = "Authorization: " + basic_authorization(*credentials_);
    return {};
  }
  return unauthorized("unsupported authentication scheme: " + header);
}

Result<std::string> Session::fetch_token(const Challenge& challenge) {
  auto realm = challenge.param("realm");
  if (!realm.starts_with("https://") && !realm.starts_with("http://")) {
    return unauthorized("bearer challenge with a bad realm \"" + realm + "\"");
  }
  std::string scope = "repository:" + ref_.repository + ":pull";
  std::string service = challenge.param("service");
  HttpRequest request;
  if (credentials_ && !credentials_->identity_token.empty()) {
    // OAuth2 refresh-token grant, as docker does with an identity token.
    request.method = "POST";
    request.url = realm;
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    request.body = "grant_type=refresh_token&client_id=faaspp&refresh_token=" +
                   url_escape(credentials_->identity_token) + "&service=" + url_escape(service) +
                   "&scope=" + url_escape(scope);
  } else {
    request.url =
        realm + (realm.find('?') == std::string::npos ? "?" : "&") + "scope=" + url_escape(scope);
    if (!service.empty()) request.url += "&service=" + url_escape(service);
    if (credentials_ && !credentials_->username.empty()) {
      request.headers.push_back("Authorization: " + basic_authorization(*credentials_));
    }
  }
  auto response = http_.send(request, {}, 1 << 20);
  if (!response) return response.error();
  if (response->status != 200) {
    return make_error(code_of_status(response->status),
                      "token from " + realm + ": " + describe_answer(*response));
  }
  auto token = parse_token_response(response->body);
  if (!token) return unauthorized("token from " + realm + ": " + token.error().message());
  return token;
}

}  // namespace faas::registry::detail
