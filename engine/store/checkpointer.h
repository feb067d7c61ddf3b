// Checkpointer: copies committed WAL pages into the database file on its own
// thread and connection, so no COMMIT of the writer ever runs a checkpoint
// (docs/specs/store.md STORE-8).
//
// attach() turns SQLite's auto-checkpoint off on the writer's connection and
// installs a WAL hook there that only counts frames and wakes this thread once
// `pages` new frames are in the WAL; the thread also wakes every `interval` and
// checkpoints if anything was committed since the last one. Checkpoints are
// PASSIVE: they copy concurrently with the writer's commits and never wait.
//
// The WAL starts over (is overwritten from its beginning) only when a write
// transaction begins after a checkpoint copied all of it; under steady load a
// commit lands during every checkpoint, so that does not happen by itself and
// the WAL grows. Once it holds `wal_limit_bytes`, the checkpointer takes the
// writer gate (the writer holds it around each batch's transaction), copies the
// few frames committed since its last pass, and lets the writer go: the next
// batch starts the WAL over. That short pass (two syncs, once per
// `wal_limit_bytes` of WAL) is the only time the writer waits for a checkpoint.
//
// If even that pass cannot copy everything (a reader keeps an old snapshot), a
// RESTART checkpoint is tried under the gate, waiting at most `forced_wait_ms`
// for the readers; each try is reported through `warn`, and a failed try
// doubles the time to the next one (up to 30 s). attach() also sets the
// writer's journal_size_limit to `wal_limit_bytes`, so a WAL that readers made
// grow shrinks back when it starts over.
//
// Durability: the checkpoint connection has the writer's synchronous setting,
// so (unless it is OFF) SQLite syncs the WAL before copying and the database
// file after. A failed fsync blows the fuse; once the fuse is blown nothing is
// copied any more and the WAL is kept at close (the next open recovers it).
// stop() ends with a TRUNCATE checkpoint (waiting at most `close_wait_ms`), so a
// cleanly closed store leaves an empty WAL.
//
// Thread-safety: the hook runs on the writer's thread (whichever thread commits
// on the attached connection), which also locks writer_gate() around each
// transaction; stop() and stats() may be called from any thread; the
// checkpoint connection is used by the checkpointer's thread only.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "engine/base/result.h"
#include "engine/store/sqlite_handle.h"
#include "engine/store/store_defaults.h"
#include "engine/store/write_fuse.h"

namespace lienthong::store {

// Something the operator should know that is not an append's failure (the store
// itself does not log): an event name and a readable detail.
using StoreWarning = std::function<void(std::string_view event, std::string_view detail)>;

struct CheckpointOptions {
  // Defaults: store_defaults.h (STORE-8.1).
  int pages = defaults::kCheckpointPages;  // new WAL frames that wake the checkpointer
  std::chrono::milliseconds interval{defaults::kCheckpointIntervalMs};  // otherwise: this often if anything was committed
  std::int64_t wal_limit_bytes = defaults::kWalLimitMb << 20;  // a WAL this long is finished under the writer gate
  int forced_wait_ms = 100;                 // a RESTART waits at most this for readers
  int close_wait_ms = 1000;                 // the final TRUNCATE waits at most this
};

struct CheckpointStats {
  std::uint64_t checkpoints = 0;  // checkpoints that ran without error (PASSIVE or RESTART)
  std::uint64_t gated = 0;        // of which the writer waited for (WAL at its limit)
  std::uint64_t forced = 0;       // RESTART tries because the WAL was over the limit
  std::uint64_t failures = 0;     // checkpoints that failed (I/O error, full disk)
  std::uint64_t frames = 0;       // frames in the WAL after the last checkpoint
};

class Checkpointer {
 public:
  // `db` is a read-write connection of its own to the store, with the writer's
  // synchronous setting; the checkpointer keeps it. `warn` may be empty.
  static Result<std::unique_ptr<Checkpointer>> start(sqlite::Connection db, CheckpointOptions options,
                                                     WriteFuse& fuse, StoreWarning warn);
  ~Checkpointer();  // stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // wal_autocheckpoint=0, journal_size_limit and the WAL hook on the writer's
  // connection. The hook
  // refers to this object: detach() (or close that connection) before it dies.
  Status attach(sqlite3* writer_db);
  static void detach(sqlite3* writer_db);

  // Final TRUNCATE checkpoint (unless the fuse is blown), then the thread ends
  // and closes its connection; stats() keep working. Call after the last
  // commit. Idempotent.
  void stop();

  CheckpointStats stats() const;

  // The writer locks this around each transaction (BEGIN .. COMMIT): holding it
  // keeps the writer between transactions. Uncontended except for a gated pass.
  std::mutex& writer_gate() { return gate_; }

 private:
  Checkpointer(sqlite::Connection db, CheckpointOptions options, WriteFuse& fuse, StoreWarning warn);
  static int wal_hook(void* self, sqlite3* db, const char* schema, int frames);
  void on_commit(int frames);  // the writer's thread
  void run();
  void checkpoint();
  int finish_under_gate();
  void force_restart(int frames);
  void final_checkpoint();
  void failed(int rc, std::string_view what);
  void warn(std::string_view event, const std::string& detail);

  sqlite::Connection db_;
  const CheckpointOptions options_;
  WriteFuse& fuse_;
  StoreWarning warn_;
  std::int64_t page_size_ = 4096;

  // Written by the hook only (the writer's thread).
  int last_frames_ = 0;
  // Shared between the hook and the thread.
  std::atomic<std::int64_t> new_frames_{0};  // frames committed since the last checkpoint began
  std::atomic<bool> wake_{false};

  // The checkpointer's thread only.
  std::chrono::steady_clock::time_point next_forced_{};
  std::chrono::milliseconds forced_backoff_{0};
  std::chrono::steady_clock::time_point last_failure_warning_{};

  std::atomic<std::uint64_t> checkpoints_{0}, gated_{0}, forced_{0}, failures_{0}, frames_{0};
  std::mutex gate_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // under mu_
  std::once_flag stop_once_;
  std::thread thread_;
};

}  // namespace lienthong::store
