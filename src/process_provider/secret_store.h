// SecretStore: secrets as files, root/<namespace>/<name>, mode 0600 (directories 0700), written
// to a temporary file and renamed so a reader never sees half a value. Synchronous file I/O: the
// files are small and written rarely.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/result.h"

namespace faas::process_provider::detail {

class SecretStore {
 public:
  explicit SecretStore(std::string root) : root_(std::move(root)) {}

  // Non-empty, no '/', no "..", no NUL, not starting with '.' (temporary files do); kInvalid.
  static Result<void> validate_name(std::string_view name);

  std::string directory(std::string_view namespace_) const;
  bool exists(std::string_view namespace_, std::string_view name) const;
  // Names and namespace only.
  Result<std::vector<api::Secret>> list(std::string_view namespace_) const;
  // kConflict if it exists.
  Result<void> create(const api::Secret& secret);
  // kNotFound if it does not exist.
  Result<void> update(const api::Secret& secret);
  Result<void> remove(std::string_view namespace_, std::string_view name);
  // Every secret of a namespace.
  void remove_namespace(std::string_view namespace_);

 private:
  Result<void> write(const api::Secret& secret);
  std::string root_;
};

}  // namespace faas::process_provider::detail
