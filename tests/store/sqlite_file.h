// Test helpers that reach a store's SQLite file directly, beside the engine:
// to set up an older schema or a damaged row, and to read what the engine
// wrote (pragmas, query plans). Each call opens and closes its own connection.
#pragma once

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace lienthong::testing {

// Runs the statements in `sql`; a failure fails the test with SQLite's message.
inline void exec_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// Runs the one statement `sql` and returns column `column` of each row as text.
inline std::vector<std::string> query_texts(const std::string& path, const char* sql, int column = 0) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  INFO(sqlite3_errmsg(db));
  if (rc != SQLITE_OK) sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, column);
    rows.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

}  // namespace lienthong::testing
