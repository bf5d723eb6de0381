#include "state_db.h"

#include <utility>

#include "faas/api/json.h"

namespace faas::containerd_provider::detail {

namespace {

Error db_error(sqlite3* db, const std::string& what) {
  return invalid_argument("state db: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  static Result<Statement> prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) return db_error(db, sql);
    return Statement(db, s);
  }
  Statement(Statement&& o) noexcept : db_(o.db_), s_(std::exchange(o.s_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(s_); }

  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // SQLITE_ROW: true; SQLITE_DONE: false.
  Result<bool> step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return db_error(db_, "step");
  }
  Result<void> run() {
    auto r = step();
    if (!r) return r.error();
    return {};
  }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(s_, col); }

 private:
  Statement(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  sqlite3* db_;
  sqlite3_stmt* s_;
};

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS functions (ns TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL,"
    " replicas INTEGER NOT NULL, created_at INTEGER NOT NULL, generation INTEGER NOT NULL,"
    " PRIMARY KEY (ns, name));"
    "CREATE TABLE IF NOT EXISTS namespaces (name TEXT PRIMARY KEY, doc TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS uploads (ns TEXT NOT NULL, image TEXT NOT NULL,"
    " PRIMARY KEY (ns, image));";

std::int64_t to_micros(api::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<std::unique_ptr<StateDb>> StateDb::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  std::unique_ptr<StateDb> db(new StateDb(raw));
  if (rc != SQLITE_OK) return db_error(raw, "open " + path);
  sqlite3_busy_timeout(raw, 5000);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", kSchema}) {
    if (auto r = db->exec(sql); !r) return r.error();
  }
  return db;
}

StateDb::~StateDb() { sqlite3_close(db_); }

Result<void> StateDb::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return invalid_argument(std::string("state db: ") + msg);
  }
  return {};
}

Result<std::vector<StoredFunction>> StateDb::functions() {
  auto s = Statement::prepare(db_, "SELECT spec, replicas, created_at, generation FROM functions");
  if (!s) return s.error();
  std::vector<StoredFunction> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return out;
    auto spec = api::parse_deployment(s->text(0));
    if (!spec) return invalid_argument("state db: bad stored spec: " + spec.error().message());
    StoredFunction fn{.spec = std::move(*spec),
                      .replicas = static_cast<std::uint64_t>(s->integer(1)),
                      .created_at = api::Timestamp(std::chrono::microseconds(s->integer(2))),
                      .generation = static_cast<std::uint64_t>(s->integer(3))};
    out.push_back(std::move(fn));
  }
}

Result<void> StateDb::put_function(const StoredFunction& fn) {
  auto s = Statement::prepare(db_, "INSERT OR REPLACE INTO functions VALUES (?, ?, ?, ?, ?, ?)");
  if (!s) return s.error();
  s->bind(1, fn.spec.namespace_).bind(2, fn.spec.service).bind(3, api::to_json(fn.spec));
  s->bind(4, static_cast<std::int64_t>(fn.replicas)).bind(5, to_micros(fn.created_at));
  s->bind(6, static_cast<std::int64_t>(fn.generation));
  return s->run();
}

Result<void> StateDb::set_replicas(const std::string& ns, const std::string& name, std::uint64_t n) {
  auto s = Statement::prepare(db_, "UPDATE functions SET replicas = ? WHERE ns = ? AND name = ?");
  if (!s) return s.error();
  s->bind(1, static_cast<std::int64_t>(n)).bind(2, ns).bind(3, name);
  return s->run();
}

Result<void> StateDb::delete_function(const std::string& ns, const std::string& name) {
  auto s = Statement::prepare(db_, "DELETE FROM functions WHERE ns = ? AND name = ?");
  if (!s) return s.error();
  s->bind(1, ns).bind(2, name);
  return s->run();
}

Result<std::vector<api::FunctionNamespace>> StateDb::namespaces() {
  auto s = Statement::prepare(db_, "SELECT doc FROM namespaces");
  if (!s) return s.error();
  std::vector<api::FunctionNamespace> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return out;
    auto ns = api::parse_namespace(s->text(0));
    if (!ns) return invalid_argument("state db: bad stored namespace: " + ns.error().message());
    out.push_back(std::move(*ns));
  }
}

Result<void> StateDb::put_namespace(const api::FunctionNamespace& ns) {
  auto s = Statement::prepare(db_, "INSERT OR REPLACE INTO namespaces VALUES (?, ?)");
  if (!s) return s.error();
  s->bind(1, ns.name).bind(2, api::to_json(ns));
  return s->run();
}

Result<void> StateDb::delete_namespace(const std::string& name) {
  auto s = Statement::prepare(db_, "DELETE FROM namespaces WHERE name = ?");
  if (!s) return s.error();
  s->bind(1, name);
  return s->run();
}

Result<void> StateDb::mark_uploaded(const std::string& ns, const std::string& image) {
  auto s = Statement::prepare(db_, "INSERT OR IGNORE INTO uploads VALUES (?, ?)");
  if (!s) return s.error();
  s->bind(1, ns).bind(2, image);
  return s->run();
}

Result<bool> StateDb::is_uploaded(const std::string& ns, const std::string& image) {
  auto s = Statement::prepare(db_, "SELECT 1 FROM uploads WHERE ns = ? AND image = ?");
  if (!s) return s.error();
  s->bind(1, ns).bind(2, image);
  return s->step();
}

}  // namespace faas::containerd_provider::detail
