#include "engine/store/sqlite_handle.h"

namespace lienthong::store::sqlite {

std::string describe(sqlite3* db, int rc, std::string_view what) {
  std::string out(what);
  out += ": ";
  // The connection's message is only about `rc` when it is the last error.
  if (db != nullptr && sqlite3_extended_errcode(db) == rc) {
    out += sqlite3_errmsg(db);
  } else {
    out += sqlite3_errstr(rc);
  }
  out += " (code " + std::to_string(rc) + ")";
  return out;
}

Result<Connection> open(const std::string& path, int flags, const std::string& vfs,
                        int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX,
                           vfs.empty() ? nullptr : vfs.c_str());
  Connection db(raw);
  if (rc != SQLITE_OK) {
    return Error{describe(raw, rc, "cannot open store " + path), {}};
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);
  return db;
}

Status exec(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error{describe(db, rc, sql), {}};
  return Status::Ok();
}

Result<std::int64_t> query_int(sqlite3* db, const char* sql) {
  auto stmt = Statement::prepare(db, sql);
  if (!stmt) return stmt.error();
  int rc = stmt->step();
  if (rc != SQLITE_ROW) return Error{describe(db, rc, sql), {}};
  return stmt->column_int(0);
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  Statement s;
  s.stmt_.reset(raw);
  if (rc != SQLITE_OK) return Error{describe(db, rc, "cannot prepare statement"), {}};
  return s;
}

void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob, not NULL: the column is NOT NULL.
  sqlite3_bind_blob64(stmt_.get(), index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                      SQLITE_STATIC);
}

void Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
}

void Statement::bind_null(int index) { sqlite3_bind_null(stmt_.get(), index); }

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::column_text(int col) const { return std::string(column_view(col)); }

std::string_view Statement::column_view(int col) const {
  const void* p = sqlite3_column_blob(stmt_.get(), col);
  int n = sqlite3_column_bytes(stmt_.get(), col);
  if (p == nullptr || n <= 0) return {};
  return {static_cast<const char*>(p), static_cast<std::size_t>(n)};
}

}  // namespace lienthong::store::sqlite
