#include "manifest.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace faas::registry::detail {
namespace {

using nlohmann::json;

Error bad(std::string what) { return invalid_argument(std::move(what)); }

std::string string_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json parse_object(std::string_view body) {
  auto j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : json();
}

Result<Descriptor> descriptor(const json& j, std::string_view where) {
  if (!j.is_object()) return bad(std::string(where) + ": descriptor is not an object");
  Descriptor d{string_field(j, "mediaType"), string_field(j, "digest"), 0};
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer() || size->get<std::int64_t>() < 0) {
    return bad(std::string(where) + ": descriptor without a valid size");
  }
  d.size = size->get<std::int64_t>();
  if (!valid_sha256_digest(d.digest)) {
    return bad(std::string(where) + ": unsupported digest \"" + d.digest + "\" (sha256 only)");
  }
  return d;
}

// Content-Type without parameters ("...; charset=utf-8").
std::string_view bare_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return content_type;
}

}  // namespace

std::string manifest_accept() {
  return std::string(kOciIndex) + ", " + std::string(kOciManifest) + ", " +
         std::string(kDockerList) + ", " + std::string(kDockerManifest);
}

Result<Platform> parse_platform(std::string_view text) {
  Platform p;
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return bad("bad platform \"" + std::string(text) + "\" (want os/arch[/variant])");
  p.os = std::string(text.substr(0, slash));
  auto rest = text.substr(slash + 1);
  auto second = rest.find('/');
  p.architecture = std::string(rest.substr(0, second));
  if (second != std::string_view::npos) p.variant = std::string(rest.substr(second + 1));
  auto ok = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
  };
  if (!ok(p.os) || !ok(p.architecture) || (second != std::string_view::npos && !ok(p.variant))) {
    return bad("bad platform \"" + std::string(text) + "\" (want os/arch[/variant])");
  }
  return p;
}

std::string media_type_of(std::string_view content_type, std::string_view body) {
  auto j = parse_object(body);
  if (auto t = j.is_object() ? string_field(j, "mediaType") : std::string(); !t.empty()) return t;
  return std::string(bare_type(content_type));
}

Result<DocumentKind> classify(std::string_view content_type, std::string_view body) {
  auto j = parse_object(body);
  if (!j.is_object()) return bad("manifest is not a JSON object");
  auto schema = j.find("schemaVersion");
  if (schema != j.end() && *schema == 1) {
    return bad(
        "schema 1 manifest (docker's deprecated format) is not supported; push the image "
        "again with a current docker, buildah or skopeo");
  }
  std::string type = media_type_of(content_type, body);
  if (type == kOciIndex || type == kDockerList) return DocumentKind::kIndex;
  if (type == kOciManifest || type == kDockerManifest) return DocumentKind::kManifest;
  if (type.starts_with("application/vnd.docker.distribution.manifest.v1")) {
    return bad("schema 1 manifest (docker's deprecated format) is not supported");
  }
  // An OCI document may omit mediaType and arrive as application/json: decide by its shape.
  if (j.contains("manifests")) return DocumentKind::kIndex;
  if (j.contains("config") && j.contains("layers")) return DocumentKind::kManifest;
  return bad("unsupported manifest media type \"" + type + "\"");
}

Result<std::vector<IndexEntry>> parse_index(std::string_view body) {
  auto j = parse_object(body);
  if (!j.is_object()) return bad("image index is not a JSON object");
  auto m = j.find("manifests");
  if (m == j.end() || !m->is_array()) return bad("image index without manifests");
  std::vector<IndexEntry> out;
  for (const auto& e : *m) {
    auto d = descriptor(e, "image index");
    if (!d) return d.error();
    IndexEntry entry{*d, {}};
    if (auto p = e.find("platform"); p != e.end() && p->is_object()) {
      entry.platform = {string_field(*p, "os"), string_field(*p, "architecture"),
                        string_field(*p, "variant")};
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<Descriptor> select_platform(const std::vector<IndexEntry>& entries, const Platform& want) {
  auto variant = [&](const Platform& p) {
    return p.variant.empty() && p.architecture == "arm64" ? std::string("v8") : p.variant;
  };
  const Descriptor* fallback = nullptr;
  for (const auto& e : entries) {
    const auto& p = e.platform;
    if (p.os != want.os || p.architecture != want.architecture) continue;
    if (!want.variant.empty()) {
      if (variant(p) == variant(want)) return e.descriptor;
      continue;
    }
    if (p.variant.empty()) return e.descriptor;
    if (fallback == nullptr) fallback = &e.descriptor;
  }
  if (fallback != nullptr) return *fallback;
  std::string have;
  for (const auto& e : entries) {
    if (e.platform.os.empty()) continue;
    have += (have.empty() ? "" : ", ") + e.platform.os + "/" + e.platform.architecture +
            (e.platform.variant.empty() ? "" : "/" + e.platform.variant);
  }
  std::string asked =
      want.os + "/" + want.architecture + (want.variant.empty() ? "" : "/" + want.variant);
  return bad("no " + asked +
             " manifest in the image index (it has: " + (have.empty() ? "none" : have) + ")");
}

Result<ImageManifest> parse_manifest(std::string_view body) {
  auto j = parse_object(body);
  if (!j.is_object()) return bad("image manifest is not a JSON object");
  auto config = j.find("config");
  auto layers = j.find("layers");
  if (config == j.end() || layers == j.end() || !layers->is_array()) {
    return bad("image manifest without config or layers");
  }
  ImageManifest m;
  auto c = descriptor(*config, "image manifest config");
  if (!c) return c.error();
  m.config = *c;
  for (const auto& l : *layers) {
    auto d = descriptor(l, "image manifest layer");
    if (!d) return d.error();
    m.layers.push_back(*d);
  }
  return m;
}

bool valid_sha256_digest(std::string_view digest) {
  if (digest.size() != 71 || !digest.starts_with("sha256:")) return false;
  return std::all_of(digest.begin() + 7, digest.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace faas::registry::detail
