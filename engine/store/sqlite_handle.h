// Thin RAII over the SQLite C API: a connection, a prepared statement, and
// readable error text. Only the store uses it; it adds no policy of its own.
//
// Thread-safety: none; a Connection and its Statements belong to one thread at a
// time (the store guards each connection with its own owner thread or mutex).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace lienthong::store::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// "<what>: <sqlite message> (<extended code name>)".
std::string describe(sqlite3* db, int rc, std::string_view what);

// Opens `path` with `flags` through the VFS named `vfs` (empty: the default),
// with extended result codes on and `busy_timeout_ms` set.
Result<Connection> open(const std::string& path, int flags, const std::string& vfs,
                        int busy_timeout_ms);

// Runs SQL without results (several statements allowed).
Status exec(sqlite3* db, const char* sql);
// Runs SQL whose single row has one integer column (PRAGMAs).
Result<std::int64_t> query_int(sqlite3* db, const char* sql);

class Statement {
 public:
  Statement() = default;
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  void bind(int index, std::string_view text);
  void bind_blob(int index, std::string_view bytes);
  void bind(int index, std::int64_t value);
  void bind_null(int index);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_.get()); }
  // Unbinds and rewinds, so the statement can be reused.
  void reset();

  std::int64_t column_int(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  std::string column_text(int col) const;  // text or blob bytes, as stored
  // The same bytes without a copy; valid until the next step, reset or column call.
  std::string_view column_view(int col) const;
  bool column_is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }

  sqlite3* db() const { return sqlite3_db_handle(stmt_.get()); }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

}  // namespace lienthong::store::sqlite
