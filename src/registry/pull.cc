// pull_oci_archive: manifest (through an index when there is one), then config and layers
// streamed into the archive with their digests checked on the way.
#include "faas/registry/pull.h"

#include <set>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "faas/registry/auth.h"

#include "manifest.h"
#include "session.h"
#include "sha256.h"
#include "tar_writer.h"

namespace faas::registry {
namespace {

using detail::Descriptor;

constexpr std::size_t kMaxManifest = 4 << 20;
constexpr std::int64_t kProgressStep = 1 << 20;

Error bad_image(std::string what) {
  return make_error(make_error_code(Errc::kBadImage), std::move(what));
}

std::string blob_path(const std::string& digest) { return "blobs/sha256/" + digest.substr(7); }

// Removes the partial archive unless the pull succeeded.
class PartialFile {
 public:
  explicit PartialFile(std::string path) : path_(std::move(path)) {}
  ~PartialFile() {
    if (!kept_) ::unlink(path_.c_str());
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  const std::string& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  std::string path_;
  bool kept_ = false;
};

struct Document {
  std::string body;
  std::string media_type;
  std::string digest;
  detail::DocumentKind kind = detail::DocumentKind::kManifest;
};

class Puller {
 public:
  Puller(const Reference& ref, const PullOptions& options, detail::Session& session)
      : ref_(ref), options_(options), session_(session) {}

  // The manifest (or index) named by ref_, checked against the digest we expect.
  Result<Document> fetch_document(const std::string& name, const std::string& expected_digest,
                                  std::int64_t expected_size) {
    auto response = session_.get("manifests/" + name, detail::manifest_accept(), {}, kMaxManifest);
    if (!response) return response.error();
    if (response->status != 200) {
      return make_error(detail::code_of_status(response->status),
                        detail::describe_answer(*response));
    }
    Document doc;
    doc.body = std::move(response->body);
    doc.digest = detail::sha256_digest(doc.body);
    auto served = response->header("docker-content-digest");
    if (!expected_digest.empty() && doc.digest != expected_digest) {
      return bad_image("manifest " + expected_digest + ": digest mismatch (got " + doc.digest +
                       ")");
    }
    if (served.starts_with("sha256:") && served != doc.digest) {
      return bad_image("manifest " + name + ": digest mismatch (Docker-Content-Digest " + served +
                       ", got " + doc.digest + ")");
    }
    if (expected_size >= 0 && static_cast<std::int64_t>(doc.body.size()) != expected_size) {
      return bad_image("manifest " + name + ": size " + std::to_string(doc.body.size()) +
                       ", expected " + std::to_string(expected_size));
    }
    auto content_type = response->header("content-type");
    auto kind = detail::classify(content_type, doc.body);
    if (!kind) return bad_image("manifest " + name + ": " + kind.error().message());
    doc.kind = *kind;
    doc.media_type = detail::media_type_of(content_type, doc.body);
    return doc;
  }

  // The platform's image manifest, through the index when ref_ names one.
  Result<Document> resolve_manifest() {
    report("manifest", 0, 0);
    auto top = fetch_document(ref_.manifest_ref(), ref_.digest, -1);
    if (!top) return top.error();
    if (top->kind == detail::DocumentKind::kManifest) return top;
    auto entries = detail::parse_index(top->body);
    if (!entries) return bad_image(entries.error().message());
    auto platform = detail::parse_platform(options_.platform);
    if (!platform) return platform.error();
    auto chosen = detail::select_platform(*entries, *platform);
    if (!chosen) return make_error(make_error_code(Errc::kNotFound), chosen.error().message());
    auto manifest = fetch_document(chosen->digest, chosen->digest, chosen->size);
    if (!manifest) return manifest.error();
    if (manifest->kind != detail::DocumentKind::kManifest) {
      return bad_image("index entry " + chosen->digest + " is not an image manifest");
    }
    return manifest;
  }

  // Streams one blob into the archive, hashing and counting on the way.
  Result<void> fetch_blob(detail::TarWriter& tar, const Descriptor& d, const std::string& what) {
    if (auto r = tar.begin_file(blob_path(d.digest), static_cast<std::uint64_t>(d.size)); !r)
      return r;
    detail::Sha256 hash;
    std::int64_t done = 0;
    std::int64_t next_report = kProgressStep;
    report(what, 0, d.size);
    auto sink = [&](std::string_view chunk) -> Result<void> {
      if (done + static_cast<std::int64_t>(chunk.size()) > d.size) {
        return bad_image("blob " + d.digest + ": more than the manifest's size " +
                         std::to_string(d.size));
      }
      done += static_cast<std::int64_t>(chunk.size());
      hash.update(chunk);
      if (done >= next_report) {
        report(what, done, d.size);
        next_report = done + kProgressStep;
      }
      return tar.write(chunk);
    };
    auto response = session_.get("blobs/" + d.digest, "", sink);
    if (!response) return response.error();
    if (response->status != 200) {
      return make_error(detail::code_of_status(response->status),
                        "blob " + d.digest + ": " + detail::describe_answer(*response));
    }
    if (done != d.size) {
      return bad_image("blob " + d.digest + ": " + std::to_string(done) +
                       " bytes, the manifest says " + std::to_string(d.size));
    }
    if (auto got = hash.digest(); got != d.digest) {
      return bad_image("blob " + d.digest + ": digest mismatch (got " + got + ")");
    }
    bytes_ += done;
    report(what, done, d.size);
    return tar.end_file();
  }

  Result<PullResult> run(const std::string& out_path) {
    auto manifest_doc = resolve_manifest();
    if (!manifest_doc) return manifest_doc.error();
    auto manifest = detail::parse_manifest(manifest_doc->body);
    if (!manifest) return bad_image(manifest.error().message());

    PartialFile partial(out_path + ".partial");
    auto tar = detail::TarWriter::create(partial.path());
    if (!tar) return tar.error();
    if (auto r = write_layout_start(*tar); !r) return r.error();
    if (auto r = fetch_blob(*tar, manifest->config, "config " + manifest->config.digest); !r)
      return r.error();
    std::set<std::string> written{manifest->config.digest};
    for (std::size_t i = 0; i < manifest->layers.size(); ++i) {
      const auto& layer = manifest->layers[i];
      if (!written.insert(layer.digest).second) continue;  // the same layer twice: one blob
      auto what = "layer " + std::to_string(i + 1) + "/" + std::to_string(manifest->layers.size()) +
                  " " + layer.digest;
      if (auto r = fetch_blob(*tar, layer, what); !r) return r.error();
    }
    if (written.insert(manifest_doc->digest).second) {
      if (auto r = tar->add_file(blob_path(manifest_doc->digest), manifest_doc->body); !r)
        return r.error();
    }
    bytes_ += static_cast<std::int64_t>(manifest_doc->body.size());
    if (auto r = tar->add_file("index.json", index_json(*manifest_doc)); !r) return r.error();
    if (auto r = tar->finish(); !r) return r.error();
    if (::rename(partial.path().c_str(), out_path.c_str()) != 0) {
      return errno_error(errno, "rename " + partial.path() + " to " + out_path);
    }
    partial.keep();
    return PullResult{ref_.str(), manifest_doc->digest, bytes_};
  }

 private:
  static Result<void> write_layout_start(detail::TarWriter& tar) {
    if (auto r = tar.add_file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"); !r) return r;
    if (auto r = tar.add_directory("blobs"); !r) return r;
    return tar.add_directory("blobs/sha256");
  }

  std::string index_json(const Document& manifest) const {
    nlohmann::json d = {{"mediaType", manifest.media_type},
                        {"digest", manifest.digest},
                        {"size", manifest.body.size()},
                        {"annotations",
                         {{"org.opencontainers.image.ref.name", ref_.str()},
                          {"io.containerd.image.name", ref_.str()}}}};
    nlohmann::json index = {{"schemaVersion", 2},
                            {"mediaType", detail::kOciIndex},
                            {"manifests", nlohmann::json::array({d})}};
    return index.dump();
  }

  void report(const std::string& what, std::int64_t done, std::int64_t total) {
    if (options_.progress) options_.progress(PullProgress{what, done, total});
  }

  const Reference& ref_;
  const PullOptions& options_;
  detail::Session& session_;
  std::int64_t bytes_ = 0;
};

std::string searched_files(const PullOptions& options) {
  if (!options.auth_file.empty()) return options.auth_file;
  std::string out;
  for (const auto& f : auth_file_candidates()) out += (out.empty() ? "" : ", ") + f;
  return out.empty() ? "no auth file" : out;
}

}  // namespace

Result<PullResult> pull_oci_archive(const Reference& ref, const std::string& out_path,
                                    const PullOptions& options) {
  auto fail = [&](const Error& e) { return Error{e.code, "pull " + ref.str() + ": " + e.context}; };
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  if (auto platform = detail::parse_platform(options.platform); !platform)
    return fail(platform.error());
  auto credentials = find_credentials(ref.registry, options.auth_file);
  if (!credentials) return fail(credentials.error());
  detail::Session session(ref, ref.plain_http() || options.insecure, *credentials,
                          searched_files(options), deadline);
  Puller puller(ref, options, session);
  auto result = puller.run(out_path);
  if (!result) return fail(result.error());
  return result;
}

}  // namespace faas::registry
