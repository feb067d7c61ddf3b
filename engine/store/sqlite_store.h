// SqliteStore: the embedded Store, one SQLite file in WAL mode.
//
// One writer thread owns the write connection and group-commits queued appends
// (batch_writer.h); a checkpointer thread with its own connection copies the WAL
// into the database file (checkpointer.h), so no commit waits for a checkpoint;
// list()/get() use a separate read connection, so readers never wait for a
// commit. open_readonly() gives a reader that works beside a running engine
// (another process holding the writer). Durability and duplicate rules:
// docs/specs/store.md.
//
// Thread-safety: every method may be called from any thread. Callbacks run after
// the commit that holds their record, in commit order, on the writer thread or,
// with synchronous FULL, on the WAL syncer's thread once that commit is synced
// (wal_syncer.h, STORE-11); an append after close() (or on a read-only
// store) gets its Error inline, on the caller's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "engine/store/append_queue.h"
#include "engine/store/body_codec.h"
#include "engine/store/checkpointer.h"
#include "engine/store/sqlite_handle.h"
#include "engine/store/store.h"
#include "engine/store/write_fuse.h"

namespace lienthong::store {

class BatchWriter;
class WalSyncer;

enum class Synchronous { kFull, kNormal, kOff };  // kOff: tests and benchmarks only

struct SqliteStoreOptions {
  std::string path;                          // the database file; its directory is created
  Synchronous synchronous = Synchronous::kFull;
  // Defaults: store_defaults.h.
  std::int64_t duplicate_window_seconds = defaults::kDuplicateWindowSeconds;  // 0 = no duplicate detection
  std::size_t batch_max = defaults::kBatchMax;            // records per commit at most
  std::int64_t batch_delay_us = defaults::kBatchDelayUs;  // how long a batch waits to fill; 0 = not at all
  std::int64_t update_delay_us = defaults::kUpdateDelayUs;  // how long item updates alone wait for more (STORE-2.4)
  int busy_timeout_ms = 5000;                // waiting for another process's lock
  std::string vfs;                           // SQLite VFS name; empty = default (tests)
  CheckpointOptions checkpoint;              // when the WAL is copied into the database
  BodyCompression body_compression = BodyCompression::kLz4;  // new outbound bodies (STORE-10)
  StoreWarning on_warning;                   // checkpoint trouble, called on the checkpointer's
                                             // thread (log it; do not block); empty = dropped
};

struct SqliteStoreStats {
  std::uint64_t commits = 0;       // transactions committed
  std::uint64_t failed_batches = 0;
  std::uint64_t stored = 0;        // records inserted
  std::uint64_t duplicates = 0;    // records answered as duplicates
  std::uint64_t syncs = 0;         // WAL syncs that answered commits (synchronous FULL, STORE-11)
  CheckpointStats checkpoint;
};

class SqliteStore final : public Store {
 public:
  // Creates/migrates the file and starts the writer. Errors name the path.
  static Result<std::unique_ptr<SqliteStore>> open(SqliteStoreOptions options);
  // A reader only: append() fails; the file must exist and be a current store.
  static Result<std::unique_ptr<SqliteStore>> open_readonly(const std::string& path,
                                                            const std::string& vfs = {});

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void append(InboundRecord record, AppendCallback done) override;
  Result<std::vector<MessageSummary>> list(const MessageFilter& filter) override;
  Result<std::optional<MessageDetail>> get(std::int64_t id) override;
  void update_items(std::vector<ItemUpdate> updates, WriteCallback done) override;
  void replay(ReplayRequest request, std::function<void(Result<std::vector<std::int64_t>>)> done) override;
  void prune(PruneRequest request, std::function<void(Result<PruneResult>)> done) override;
  void report_status(std::vector<DeliveryStatus> status, WriteCallback done) override;
  Result<QueueSnapshot> load_queue(const QueueLoad& load) override;
  Result<std::vector<QueueCounts>> queue_counts() override;
  void close() override;

  SqliteStoreStats stats() const;
  // Why appends fail fast, if the writer stopped writing (failed fsync).
  std::optional<std::string> broken() const;
  // PRAGMA integrity_check through the read connection: "ok" or the problems.
  Result<std::string> integrity_check();

 private:
  SqliteStore() = default;
  void run_writer();
  void write(PendingWrite w);
  // Runs a committed (or rolled-back) batch's callbacks in order; `durable` not
  // Ok turns every success into that error (its sync failed, STORE-11).
  static void answer(std::vector<QueuedWrite>& batch, std::vector<std::variant<Result<Appended>, Status>>& outcomes,
                     Status durable);

  SqliteStoreOptions options_;
  bool readonly_ = false;
  AppendQueue queue_;
  WriteFuse fuse_;                       // before the writer and checkpointer: outlives them
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<BatchWriter> writer_;  // touched only by the writer thread
  std::unique_ptr<WalSyncer> syncer_;    // synchronous FULL only: answers after the WAL sync
  std::thread writer_thread_;
  std::once_flag close_once_;

  mutable std::mutex read_mu_;
  sqlite::Connection reader_;

  std::atomic<std::uint64_t> commits_{0}, failed_batches_{0}, stored_{0}, duplicates_{0};
};

}  // namespace lienthong::store
