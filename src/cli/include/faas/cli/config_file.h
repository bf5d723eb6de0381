// ~/.openfaas/config.yml: the credentials faas-cli login saves per gateway, in faas-cli's format
//   auths:
//   - gateway: http://127.0.0.1:8080
//     auth: basic            # or oauth2
//     token: YWRtaW46c2VjcmV0  # basic: base64(user:password)
// The file is written with mode 0600 in a 0700 directory, as faas-cli does.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

inline constexpr const char* kBasicAuth = "basic";
inline constexpr const char* kOauth2Auth = "oauth2";

struct AuthOption {
  std::string name;
  std::string value;
  bool operator==(const AuthOption&) const = default;
};

struct AuthConfig {
  std::string gateway;
  std::string auth;  // kBasicAuth or kOauth2Auth
  std::string token;
  std::vector<AuthOption> options;
  bool operator==(const AuthConfig&) const = default;
};

struct ConfigFile {
  std::vector<AuthConfig> auths;
  bool operator==(const ConfigFile&) const = default;
};

// The config file path: $OPENFAAS_CONFIG/config.yml when set; ./.openfaas/config.yml when
// CI is "true" or "1"; else $HOME/.openfaas/config.yml.
std::filesystem::path config_path(const Environment& env);

// A missing file reads as an empty config.
Result<ConfigFile> read_config(const std::filesystem::path& file);
// Creates the directory (0700) and writes the file (0600), replacing it atomically.
Result<void> write_config(const std::filesystem::path& file, const ConfigFile& config);

// Adds or replaces the entry for `auth.gateway`.
void upsert_auth(ConfigFile& config, AuthConfig auth);
// Removes the entry for `gateway`; false when there was none.
bool remove_auth(ConfigFile& config, std::string_view gateway);
std::optional<AuthConfig> find_auth(const ConfigFile& config, std::string_view gateway);

// The Authorization header value for an entry: "Basic <token>" or "Bearer <token>".
std::string authorization_header(const AuthConfig& auth);

}  // namespace faas::cli
