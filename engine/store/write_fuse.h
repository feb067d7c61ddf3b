// WriteFuse: the store's "stop writing" switch, shared by the writer and the
// checkpointer (docs/specs/store.md STORE-3.2).
//
// After a failed fsync the kernel may have dropped pages it had accepted, so
// what is on disk is unknown and a later "successful" fsync proves nothing:
// whichever thread sees the failure blows the fuse, and from then on neither
// the writer (appends fail fast) nor the checkpointer (copies no page, keeps the
// WAL at close) writes to the files. The first reason is kept.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

namespace lienthong::store {

// The result codes that blow the fuse: a file or directory fsync failed.
inline bool is_sync_failure(int rc) {
  return rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_DIR_FSYNC;
}

class WriteFuse {
 public:
  // Keeps the first reason only; later calls change nothing.
  void blow(std::string reason) {
    std::lock_guard lock(mu_);
    if (reason_) return;
    reason_ = std::move(reason);
    blown_.store(true, std::memory_order_release);
  }

  // Cheap enough for every batch and every checkpoint.
  bool blown() const { return blown_.load(std::memory_order_acquire); }

  std::optional<std::string> reason() const {
    std::lock_guard lock(mu_);
    return reason_;
  }

 private:
  mutable std::mutex mu_;
  std::optional<std::string> reason_;
  std::atomic<bool> blown_{false};
};

}  // namespace lienthong::store
