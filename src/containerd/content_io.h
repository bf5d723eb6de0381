// Private: blocking content-store and snapshot helpers. They block the calling thread and run on
// the Core's pool only (images.cc wraps them in detail::blocking).
#pragma once

#include <functional>
#include <string>

#include "faas/containerd/types.h"
#include "rpc.h"

namespace faas::containerd::detail {

// Fills buf with up to n bytes; 0 at the end.
using ByteSource = std::function<Result<std::size_t>(char* buf, std::size_t n)>;

// Content.Write of one blob (size bytes from source) verified by containerd against digest. A
// blob that already exists is success.
Result<void> write_blob(Core& core, const CallOptions& call, const std::string& digest,
                        std::int64_t size, const ByteSource& source);
// Content.Read of a whole (small) blob.
Result<std::string> read_blob(Core& core, const CallOptions& call, const std::string& digest,
                              std::size_t limit);
// Sets (adds or replaces) the given labels on a blob.
Result<void> label_blob(Core& core, const CallOptions& call, const std::string& digest,
                        const Labels& labels);

// A lease that protects content and snapshots while an import is in progress; expires on its own
// after an hour if we die before deleting it.
Result<std::string> create_lease(Core& core, const CallOptions& call);
void delete_lease(Core& core, const CallOptions& call, const std::string& id);

// Applies layers as committed snapshots named by chain id; returns the top chain id.
Result<std::string> unpack_layers(Core& core, const CallOptions& call, const Image& image);

// A short random hex string for refs and keys.
std::string random_suffix();

}  // namespace faas::containerd::detail
