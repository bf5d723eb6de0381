#include "image_config.h"

#include <nlohmann/json.hpp>

#include "digest.h"

namespace faas::containerd::detail {

namespace {
using nlohmann::json;

Error bad(std::string what) { return make_error(make_error_code(Errc::kBadImage), std::move(what)); }

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

Result<Descriptor> descriptor(const json& j) {
  if (!j.is_object()) return bad("descriptor is not an object");
  Descriptor d{str(j, "mediaType"), str(j, "digest"), 0};
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer()) return bad("descriptor without size");
  d.size = size->get<std::int64_t>();
  if (!valid_sha256_digest(d.digest)) return bad("unsupported digest '" + d.digest + "'");
  return d;
}

Result<json> parse(std::string_view text, const char* what) {
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad(std::string(what) + " is not a JSON object");
  return j;
}
}  // namespace

bool is_index_type(std::string_view t) {
  return t == "application/vnd.oci.image.index.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.list.v2+json";
}

bool is_manifest_type(std::string_view t) {
  return t == "application/vnd.oci.image.manifest.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.v2+json";
}

Result<std::vector<IndexEntry>> parse_index(std::string_view text) {
  auto j = parse(text, "image index");
  if (!j) return j.error();
  auto m = j->find("manifests");
  if (m == j->end() || !m->is_array()) return bad("image index without manifests");
  std::vector<IndexEntry> out;
  for (const auto& e : *m) {
    auto d = descriptor(e);
    if (!d) return d.error();
    IndexEntry entry{*d, {}, {}, {}};
    if (auto p = e.find("platform"); p != e.end() && p->is_object()) {
      entry.os = str(*p, "os");
      entry.architecture = str(*p, "architecture");
    }
    if (auto a = e.find("annotations"); a != e.end() && a->is_object()) {
      entry.ref_name = str(*a, "org.opencontainers.image.ref.name");
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<IndexEntry> select_platform(const std::vector<IndexEntry>& entries) {
  for (const auto& e : entries) {
    if (e.os == "linux" && e.architecture == "amd64") return e;
  }
  for (const auto& e : entries) {
    if (e.os.empty() && e.architecture.empty()) return e;
  }
  return bad("no linux/amd64 manifest in the image index");
}

Result<Manifest> parse_manifest(std::string_view text) {
  auto j = parse(text, "image manifest");
  if (!j) return j.error();
  auto config = j->find("config");
  auto layers = j->find("layers");
  if (config == j->end() || layers == j->end() || !layers->is_array()) {
    return bad("image manifest without config or layers");
  }
  Manifest m;
  auto c = descriptor(*config);
  if (!c) return c.error();
  m.config = *c;
  for (const auto& l : *layers) {
    auto d = descriptor(l);
    if (!d) return d.error();
    m.layers.push_back(*d);
  }
  return m;
}

Result<ImageConfig> parse_image_config(std::string_view text) {
  auto j = parse(text, "image config");
  if (!j) return j.error();
  ImageConfig out;
  if (auto c = j->find("config"); c != j->end() && c->is_object()) {
    out.user = str(*c, "User");
    out.env = strings(*c, "Env");
    out.entrypoint = strings(*c, "Entrypoint");
    out.cmd = strings(*c, "Cmd");
    out.working_dir = str(*c, "WorkingDir");
    if (auto l = c->find("Labels"); l != c->end() && l->is_object()) {
      for (const auto& [k, v] : l->items()) {
        if (v.is_string()) out.labels[k] = v.get<std::string>();
      }
    }
  }
  if (auto r = j->find("rootfs"); r != j->end() && r->is_object()) out.diff_ids = strings(*r, "diff_ids");
  for (const auto& d : out.diff_ids) {
    if (!valid_sha256_digest(d)) return bad("image config: unsupported diff id '" + d + "'");
  }
  return out;
}

}  // namespace faas::containerd::detail
