// Commits one batch of queued writes in one transaction: the write side of SqliteStore.
//
// For each append, in order: an accepted record whose (source, sending app,
// facility, control id) matches an accepted message received within the window
// (earlier in the same batch included) is reported as a duplicate of it and not
// stored (found through the writer's DuplicateIndex, loaded at create(), and
// confirmed by the row: STORE-4); every other record is inserted with its outbound items. Every other
// write runs in a savepoint of its own: when it fails only it is rolled back and
// it alone gets the error. Outcomes are returned only after COMMIT; if an append
// or the commit fails the batch is rolled back and every write gets the same Error. A failed fsync blows the store's WriteFuse (docs/specs/store.md
// STORE-3): every later batch fails at once with the fuse's first reason, also
// when the checkpointer blew it.
//
// Thread-safety: one thread (the store's writer) owns a BatchWriter.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <string>
#include <utility>
#include <vector>

#include "engine/store/append_queue.h"
#include "engine/store/duplicate_index.h"
#include "engine/store/sqlite_handle.h"
#include "engine/store/write_fuse.h"
#include "engine/store/write_txn.h"

namespace lienthong::store {

class BatchWriter {
 public:
  // `db` is the open, migrated write connection; the writer keeps it. `fuse`
  // must outlive the writer.
  static Result<BatchWriter> create(sqlite::Connection db, std::int64_t duplicate_window_us,
                                    WriteFuse& fuse);

  // One outcome per write, in batch order: Result<Appended> for an append,
  // Status for any other write. Appends' outbound bodies are moved out of `batch`.
  using Outcome = std::variant<Result<Appended>, Status>;
  std::vector<Outcome> commit(std::vector<QueuedWrite>& batch);

  // The write connection, for hooks and settings (on the owner's thread).
  sqlite3* connection() const { return db_.get(); }

 private:
  BatchWriter() = default;
  Result<Appended> write_one(PendingAppend& append);
  Status load_duplicate_index();
  // The id of the original `r` duplicates (its ACK in original_ack_), or 0.
  Result<std::int64_t> find_original(const InboundRecord& r, std::uint64_t hash);
  Status index_original(std::uint64_t hash, std::int64_t id, std::int64_t received_at_us);
  Status write_other(const PendingWrite& w);

  sqlite::Connection db_;
  std::unique_ptr<WriteTxn> txn_;
  std::int64_t window_us_ = 0;
  sqlite::Statement begin_, commit_, rollback_, find_original_, insert_, first_since_;
  sqlite::Statement savepoint_, release_, rollback_to_;
  WriteFuse* fuse_ = nullptr;
  DuplicateIndex duplicates_;
  std::vector<std::pair<std::uint64_t, std::int64_t>> added_;  // this batch's entries, for a rollback
  std::string original_ack_;
};

}  // namespace lienthong::store
