#include "engine/store/write_txn.h"

namespace lienthong::store {

Result<sqlite::Statement*> WriteTxn::statement(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    auto prepared = sqlite::Statement::prepare(db_, sql);
    if (!prepared) return prepared.error();
    it = statements_.emplace(sql, std::move(*prepared)).first;
  }
  return &it->second;
}

Status WriteTxn::run(sqlite::Statement& stmt, std::string_view what) {
  int rc = stmt.step();
  stmt.reset();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return failure(rc, what);
  return Status::Ok();
}

}  // namespace lienthong::store
