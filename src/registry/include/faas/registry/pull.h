// Pulls an image from an OCI distribution (Docker Registry v2) registry into an OCI image layout
// tar, the format faas::containerd::Client::import_oci_archive takes. Blocking (libcurl): call it
// from a worker thread, never from an io_context thread. Thread-safe: concurrent pulls share
// nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "faas/core/result.h"
#include "faas/registry/errors.h"
#include "faas/registry/reference.h"

namespace faas::registry {

struct PullProgress {
  std::string what;  // "manifest", "config sha256:…", "layer 2/3 sha256:…"
  std::int64_t done = 0, total = 0;
};

struct PullOptions {
  std::string auth_file;  // empty: the search of auth.h (REGISTRY_AUTH_FILE, DOCKER_CONFIG, ...)
  bool insecure = false;  // plain HTTP even for non-loopback hosts
  std::string platform = "linux/amd64";  // os/arch[/variant], chosen from an index or list
  std::chrono::seconds timeout{600};     // the whole pull
  // Called on the pulling thread: at each blob's start and end and every 1 MiB in between.
  std::function<void(const PullProgress&)> progress;
};

struct PullResult {
  std::string reference;        // ref.str(), the name annotated in index.json
  std::string manifest_digest;  // of the platform's image manifest stored in the archive
  std::int64_t bytes = 0;       // manifest + config + layer bytes written
};

// Downloads ref into an OCI image layout tar at out_path: oci-layout, index.json (one manifest
// descriptor annotated org.opencontainers.image.ref.name = ref.str()), blobs/sha256/<hex> for
// the platform's manifest, its config and layers. Manifest lists and OCI indexes resolve to the
// manifest of options.platform; Docker schema 2 and OCI media types are kept as served. Every
// document's and blob's digest and size are checked while streaming; layers are never held in
// memory. The archive is written to out_path + ".partial" and renamed on success, so out_path
// never holds a partial image. Errors read "pull <ref>: <what> (<status>)" with an Errc code.
Result<PullResult> pull_oci_archive(const Reference& ref, const std::string& out_path,
                                    const PullOptions& options = {});

}  // namespace faas::registry
