// WalSyncer: makes the writer's commits durable on a thread of its own, so the
// writer inserts the next batch while the disk syncs the last one
// (docs/specs/store.md STORE-11).
//
// With synchronous=FULL, SQLite would fsync the WAL inside every COMMIT, and the
// writer could do nothing else meanwhile: a batch's inserts and the previous
// batch's fsync took turns, never overlapped. Instead the writer's connection
// runs with synchronous=NORMAL (in WAL mode that only leaves out the WAL sync
// at commit) and hands each committed batch's answers here: they run once a
// sync of the WAL that began after that COMMIT returned has finished, which is
// exactly FULL's promise. One sync answers every batch that was waiting when it
// began (a second group commit, on the sync). Batches are answered in the order
// they were handed in, also batches that need no sync (a rolled-back one).
//
// A failed sync blows the fuse (STORE-3.2): the waiting batches and every later
// one are answered with the fuse's reason.
//
// Thread-safety: after_commit() may be called from any thread (the writer
// calls it); answers run on the syncer's thread, one at a time; stop() once.
#pragma once

#include <sqlite3.h>

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

  // Syncs and answers whatever is waiting, then ends the thread.
  void stop();

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
  std::deque<Waiting> waiting_;
  bool stopping_ = false;
  std::uint64_t syncs_ = 0;
  std::thread thread_;
};

}  // namespace lienthong::store
