#include "engine/store/wal_syncer.h"

#include <utility>
#include <vector>

#include "engine/base/thread_name.h"

namespace lienthong::store {

WalSyncer::WalSyncer(WriteFuse& fuse) : fuse_(fuse), thread_([this] { run(); }) {
  name_thread(thread_, "lt-wal-sync");
}

WalSyncer::~WalSyncer() { stop(); }

void WalSyncer::after_commit(sqlite3_file* wal, Answer answer) {
  {
    std::lock_guard lock(mu_);
    waiting_.push_back(Waiting{wal, std::move(answer)});
  }
  wake_.notify_one();
}

void WalSyncer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WalSyncer::wait_until_taken() {
  std::unique_lock lock(mu_);
  taken_.wait(lock, [&] { return waiting_.empty() || stopping_; });
}

void WalSyncer::sync_here(sqlite3_file* wal, Answer answer) {
  {
    std::unique_lock lock(mu_);
    taken_.wait(lock, [&] { return waiting_.empty() && !answering_; });
  }
  // The syncer's thread is idle now and only this thread hands it work.
  answer(wal != nullptr ? sync(wal) : Status::Ok());
}

std::uint64_t WalSyncer::syncs() const { return syncs_.load(std::memory_order_relaxed); }

Status WalSyncer::sync(sqlite3_file* wal) {
  if (fuse_.blown()) return Error{fuse_.reason().value_or("store is read-only"), {}};
  // SQLITE_SYNC_NORMAL: what SQLite's own commit sync of the WAL asks for under FULL.
  const int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
  syncs_.fetch_add(1, std::memory_order_relaxed);
  if (rc == SQLITE_OK) return Status::Ok();
  // Whatever the code, pages the kernel had accepted may be gone (STORE-3.2).
  std::string why = "store commit failed: the WAL could not be synced (SQLite error " + std::to_string(rc) +
                    ": " + sqlite3_errstr(rc) + ")";
  fuse_.blow("store is read-only after a failed fsync (" + why + "); restart the engine after checking the disk");
  return Error{std::move(why), {}};
}

void WalSyncer::run() {
  std::vector<Waiting> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping, nothing left
      batch.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(waiting_.end()));
      waiting_.clear();
      answering_ = true;
    }
    taken_.notify_all();
    // One sync covers every commit handed in before it began: the last WAL named
    // is the one all of them wrote (a connection has one WAL file).
    sqlite3_file* wal = nullptr;
    for (const Waiting& w : batch) {
      if (w.wal != nullptr) wal = w.wal;
    }
    const Status synced = wal != nullptr ? sync(wal) : Status::Ok();
    for (Waiting& w : batch) w.answer(w.wal != nullptr ? synced : Status::Ok());
    batch.clear();
    {
      std::lock_guard lock(mu_);
      answering_ = false;
    }
    taken_.notify_all();
  }
}

}  // namespace lienthong::store
