// Commits one batch of appends in one transaction: the write side of SqliteStore.
//
// For each record, in order: an accepted record whose (source, sending app,
// facility, control id) matches an accepted message received within the window
// (earlier in the same batch included) is reported as a duplicate of it and not
// stored; every other record is inserted. Outcomes are returned only after
// COMMIT; if anything fails the batch is rolled back and every record gets the
// same Error. A failed fsync blows the store's WriteFuse (docs/specs/store.md
// STORE-3): every later batch fails at once with the fuse's first reason, also
// when the checkpointer blew it.
//
// Thread-safety: one thread (the store's writer) owns a BatchWriter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/append_queue.h"
#include "engine/store/sqlite_handle.h"
#include "engine/store/write_fuse.h"

namespace lienthong::store {

class BatchWriter {
 public:
  // `db` is the open, migrated write connection; the writer keeps it. `fuse`
  // must outlive the writer.
  static Result<BatchWriter> create(sqlite::Connection db, std::int64_t duplicate_window_us,
                                    WriteFuse& fuse);

  std::vector<Result<Appended>> commit(const std::vector<PendingAppend>& batch);

  // The write connection, for hooks and settings (on the owner's thread).
  sqlite3* connection() const { return db_.get(); }

 private:
  BatchWriter() = default;
  Result<Appended> write_one(const InboundRecord& r);

  sqlite::Connection db_;
  std::int64_t window_us_ = 0;
  sqlite::Statement begin_, commit_, rollback_, find_original_, insert_;
  WriteFuse* fuse_ = nullptr;
};

}  // namespace lienthong::store
