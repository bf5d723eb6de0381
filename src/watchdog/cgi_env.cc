#include "faas/watchdog/cgi_env.h"

#include <set>

#include "faas/http/url.h"

namespace faas::watchdog {

std::string canonical_header_key(std::string_view key) {
  std::string out(key);
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    upper = c == '-';
  }
  return out;
}

Target split_target(std::string_view target) {
  Target t;
  auto q = target.find('?');
  t.path = http::percent_decode(target.substr(0, q));
  if (q != std::string_view::npos) t.query = std::string(target.substr(q + 1));
  return t;
}

std::vector<std::string> cgi_environment(const Environment& base, const http::RequestHeader& req,
                                         const CgiOptions& options) {
  std::vector<std::string> env = to_envp(base);
  if (!options.cgi_headers) return env;
  std::set<std::string> seen;
  for (const auto& field : req) {
    // Go's server moves these out of Request.Header, so OpenFaaS never exports them as headers.
    auto name = field.name();
    if (name == http::bhttp::field::content_length || name == http::bhttp::field::host ||
        name == http::bhttp::field::transfer_encoding) {
      continue;
    }
    std::string key = canonical_header_key(field.name_string());
    if (!seen.insert(key).second) continue;  // first value only, as OpenFaaS does
    for (char& c : key) {
      if (c == '-') c = '_';
    }
    env.push_back("Http_" + key + "=" + std::string(field.value()));
  }
  env.push_back("Http_Method=" + std::string(req.method_string()));
  auto target = split_target(req.target());
  if (!target.query.empty()) env.push_back("Http_Query=" + target.query);
  if (!target.path.empty()) env.push_back("Http_Path=" + target.path);
  if (auto it = req.find(http::bhttp::field::transfer_encoding); it != req.end()) {
    env.push_back("Http_Transfer_Encoding=" + std::string(it->value()));
  }
  if (options.classic) {
    // Go's Request.ContentLength: -1 when unknown (chunked).
    std::string length = "-1";
    if (auto it = req.find(http::bhttp::field::content_length); it != req.end()) {
      length = std::string(it->value());
    } else if (req.find(http::bhttp::field::transfer_encoding) == req.end()) {
      length = "0";
    }
    env.push_back("Http_ContentLength=" + length);
    env.push_back("Http_Content_Length=" + length);
    if (auto it = req.find(http::bhttp::field::host); it != req.end()) {
      env.push_back("Http_Host=" + std::string(it->value()));
    }
  }
  return env;
}

}  // namespace faas::watchdog
