// Commits one batch of appends in one transaction: the write side of SqliteStore.
//
// For each record, in order: an accepted record whose (source, sending app,
// facility, control id) matches an accepted message received within the window
// (earlier in the same batch included) is reported as a duplicate of it and not
// stored; every other record is inserted. Outcomes are returned only after
// COMMIT; if anything fails the batch is rolled back and every record gets the
// same Error. A failed fsync leaves the writer broken (docs/specs/store.md
// STORE-3): every later batch fails at once with the first reason.
//
// Thread-safety: one thread (the store's writer) owns a BatchWriter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/append_queue.h"
#include "engine/store/sqlite_handle.h"

namespace lienthong::store {

class BatchWriter {
 public:
  // `db` is the open, migrated write connection; the writer keeps it.
  static Result<BatchWriter> create(sqlite::Connection db, std::int64_t duplicate_window_us);

  std::vector<Result<Appended>> commit(const std::vector<PendingAppend>& batch);

  // The reason appends fail fast, once the writer is broken.
  const std::optional<std::string>& broken() const { return broken_; }

 private:
  BatchWriter() = default;
  Result<Appended> write_one(const InboundRecord& r);

  sqlite::Connection db_;
  std::int64_t window_us_ = 0;
  sqlite::Statement begin_, commit_, rollback_, find_original_, insert_;
  std::optional<std::string> broken_;
};

}  // namespace lienthong::store
