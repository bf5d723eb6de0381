// SecretStore: secrets as files, root/<namespace>/<name>, mode 0600 (directories 0700), written
// to a temporary file and renamed so a reader never sees half a value (a process or container
// reading the file, or a bind mount of it, sees the old or the new value). Shared by the process
// and containerd providers. Synchronous file I/O: the files are small and written rarely. Not
// thread-safe; use it from one executor. Errors carry ProviderErrc codes (errors.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/result.h"

namespace faas::provider {

class SecretStore {
 public:
  explicit SecretStore(std::string root) : root_(std::move(root)) {}

  // Non-empty, no '/', no "..", no NUL, not starting with '.' (temporary files do); kInvalid.
  static Result<void> validate_name(std::string_view name);

  // root/<namespace>: the directory holding a namespace's secrets (it may not exist yet).
  std::string directory(std::string_view namespace_) const;
  // root/<namespace>/<name>: where a secret's value is (whether or not it exists).
  std::string path(std::string_view namespace_, std::string_view name) const;
  bool exists(std::string_view namespace_, std::string_view name) const;
  // Names and namespace only.
  Result<std::vector<api::Secret>> list(std::string_view namespace_) const;
  // kConflict if it exists.
  Result<void> create(const api::Secret& secret);
  // kNotFound if it does not exist.
  Result<void> update(const api::Secret& secret);
  Result<void> remove(std::string_view namespace_, std::string_view name);
  // Every secret of a namespace (and its directory); a missing namespace is not an error.
  void remove_namespace(std::string_view namespace_);

 private:
  Result<void> write(const api::Secret& secret);
  std::string root_;
};

}  // namespace faas::provider
