// The registry client's parsers on arbitrary bytes: image references, WWW-Authenticate,
// auth config files, token answers, and the manifest/index documents a registry serves.
// Invariants: errors carry text; a parsed reference normalizes to a fixed point; every
// descriptor that parses has a path-safe sha256 digest and a non-negative size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "faas/registry/auth.h"
#include "faas/registry/reference.h"

#include "manifest.h"

namespace {

void check_reference(std::string_view text) {
  auto ref = faas::registry::parse_reference(text);
  if (!ref) {
    if (ref.error().message().empty()) std::abort();
    return;
  }
  if (ref->registry.empty() || ref->repository.empty() || (ref->tag.empty() && ref->digest.empty()))
    std::abort();
  auto again = faas::registry::parse_reference(ref->str());
  if (!again || !(*again == *ref)) std::abort();
}

void check_documents(std::string_view text) {
  using namespace faas::registry::detail;
  if (auto kind = classify("", text); !kind && kind.error().message().empty()) std::abort();
  if (auto entries = parse_index(text)) {
    for (const auto& e : *entries) {
      if (!valid_sha256_digest(e.descriptor.digest) || e.descriptor.size < 0) std::abort();
    }
    (void)select_platform(*entries, Platform{"linux", "amd64", ""});
    (void)select_platform(*entries, Platform{"linux", "arm64", "v8"});
  }
  if (auto m = parse_manifest(text)) {
    if (!valid_sha256_digest(m->config.digest)) std::abort();
    for (const auto& l : m->layers) {
      if (!valid_sha256_digest(l.digest) || l.size < 0) std::abort();
    }
  }
  (void)parse_platform(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_reference(text);
  if (auto c = faas::registry::parse_www_authenticate(text)) {
    if (c->empty()) std::abort();
  } else if (c.error().message().empty()) {
    std::abort();
  }
  (void)faas::registry::credentials_from_config(text, "docker.io");
  (void)faas::registry::credentials_from_config(text, "127.0.0.1:5000");
  (void)faas::registry::parse_token_response(text);
  check_documents(text);
  return 0;
}
