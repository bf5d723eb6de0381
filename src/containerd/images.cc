// Images: OCI archive import, resolving image records, unpacking (blocking work on the pool).
#include <map>

#include "content_io.h"
#include "digest.h"
#include "faas/containerd/client.h"
#include "image_config.h"
#include "rpc.h"
#include "tar_reader.h"

namespace faas::containerd {

namespace images_api = ::containerd::services::images::v1;
using detail::CallOptions;
using detail::Core;

namespace {
constexpr std::size_t kSmallBlob = 4 << 20;  // index, manifest and config documents

Error bad_image(std::string what) { return make_error(make_error_code(Errc::kBadImage), std::move(what)); }

// Blob text by digest: from what the archive held in memory, else from the content store.
using BlobLookup = std::function<Result<std::string>(const std::string& digest)>;

// Follows target (an index or a manifest) to the linux/amd64 manifest and its config.
Result<Image> resolve(const std::string& name, const Descriptor& target, const BlobLookup& blob) {
  Image image{name, target, target, {}, {}, {}, {}};
  if (detail::is_index_type(target.media_type)) {
    auto text = blob(target.digest);
    if (!text) return text.error();
    auto entries = detail::parse_index(*text);
    if (!entries) return entries.error();
    auto entry = detail::select_platform(*entries);
    if (!entry) return entry.error();
    image.manifest = entry->descriptor;
  }
  if (!detail::is_manifest_type(image.manifest.media_type)) {
    return bad_image("image " + name + ": unsupported media type " + image.manifest.media_type);
  }
  auto text = blob(image.manifest.digest);
  if (!text) return text.error();
  auto manifest = detail::parse_manifest(*text);
  if (!manifest) return manifest.error();
  image.config_descriptor = manifest->config;
  image.layers = manifest->layers;
  auto config_text = blob(manifest->config.digest);
  if (!config_text) return config_text.error();
  auto config = detail::parse_image_config(*config_text);
  if (!config) return config.error();
  image.config = std::move(*config);
  auto chain = detail::chain_ids(image.config.diff_ids);
  if (chain.empty() || chain.size() != image.layers.size()) {
    return bad_image("image " + name + ": layers and rootfs.diff_ids differ in number");
  }
  image.chain_id = chain.back();
  return image;
}

// The labels that make containerd's garbage collector keep what the image needs.
Result<void> label_for_gc(Core& core, const CallOptions& call, const Image& image) {
  if (image.target.digest != image.manifest.digest) {
    auto r = detail::label_blob(core, call, image.target.digest,
                                {{"containerd.io/gc.ref.content.m.0", image.manifest.digest}});
    if (!r) return r;
  }
  Labels manifest_labels{{"containerd.io/gc.ref.content.config", image.config_descriptor.digest}};
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    manifest_labels["containerd.io/gc.ref.content.l." + std::to_string(i)] = image.layers[i].digest;
  }
  if (auto r = detail::label_blob(core, call, image.manifest.digest, manifest_labels); !r) return r;
  return detail::label_blob(core, call, image.config_descriptor.digest,
                            {{"containerd.io/gc.ref.snapshot." + core.options.snapshotter, image.chain_id}});
}

Result<void> put_image_record(Core& core, const CallOptions& call, const std::string& name,
                              const Descriptor& target) {
  images_api::CreateImageRequest req;
  req.mutable_image()->set_name(name);
  detail::to_proto(target, req.mutable_image()->mutable_target());
  {
    grpc::ClientContext ctx;
    detail::prepare_context(ctx, call);
    images_api::CreateImageResponse resp;
    auto status = core.images->Create(&ctx, req, &resp);
    if (status.ok()) return {};
    if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return detail::to_error(status, "create image " + name);
    }
  }
  grpc::ClientContext ctx;
  detail::prepare_context(ctx, call);
  images_api::UpdateImageRequest update;
  *update.mutable_image() = req.image();
  update.mutable_update_mask()->add_paths("target");
  images_api::UpdateImageResponse resp;
  auto status = core.images->Update(&ctx, update, &resp);
  if (!status.ok()) return detail::to_error(status, "update image " + name);
  return {};
}

// Writes every blob of the archive, keeping the small ones in memory; returns index.json's text.
Result<std::string> write_archive_blobs(Core& core, const CallOptions& call, const std::string& path,
                                        std::map<std::string, std::string>& small) {
  auto tar = detail::TarReader::open(path);
  if (!tar) return tar.error();
  std::optional<std::string> index;
  for (;;) {
    auto entry = tar->next();
    if (!entry) return entry.error();
    if (!*entry) break;
    const auto& e = **entry;
    if (!e.regular()) continue;
    if (e.path == "index.json") {
      auto text = tar->read_all(kSmallBlob);
      if (!text) return text.error();
      index = std::move(*text);
      continue;
    }
    if (!e.path.starts_with("blobs/sha256/")) continue;
    std::string digest = "sha256:" + e.path.substr(13);
    if (!detail::valid_sha256_digest(digest)) return bad_image("archive " + path + ": bad blob " + e.path);
    auto size = static_cast<std::int64_t>(e.size);
    if (e.size <= kSmallBlob) {
      auto text = tar->read_all(kSmallBlob);
      if (!text) return text.error();
      std::size_t pos = 0;
      auto from_memory = [&](char* buf, std::size_t n) -> Result<std::size_t> {
        n = std::min(n, text->size() - pos);
        std::copy_n(text->data() + pos, n, buf);
        pos += n;
        return n;
      };
      if (auto r = detail::write_blob(core, call, digest, size, from_memory); !r) return r.error();
      small[digest] = std::move(*text);
    } else {
      auto from_tar = [&](char* buf, std::size_t n) { return tar->read(buf, n); };
      if (auto r = detail::write_blob(core, call, digest, size, from_tar); !r) return r.error();
    }
  }
  if (!index) return bad_image("archive " + path + ": no index.json (not an OCI image layout)");
  return *index;
}

Result<Image> import_archive(Core& core, const CallOptions& call, const std::string& path,
                             const ImportOptions& options) {
  std::map<std::string, std::string> small;
  auto index_text = write_archive_blobs(core, call, path, small);
  if (!index_text) return index_text.error();
  auto entries = detail::parse_index(*index_text);
  if (!entries) return entries.error();
  auto top = detail::select_platform(*entries);
  if (!top) return top.error();
  std::string name = options.image_name.empty() ? top->ref_name : options.image_name;
  if (name.empty()) return bad_image("archive " + path + ": no image name given or annotated");
  auto lookup = [&](const std::string& digest) -> Result<std::string> {
    auto it = small.find(digest);
    if (it == small.end()) return bad_image("archive " + path + ": blob " + digest + " missing");
    return it->second;
  };
  auto image = resolve(name, top->descriptor, lookup);
  if (!image) return image.error();
  if (auto r = label_for_gc(core, call, *image); !r) return r.error();
  if (auto r = put_image_record(core, call, name, image->target); !r) return r.error();
  if (options.unpack) {
    auto chain = detail::unpack_layers(core, call, *image);
    if (!chain) return chain.error();
  }
  return image;
}

Result<Image> lookup_image(Core& core, const CallOptions& call, const std::string& name) {
  grpc::ClientContext ctx;
  detail::prepare_context(ctx, call);
  images_api::GetImageRequest req;
  req.set_name(name);
  images_api::GetImageResponse resp;
  auto status = core.images->Get(&ctx, req, &resp);
  if (!status.ok()) return detail::to_error(status, "get image " + name);
  auto lookup = [&](const std::string& digest) {
    return detail::read_blob(core, call, digest, kSmallBlob);
  };
  return resolve(name, detail::from_proto(resp.image().target()), lookup);
}
}  // namespace

Async<Image> Client::import_oci_archive(std::string archive_path, ImportOptions options) {
  auto core = core_;
  CallOptions call{ns_, {}, core_->options.call_timeout};
  // The awaitable is made in its own statement: GCC 12 mis-destroys temporaries that live in a
  // co_await full-expression (bad free under ASan).
  auto op = detail::blocking<Image>(core, [core, call, archive_path, options]() mutable
                                                 -> Result<Image> {
    auto lease = detail::create_lease(*core, call);
    if (!lease) return lease.error();
    call.lease = *lease;
    auto image = import_archive(*core, call, archive_path, options);
    detail::delete_lease(*core, call, *lease);
    return image;
  });
  co_return co_await std::move(op);
}

Async<Image> Client::get_image(std::string name) {
  auto core = core_;
  CallOptions call{ns_, {}, core_->options.call_timeout};
  auto op = detail::blocking<Image>(
      core, [core, call, name]() { return lookup_image(*core, call, name); });
  co_return co_await std::move(op);
}

Async<std::string> Client::unpack(Image image) {
  auto core = core_;
  CallOptions call{ns_, {}, core_->options.call_timeout};
  auto op = detail::blocking<std::string>(core, [core, call, image]() mutable
                                                       -> Result<std::string> {
    auto lease = detail::create_lease(*core, call);
    if (!lease) return lease.error();
    call.lease = *lease;
    auto chain = detail::unpack_layers(*core, call, image);
    detail::delete_lease(*core, call, *lease);
    return chain;
  });
  co_return co_await std::move(op);
}

Async<std::vector<std::string>> Client::list_images() {
  auto* stub = core_->images.get();
  auto op = detail::unary<images_api::ListImagesResponse>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, images_api::ListImagesRequest{},
      [stub](auto... a) { stub->async()->List(a...); }, "list images");
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  std::vector<std::string> out;
  for (const auto& i : r->images()) out.push_back(i.name());
  co_return out;
}

Async<void> Client::delete_image(std::string name) {
  images_api::DeleteImageRequest req;
  req.set_name(name);
  auto* stub = core_->images.get();
  auto op = detail::unary<google::protobuf::Empty>(
      core_, CallOptions{ns_, {}, core_->options.call_timeout}, std::move(req),
      [stub](auto... a) { stub->async()->Delete(a...); }, "delete image " + name);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return Result<void>();
}

}  // namespace faas::containerd
