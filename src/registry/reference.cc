#include "faas/registry/reference.h"

#include <algorithm>
#include <cctype>

namespace faas::registry {
namespace {

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::size_t kMaxNameLength = 255;  // distribution/reference's NameTotalLengthMax
constexpr std::size_t kMaxTagLength = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error bad(std::string_view text, std::string_view why) {
  return invalid_argument("invalid image reference \"" + std::string(text) +
                          "\": " + std::string(why));
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | "__" | "-"+
bool valid_path_component(std::string_view c) {
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    while (i < c.size() && is_lower_alnum(c[i])) ++i;
    if (i == start) return false;
    if (i == c.size()) return true;
    start = i;
    if (c[i] == '.' || (c[i] == '_' && (i + 1 == c.size() || c[i + 1] != '_'))) {
      ++i;
    } else if (c.substr(i, 2) == "__") {
      i += 2;
    } else {
      while (i < c.size() && c[i] == '-') ++i;
    }
    if (i == start) return false;  // a character that is neither alnum nor separator
  }
}

bool valid_repository(std::string_view path) {
  while (true) {
    auto slash = path.find('/');
    if (!valid_path_component(path.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_domain_component(std::string_view c) {
  if (c.empty() || !is_alnum(c.front()) || !is_alnum(c.back())) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) { return is_alnum(ch) || ch == '-'; });
}

bool valid_ipv6_literal(std::string_view s) {  // inside the brackets
  return s.find(':') != std::string_view::npos && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
         });
}

bool valid_domain(std::string_view d) {
  std::string_view host = d;
  std::string_view port;
  if (d.starts_with('[')) {
    auto close = d.find(']');
    if (close == std::string_view::npos || !valid_ipv6_literal(d.substr(1, close - 1)))
      return false;
    host = {};
    auto rest = d.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (!is_digits(port)) return false;
    }
    return true;
  }
  if (auto colon = d.find(':'); colon != std::string_view::npos) {
    host = d.substr(0, colon);
    port = d.substr(colon + 1);
    if (!is_digits(port)) return false;
  }
  while (true) {
    auto dot = host.find('.');
    if (!valid_domain_component(host.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

// tag := [\w][\w.-]{0,127}
bool valid_tag(std::string_view t) {
  auto word = [](char c) { return is_alnum(c) || c == '_'; };
  if (t.empty() || t.size() > kMaxTagLength || !word(t.front())) return false;
  return std::all_of(t.begin(), t.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

std::string_view check_digest(std::string_view d) {
  auto colon = d.find(':');
  if (colon == std::string_view::npos) return "digest must be <algorithm>:<hex>";
  auto algo = d.substr(0, colon);
  auto hex = d.substr(colon + 1);
  std::size_t want = algo == "sha256" ? 64 : algo == "sha512" ? 128 : 0;
  if (want == 0) return "unsupported digest algorithm (sha256 or sha512)";
  if (hex.size() != want || !std::all_of(hex.begin(), hex.end(), is_lower_hex)) {
    return "digest hex has the wrong length or is not lowercase hex";
  }
  return {};
}

bool is_registry_part(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
         first.starts_with('[');
}

}  // namespace

std::string Reference::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

bool Reference::plain_http() const {
  std::string_view host = registry;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  return is_loopback_host(host);
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8 as a dotted literal only: "127.example.com" is a name anyone can register.
  if (!host.starts_with("127.") || std::count(host.begin(), host.end(), '.') != 3) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    auto end = std::min(host.find('.', start), host.size());
    auto part = host.substr(start, end - start);
    if (part.empty() || part.size() > 3 || !is_digits(part) || std::stoi(std::string(part)) > 255) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

std::string Reference::manifest_ref() const { return digest.empty() ? tag : digest; }

Result<Reference> parse_reference(std::string_view text) {
  if (text.empty()) return bad(text, "empty");
  Reference ref;
  std::string_view name = text;
  if (auto at = name.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(name.substr(at + 1));
    name = name.substr(0, at);
    if (auto why = check_digest(ref.digest); !why.empty()) return bad(text, why);
  }
  auto last_slash = name.rfind('/');
  auto colon = name.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
    if (!valid_tag(ref.tag)) return bad(text, "bad tag \"" + ref.tag + "\"");
  }
  if (name.empty()) return bad(text, "no repository name");
  if (name.size() == 64 && std::all_of(name.begin(), name.end(), is_lower_hex)) {
    return bad(text, "a 64-hex-digit name is an image id, not a repository");
  }

  std::string_view path = name;
  auto slash = name.find('/');
  if (slash != std::string_view::npos && is_registry_part(name.substr(0, slash))) {
    ref.registry = std::string(name.substr(0, slash));
    path = name.substr(slash + 1);
    if (!valid_domain(ref.registry)) return bad(text, "bad registry host \"" + ref.registry + "\"");
  } else {
    ref.registry = std::string(kDockerHub);
  }
  if (ref.registry == "index.docker.io") ref.registry = std::string(kDockerHub);
  if (std::any_of(path.begin(), path.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return bad(text, "repository name must be lowercase");
  }
  if (!valid_repository(path))
    return bad(text, "bad repository name \"" + std::string(path) + "\"");
  ref.repository = std::string(path);
  if (ref.registry == kDockerHub && path.find('/') == std::string_view::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (ref.registry.size() + 1 + ref.repository.size() > kMaxNameLength) {
    return bad(text, "repository name longer than 255 characters");
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace faas::registry
