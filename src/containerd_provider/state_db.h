// StateDb: the provider's desired state in SQLite (state_dir/state.db): functions (spec JSON,
// desired replicas, created_at, generation), namespaces, and images uploaded through
// import_image (never pulled again). WAL journal with synchronous=FULL: a write has reached the
// disk when the call returns, so a kill -9 right after deploy() still finds the function.
// Blocking and not thread-safe: the provider calls it from its pool, one call at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/result.h"

namespace faas::containerd_provider::detail {

struct StoredFunction {
  api::FunctionDeployment spec;  // namespace_ filled in
  std::uint64_t replicas = 0;    // desired
  api::Timestamp created_at{};
  std::uint64_t generation = 1;  // bumped by every update
};

class StateDb {
 public:
  static Result<std::unique_ptr<StateDb>> open(const std::string& path);
  ~StateDb();
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  Result<std::vector<StoredFunction>> functions();
  // Insert or replace by (namespace, name).
  Result<void> put_function(const StoredFunction& fn);
  Result<void> set_replicas(const std::string& ns, const std::string& name, std::uint64_t n);
  Result<void> delete_function(const std::string& ns, const std::string& name);

  Result<std::vector<api::FunctionNamespace>> namespaces();
  Result<void> put_namespace(const api::FunctionNamespace& ns);
  Result<void> delete_namespace(const std::string& name);

  Result<void> mark_uploaded(const std::string& ns, const std::string& image);
  Result<bool> is_uploaded(const std::string& ns, const std::string& image);

 private:
  explicit StateDb(sqlite3* db) : db_(db) {}
  Result<void> exec(const char* sql);
  sqlite3* db_;
};

}  // namespace faas::containerd_provider::detail
