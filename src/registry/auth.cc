#include "faas/registry/auth.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "faas/core/base64.h"

namespace faas::registry {
namespace {

using nlohmann::json;

// docker's ConvertToHostname plus its Docker Hub aliases.
std::string normalize_host(std::string_view key) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (key.starts_with(scheme)) key.remove_prefix(scheme.size());
  }
  key = key.substr(0, key.find('/'));
  if (key == "index.docker.io" || key == "registry-1.docker.io") return "docker.io";
  return std::string(key);
}

std::string string_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::optional<Credentials>> credentials_of(const json& entry, const std::string& key) {
  if (!entry.is_object())
    return invalid_argument("auth config: auths." + key + " is not an object");
  Credentials c{string_field(entry, "username"), string_field(entry, "password"),
                string_field(entry, "identitytoken")};
  if (auto encoded = string_field(entry, "auth"); !encoded.empty()) {
    auto decoded = base64_decode(encoded);
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return invalid_argument("auth config: auths." + key + ".auth is not base64 of user:password");
    }
    c.username = decoded->substr(0, colon);
    c.password = decoded->substr(colon + 1);
  }
  if (c.username.empty() && c.password.empty() && c.identity_token.empty()) return std::nullopt;
  return c;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno_error(errno, "read auth file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A cursor over a WWW-Authenticate value.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  std::size_t pos() const { return i_; }
  void seek(std::size_t i) { i_ = i; }
  void skip_ws() {
    while (!done() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  void skip_ws_and_commas() {
    while (!done() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
  }
  std::string token() {
    std::size_t start = i_;
    while (!done() && is_tchar(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  // After the opening quote; nullopt when the closing quote is missing.
  std::optional<std::string> quoted() {
    std::string out;
    while (!done()) {
      char c = s_[i_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (done()) return std::nullopt;
        c = s_[i_++];
      }
      out += c;
    }
    return std::nullopt;
  }
  // token68 tail: '=' padding.
  std::string equals() {
    std::size_t start = i_;
    while (!done() && s_[i_] == '=') ++i_;
    return std::string(s_.substr(start, i_ - start));
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// True when the cursor is at `name =` (an auth-param), not at the next challenge's scheme.
bool at_param(Scanner& in) {
  auto start = in.pos();
  auto name = in.token();
  in.skip_ws();
  bool param = !name.empty() && in.peek() == '=';
  in.seek(start);
  return param;
}

Result<void> parse_params(Scanner& in, Challenge& c, std::string_view header) {
  auto malformed = [&](std::string_view why) {
    return invalid_argument("malformed WWW-Authenticate \"" + std::string(header) +
                            "\": " + std::string(why));
  };
  while (true) {
    in.skip_ws_and_commas();
    if (in.done() || !at_param(in)) return {};
    auto name = lower(in.token());
    in.skip_ws();
    auto eq = in.equals();
    in.skip_ws();
    if (eq.size() > 1 || in.done() || in.peek() == ',') {
      // token68 ("Negotiate abc==") rather than a param.
      c.params[""] = name + eq;
      continue;
    }
    std::string value;
    if (in.peek() == '"') {
      in.seek(in.pos() + 1);
      auto q = in.quoted();
      if (!q) return malformed("unterminated quoted string");
      value = std::move(*q);
    } else {
      value = in.token();
      if (value.empty()) return malformed("bad value of " + name);
    }
    c.params[name] = std::move(value);
    in.skip_ws();
    if (!in.done() && in.peek() != ',') return malformed("expected ',' after " + name);
  }
}

}  // namespace

Result<std::optional<Credentials>> credentials_from_config(std::string_view config_json,
                                                           std::string_view registry) {
  auto j = json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return invalid_argument("auth config is not a JSON object");
  auto auths = j.find("auths");
  if (auths == j.end()) return std::nullopt;
  if (!auths->is_object()) return invalid_argument("auth config: auths is not an object");
  std::string want = normalize_host(registry);
  // An exact key wins over a normalized match (a file may hold both forms).
  if (auto exact = auths->find(std::string(registry)); exact != auths->end()) {
    return credentials_of(*exact, exact.key());
  }
  for (const auto& [key, entry] : auths->items()) {
    if (normalize_host(key) == want) return credentials_of(entry, key);
  }
  return std::nullopt;
}

std::vector<std::string> auth_file_candidates() {
  std::vector<std::string> out;
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  if (auto v = env("REGISTRY_AUTH_FILE"); !v.empty()) out.push_back(v);
  if (auto v = env("DOCKER_CONFIG"); !v.empty()) out.push_back(v + "/config.json");
  if (auto v = env("HOME"); !v.empty()) out.push_back(v + "/.docker/config.json");
  if (auto v = env("XDG_RUNTIME_DIR"); !v.empty()) out.push_back(v + "/containers/auth.json");
  return out;
}

Result<std::optional<Credentials>> find_credentials(std::string_view registry,
                                                    const std::string& auth_file) {
  std::string path = auth_file;
  if (path.empty()) {
    for (const auto& candidate : auth_file_candidates()) {
      if (std::ifstream(candidate).good()) {
        path = candidate;
        break;
      }
    }
    if (path.empty()) return std::nullopt;
  }
  auto text = read_file(path);
  if (!text) return text.error();
  auto creds = credentials_from_config(*text, registry);
  if (!creds) return invalid_argument(path + ": " + creds.error().message());
  return creds;
}

std::string Challenge::param(const std::string& key) const {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

Result<std::vector<Challenge>> parse_www_authenticate(std::string_view header) {
  Scanner in(header);
  std::vector<Challenge> out;
  while (true) {
    in.skip_ws_and_commas();
    if (in.done()) break;
    Challenge c;
    c.scheme_name = in.token();
    if (c.scheme_name.empty()) {
      return invalid_argument("malformed WWW-Authenticate \"" + std::string(header) +
                              "\": expected an auth scheme");
    }
    auto scheme = lower(c.scheme_name);
    c.scheme = scheme == "bearer"  ? AuthScheme::kBearer
               : scheme == "basic" ? AuthScheme::kBasic
                                   : AuthScheme::kOther;
    if (!in.done() && in.peek() != ' ' && in.peek() != '\t' && in.peek() != ',') {
      return invalid_argument("malformed WWW-Authenticate \"" + std::string(header) +
                              "\": bad auth scheme");
    }
    if (auto r = parse_params(in, c, header); !r) return r.error();
    out.push_back(std::move(c));
  }
  if (out.empty()) return invalid_argument("empty WWW-Authenticate header");
  return out;
}

Result<std::string> parse_token_response(std::string_view answer) {
  auto j = json::parse(answer, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return invalid_argument("token endpoint answer is not a JSON object");
  }
  for (const char* key : {"token", "access_token"}) {
    if (auto v = string_field(j, key); !v.empty()) return v;
  }
  return invalid_argument("token endpoint answer has no token");
}

std::string basic_authorization(const Credentials& credentials) {
  return "Basic " + base64_encode(credentials.username + ":" + credentials.password);
}

}  // namespace faas::registry
