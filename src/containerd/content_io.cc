#include "content_io.h"

#include <ctime>
#include <random>
#include <vector>

#include "digest.h"

namespace faas::containerd::detail {

namespace content = ::containerd::services::content::v1;
namespace snap = ::containerd::services::snapshots::v1;
namespace diffapi = ::containerd::services::diff::v1;
namespace leases = ::containerd::services::leases::v1;

namespace {
constexpr std::size_t kChunk = 1 << 20;  // well under containerd's 16 MiB message limit

// The writer is open once containerd answers our first message; it verifies size and digest at
// commit. Each message gets a response, so we go in lockstep. Returns true once containerd has
// answered the COMMIT (it answers only after a successful commit).
Result<bool> stream_blob(grpc::ClientReaderWriter<content::WriteContentRequest,
                                                  content::WriteContentResponse>& stream,
                         const std::string& digest, std::int64_t size, const ByteSource& source,
                         const std::string& ref) {
  std::string buf(kChunk, '\0');
  std::int64_t offset = 0;
  for (;;) {
    auto n = source(buf.data(), buf.size());
    if (!n) return n.error();
    content::WriteContentRequest req;
    req.set_ref(ref);
    req.set_total(size);
    req.set_expected(digest);
    req.set_offset(offset);
    req.set_data(buf.data(), *n);
    offset += static_cast<std::int64_t>(*n);
    bool last = *n == 0 || offset >= size;
    req.set_action(last ? content::COMMIT : content::WRITE);
    content::WriteContentResponse resp;
    if (!stream.Write(req) || !stream.Read(&resp)) return false;  // Finish() has the reason
    if (last) return true;
  }
}
}  // namespace

Result<void> write_blob(Core& core, const CallOptions& call, const std::string& digest,
                        std::int64_t size, const ByteSource& source) {
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  auto stream = core.content->Write(&ctx);
  auto committed = stream_blob(*stream, digest, size, source, "faas-import-" + digest);
  if (committed && *committed) {
    // containerd ends the stream after answering the commit, but with gRPC 1.51 Finish() does
    // not see that end (it waits out the deadline). The answer is the proof; end the call here.
    ctx.TryCancel();
    (void)stream->Finish();
    return {};
  }
  auto status = stream->Finish();
  if (!committed) return committed.error();
  if (status.ok() || status.error_code() == grpc::StatusCode::ALREADY_EXISTS) return {};
  return to_error(status, "write blob " + digest);
}

Result<std::string> read_blob(Core& core, const CallOptions& call, const std::string& digest,
                              std::size_t limit) {
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  content::ReadContentRequest req;
  req.set_digest(digest);
  auto reader = core.content->Read(&ctx, req);
  std::string out;
  content::ReadContentResponse resp;
  while (reader->Read(&resp)) {
    out += resp.data();
    if (out.size() > limit) {
      ctx.TryCancel();
      reader->Finish();
      return make_error(make_error_code(Errc::kBadImage), "blob " + digest + " is too large");
    }
  }
  auto status = reader->Finish();
  if (!status.ok()) return to_error(status, "read blob " + digest);
  return out;
}

Result<void> label_blob(Core& core, const CallOptions& call, const std::string& digest,
                        const Labels& labels) {
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  content::UpdateRequest req;
  req.mutable_info()->set_digest(digest);
  set_labels(req.mutable_info()->mutable_labels(), labels);
  for (const auto& [k, v] : labels) req.mutable_update_mask()->add_paths("labels." + k);
  content::UpdateResponse resp;
  auto status = core.content->Update(&ctx, req, &resp);
  if (!status.ok()) return to_error(status, "label blob " + digest);
  return {};
}

Result<std::string> create_lease(Core& core, const CallOptions& call) {
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  leases::CreateRequest req;
  req.set_id("faas-import-" + random_suffix());
  std::time_t expire = std::time(nullptr) + 3600;
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&expire));
  (*req.mutable_labels())["containerd.io/gc.expire"] = when;
  leases::CreateResponse resp;
  auto status = core.leases->Create(&ctx, req, &resp);
  if (!status.ok()) return to_error(status, "create lease");
  return resp.lease().id();
}

void delete_lease(Core& core, const CallOptions& call, const std::string& id) {
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  leases::DeleteRequest req;
  req.set_id(id);
  google::protobuf::Empty resp;
  (void)core.leases->Delete(&ctx, req, &resp);  // it expires anyway
}

namespace {
Result<bool> snapshot_present(Core& core, const CallOptions& call, const std::string& key) {
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  snap::StatSnapshotRequest req;
  req.set_snapshotter(core.options.snapshotter);
  req.set_key(key);
  snap::StatSnapshotResponse resp;
  auto status = core.snapshots->Stat(&ctx, req, &resp);
  if (status.ok()) return true;
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return false;
  return to_error(status, "stat snapshot " + key);
}

void remove_key(Core& core, const CallOptions& call, const std::string& key) {
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  snap::RemoveSnapshotRequest req;
  req.set_snapshotter(core.options.snapshotter);
  req.set_key(key);
  google::protobuf::Empty resp;
  (void)core.snapshots->Remove(&ctx, req, &resp);
}

// Prepare an active snapshot on parent, apply the layer into its mounts, commit it as name.
Result<void> apply_layer(Core& core, const CallOptions& call, const Descriptor& layer,
                         const std::string& diff_id, const std::string& parent,
                         const std::string& name) {
  std::string key = "extract-" + random_suffix() + " " + name;
  std::vector<Mount> mounts;
  {
    grpc::ClientContext ctx;
    prepare_context(ctx, call);
    snap::PrepareSnapshotRequest req;
    req.set_snapshotter(core.options.snapshotter);
    req.set_key(key);
    req.set_parent(parent);
    snap::PrepareSnapshotResponse resp;
    auto status = core.snapshots->Prepare(&ctx, req, &resp);
    if (!status.ok()) return to_error(status, "prepare snapshot for layer " + layer.digest);
    for (const auto& m : resp.mounts()) mounts.push_back(from_proto(m));
  }
  grpc::ClientContext ctx;
  prepare_context(ctx, call);
  diffapi::ApplyRequest req;
  to_proto(layer, req.mutable_diff());
  for (const auto& m : mounts) to_proto(m, req.add_mounts());
  diffapi::ApplyResponse resp;
  auto status = core.diff->Apply(&ctx, req, &resp);
  if (!status.ok()) {
    remove_key(core, call, key);
    return to_error(status, "apply layer " + layer.digest);
  }
  if (resp.applied().digest() != diff_id) {
    remove_key(core, call, key);
    return make_error(make_error_code(Errc::kBadImage), "layer " + layer.digest + " unpacks to " +
                                                           resp.applied().digest() +
                                                           ", config says " + diff_id);
  }
  grpc::ClientContext commit_ctx;
  prepare_context(commit_ctx, call);
  snap::CommitSnapshotRequest commit;
  commit.set_snapshotter(core.options.snapshotter);
  commit.set_name(name);
  commit.set_key(key);
  google::protobuf::Empty empty;
  status = core.snapshots->Commit(&commit_ctx, commit, &empty);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {  // a concurrent unpack won
    remove_key(core, call, key);
    return {};
  }
  if (!status.ok()) {
    remove_key(core, call, key);
    return to_error(status, "commit snapshot " + name);
  }
  return {};
}
}  // namespace

Result<std::string> unpack_layers(Core& core, const CallOptions& call, const Image& image) {
  if (image.layers.size() != image.config.diff_ids.size() || image.layers.empty()) {
    return make_error(make_error_code(Errc::kBadImage),
                      "image " + image.name + ": layers and rootfs.diff_ids differ in number");
  }
  auto chain = chain_ids(image.config.diff_ids);
  for (std::size_t i = 0; i < chain.size(); ++i) {
    auto present = snapshot_present(core, call, chain[i]);
    if (!present) return present.error();
    if (*present) continue;
    auto applied = apply_layer(core, call, image.layers[i], image.config.diff_ids[i],
                               i == 0 ? std::string() : chain[i - 1], chain[i]);
    if (!applied) return applied.error();
  }
  return chain.back();
}

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  auto v = rng();
  std::string out;
  for (int i = 0; i < 16; ++i, v >>= 4) out += kHex[v & 0xf];
  return out;
}

}  // namespace faas::containerd::detail
