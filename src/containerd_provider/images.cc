// Core: images. A deployment's image is looked up in the function namespace's containerd store,
// pulled (through config.pull) into state_dir/tmp as an OCI layout tar and imported, or imported
// straight from an `oci-archive:PATH` file. Uploaded images (import_image) are never pulled.
#include <unistd.h>

#include <filesystem>

#include "core.h"
#include "faas/core/log.h"
#include "faas/provider/errors.h"
#include "faas/registry/pull.h"

namespace faas::containerd_provider::detail {

namespace net = boost::asio;
using provider::ProviderErrc;
using provider::provider_error;

namespace {

constexpr std::string_view kArchivePrefix = "oci-archive:";

std::string elapsed_since(Clock::time_point t0) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  return std::to_string(ms) + " ms";
}

// The default puller: registry::pull_oci_archive with a log line per blob (start and end).
Result<std::string> registry_pull(const registry::Reference& ref, const std::string& out_tar) {
  registry::PullOptions options;
  options.progress = [](const registry::PullProgress& p) {
    if (p.done == 0 || p.done == p.total) {
      log_info("containerd provider: pull " + p.what + ": " + std::to_string(p.done) + "/" +
               std::to_string(p.total) + " bytes");
    }
  };
  auto pulled = registry::pull_oci_archive(ref, out_tar, options);
  if (!pulled) return pulled.error();
  return std::to_string(pulled->bytes) + " bytes, manifest " + pulled->manifest_digest;
}

}  // namespace

Result<std::string> store_name(const std::string& image) {
  if (image.starts_with(kArchivePrefix)) {
    if (image.size() == kArchivePrefix.size() || image[kArchivePrefix.size()] != '/') {
      return provider_error(ProviderErrc::kInvalid, "image " + image + ": oci-archive: needs an absolute path");
    }
    return image;
  }
  auto ref = registry::parse_reference(image);
  if (!ref) return provider_error(ProviderErrc::kInvalid, "image " + image + ": " + ref.error().context);
  return ref->str();
}

Task<containerd::Image> Core::resolve_image(std::string ns, std::string image) {
  auto self = shared_from_this();
  auto client = client_.with_namespace(ns);
  auto name = store_name(image);
  if (!name) co_return name.error();
  if (image.starts_with(kArchivePrefix)) {
    // Imported on every deploy/update: the file may have been rebuilt since.
    auto t0 = Clock::now();
    containerd::ImportOptions options{.image_name = *name, .unpack = true};
    auto op = client.import_oci_archive(image.substr(kArchivePrefix.size()), std::move(options));
    auto imported = co_await std::move(op);
    if (!imported) co_return provider_error(ProviderErrc::kInvalid, "image " + image + ": " + imported.error().message());
    log_info("containerd provider: imported " + image + " into " + ns + " (" + elapsed_since(t0) + ")");
    co_return imported;
  }
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto uploaded_op = in_db([ns, n = *name](StateDb& db) { return db.is_uploaded(ns, n); });
  auto uploaded = co_await std::move(uploaded_op);
  auto local = co_await client.get_image(*name);
  if (local && uploaded && *uploaded) co_return local;
  auto ref = registry::parse_reference(image);
  if (local && !ref->digest.empty()) co_return local;  // a digest names one image forever
  // A tag may have moved since the last pull (a re-pushed :latest): pull again.
  auto pulled = co_await pull_and_import(client, *ref);
  if (pulled) co_return pulled;
  if (local) {
    log_warn("containerd provider: pull " + *name + " failed (" + pulled.error().message() +
             "); using the copy in the store");
    co_return local;
  }
  co_return provider_error(ProviderErrc::kInvalid, "image " + image + ": " + pulled.error().message());
}

Task<containerd::Image> Core::pull_and_import(containerd::Client client, registry::Reference ref) {
  auto self = shared_from_this();
  std::string dir = config_.state_dir + "/tmp";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string tar = dir + "/pull-" + std::to_string(::getpid()) + "-" + new_replica_id("image") + ".tar";
  auto t0 = Clock::now();
  log_info("containerd provider: pulling " + ref.str());
  PullFunction pull = config_.pull ? config_.pull : PullFunction(registry_pull);
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto pulled_op = on_pool(pool_, [pull, ref, tar] { return pull(ref, tar); });
  auto pulled = co_await std::move(pulled_op);
  if (!pulled) {
    std::filesystem::remove(tar, ec);
    co_return pulled.error();
  }
  log_info("containerd provider: pulled " + ref.str() + ": " + *pulled + " (" + elapsed_since(t0) + ")");
  containerd::ImportOptions options{.image_name = ref.str(), .unpack = true};
  auto op = client.import_oci_archive(tar, std::move(options));
  auto imported = co_await std::move(op);
  std::filesystem::remove(tar, ec);
  if (!imported) co_return imported.error();
  log_info("containerd provider: unpacked " + ref.str() + " (" + elapsed_since(t0) + " in all)");
  co_return imported;
}

Task<std::string> Core::import_image(std::string archive_path, std::string name, std::string namespace_) {
  auto self = shared_from_this();
  auto ns = resolve_namespace(namespace_);
  if (!ns) co_return ns.error();
  auto ref = registry::parse_reference(name);
  if (!ref) co_return provider_error(ProviderErrc::kInvalid, "image " + name + ": " + ref.error().context);
  std::string stored = ref->str();
  auto t0 = Clock::now();
  containerd::ImportOptions options{.image_name = stored, .unpack = true};
  // A named client: the coroutine keeps a pointer to the object it was called on.
  auto client = client_.with_namespace(*ns);
  auto op = client.import_oci_archive(archive_path, std::move(options));
  auto imported = co_await std::move(op);
  if (!imported) {
    auto code = imported.error().code == containerd::Errc::kBadImage ? ProviderErrc::kInvalid : ProviderErrc::kInternal;
    co_return provider_error(code, "import " + stored + ": " + imported.error().message());
  }
  // GCC 12: no lambda temporaries inside a co_await expression.
  auto marked_op = in_db([n = *ns, stored](StateDb& db) { return db.mark_uploaded(n, stored); });
  auto marked = co_await std::move(marked_op);
  if (!marked) co_return provider_error(ProviderErrc::kInternal, marked.error().message());
  log_info("containerd provider: imported upload " + stored + " into " + *ns + " (" + elapsed_since(t0) + ")");
  co_return stored;
}

}  // namespace faas::containerd_provider::detail
