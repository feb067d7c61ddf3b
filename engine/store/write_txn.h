// WriteTxn: what a write sees inside the writer's transaction: the write
// connection and its prepared statements, each prepared once per connection
// and reused (keyed by the SQL text's address, so pass string literals).
//
// Thread-safety: the writer thread only, inside BatchWriter::commit.
#pragma once

#include <sqlite3.h>

#include <map>
#include <string_view>

#include "engine/base/result.h"
#include "engine/store/sqlite_handle.h"

namespace lienthong::store {

class WriteTxn {
 public:
  explicit WriteTxn(sqlite3* db) : db_(db) {}
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;

  sqlite3* db() const { return db_; }
  // The statement for `sql` (a string literal), reset and ready to bind.
  Result<sqlite::Statement*> statement(const char* sql);
  // Runs a statement that returns no row, then resets it; errors name `what`.
  Status run(sqlite::Statement& stmt, std::string_view what);
  Error failure(int rc, std::string_view what) const { return Error{sqlite::describe(db_, rc, what), {}}; }

 private:
  sqlite3* db_;
  std::map<const char*, sqlite::Statement> statements_;
};

}  // namespace lienthong::store
