// Registry credentials and challenges: docker-style config.json files (docker, buildah, podman
// write them) and the WWW-Authenticate header of a 401 answer. Pure parsing plus file reads;
// thread-safe. The token exchange itself lives in pull.cc.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faas/core/result.h"

namespace faas::registry {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // an OAuth2 refresh token (docker login with an identity provider)

  friend bool operator==(const Credentials&, const Credentials&) = default;
};

// The credentials for `registry` (as in Reference::registry, e.g. "docker.io",
// "127.0.0.1:5000") in the text of a config.json: `auths.<key>` with `auth` (base64
// "user:pass"), or `username`/`password`, and/or `identitytoken`. Keys are matched after
// docker's normalization: scheme and path dropped, "index.docker.io" and
// "registry-1.docker.io" mean "docker.io" (so "https://index.docker.io/v1/" is Docker Hub).
// nullopt when the file names no credentials for the host; an error when the JSON or an
// `auth` value is malformed. Credential helpers (credsStore/credHelpers) are not run.
Result<std::optional<Credentials>> credentials_from_config(std::string_view config_json,
                                                           std::string_view registry);

// Where credentials are looked for, first existing file wins: $REGISTRY_AUTH_FILE,
// $DOCKER_CONFIG/config.json, $HOME/.docker/config.json,
// $XDG_RUNTIME_DIR/containers/auth.json. Unset variables are skipped.
std::vector<std::string> auth_file_candidates();

// Reads auth_file (or, when it is empty, the first candidate that exists) and looks registry
// up. nullopt when there is no file or no entry; an error when the file named explicitly
// cannot be read or any file read is malformed.
Result<std::optional<Credentials>> find_credentials(std::string_view registry,
                                                    const std::string& auth_file);

enum class AuthScheme { kBasic, kBearer, kOther };

struct Challenge {
  AuthScheme scheme = AuthScheme::kOther;
  std::string scheme_name;                    // as sent, e.g. "Bearer"
  std::map<std::string, std::string> params;  // keys lowercased: realm, service, scope, error...

  std::string param(const std::string& key) const;
};

// Every challenge in a WWW-Authenticate value (RFC 9110 §11.6.1: comma-separated challenges,
// auth-params with token or quoted-string values, backslash escapes). Errors on malformed text.
Result<std::vector<Challenge>> parse_www_authenticate(std::string_view header);

// The token in a token endpoint's JSON answer: "token", else "access_token" (OAuth2 form).
Result<std::string> parse_token_response(std::string_view answer);

// "Basic <base64(user:pass)>".
std::string basic_authorization(const Credentials& credentials);

}  // namespace faas::registry
