// WalSyncer: makes the writer's commits durable on a thread of its own, so the
// writer inserts the next batch while the disk syncs the last one
// (docs/specs/store.md STORE-11). Small batches are synced on the writer itself
// (sync_here): committing ahead only pays when a batch takes as long as a sync.
//
// With synchronous=FULL, SQLite would fsync the WAL inside every COMMIT, and the
// writer could do nothing else meanwhile: a batch's inserts and the previous
// batch's fsync took turns, never overlapped. Instead the writer's connection
// runs with synchronous=NORMAL (in WAL mode that only leaves out the WAL sync
// at commit) and hands each committed batch's answers here: they run once a
// sync of the WAL that began after that COMMIT returned has finished, which is
// exactly FULL's promise. One sync answers every batch that was waiting when it
// began (a second group commit, on the sync). Batches are answered in the order
// they were handed in, also batches that need no sync (a rolled-back one). The
// writer runs at most one commit ahead of the sync (wait_until_taken).
//
// A failed sync blows the fuse (STORE-3.2): the waiting batches and every later
// one are answered with the fuse's reason.
//
// Thread-safety: after_commit() and sync_here() are called by one thread (the
// writer); answers run on the syncer's thread, one at a time, or in sync_here
// on the caller's; stop() once.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "engine/base/result.h"
#include "engine/store/write_fuse.h"

namespace lienthong::store {

class WalSyncer {
 public:
  // `fuse` must outlive the syncer. Starts the thread.
  explicit WalSyncer(WriteFuse& fuse);
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Runs `answer` after a sync of `wal` (a file SQLite opened as the WAL; its
  // xSync may be called while its connection writes elsewhere in it) that began
  // after this call; with Ok, or with why the WAL could not be synced. `wal`
  // null: nothing to sync, `answer` gets Ok in its turn.
  using Answer = std::function<void(Status)>;
  void after_commit(sqlite3_file* wal, Answer answer);

  // Returns once every commit handed in so far is in a sync that has begun. The
  // writer calls it before it takes its next batch: a commit made while an
  // earlier one still waits for its sync to begin would be answered by the same
  // sync anyway, so waiting costs it nothing and lets the batch grow (fewer,
  // larger commits, each writing its index pages once, when the processor is
  // the limit).
  void wait_until_taken();

  // The same for a commit whose caller waits for it: once every earlier commit
  // is answered, syncs `wal` and runs `answer` on the calling thread (no
  // hand-over to the syncer's thread). Only the thread that calls after_commit.
  void sync_here(sqlite3_file* wal, Answer answer);

  // Syncs and answers whatever is waiting, then ends the thread.
  void stop();

  // Syncs of the WAL made so far (none once the fuse has blown).
  std::uint64_t syncs() const;

 private:
  struct Waiting {
    sqlite3_file* wal;
    Answer answer;
  };
  void run();
  Status sync(sqlite3_file* wal);

  WriteFuse& fuse_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable taken_;
  std::deque<Waiting> waiting_;
  bool stopping_ = false;
  bool answering_ = false;  // a sync or its answers are under way
  std::atomic<std::uint64_t> syncs_{0};  // xSync calls made
  std::thread thread_;
};

}  // namespace lienthong::store
