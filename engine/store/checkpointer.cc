#include "engine/store/checkpointer.h"

#include <algorithm>
#include <string>

#include "engine/base/thread_name.h"
namespace lienthong::store {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kMaxForcedBackoff = 30s;
// A disk that stays full fails every checkpoint; one line a minute says so.
constexpr auto kFailureWarningEvery = 60s;

std::string megabytes(std::int64_t bytes) {
  return std::to_string((bytes + (1 << 19)) >> 20) + " MB";
}

}  // namespace

Checkpointer::Checkpointer(sqlite::Connection db, CheckpointOptions options, WriteFuse& fuse,
                           StoreWarning warn)
    : db_(std::move(db)), options_(options), fuse_(fuse), warn_(std::move(warn)) {}

Result<std::unique_ptr<Checkpointer>> Checkpointer::start(sqlite::Connection db,
                                                          CheckpointOptions options,
                                                          WriteFuse& fuse, StoreWarning warn) {
  // Reading the schema once opens the WAL on this connection before its first
  // checkpoint, and tells the page size the WAL limit is counted in.
  if (auto s = sqlite::query_int(db.get(), "SELECT count(*) FROM sqlite_schema"); !s) {
    return s.error();
  }
  auto page_size = sqlite::query_int(db.get(), "PRAGMA page_size");
  if (!page_size) return page_size.error();
  // PASSIVE never waits; RESTART and TRUNCATE set their own bound.
  sqlite3_busy_timeout(db.get(), 0);
  options.pages = std::max(options.pages, 1);
  options.interval = std::max(options.interval, std::chrono::milliseconds(1));
  std::unique_ptr<Checkpointer> c(new Checkpointer(std::move(db), options, fuse, std::move(warn)));
  c->page_size_ = *page_size;
  c->thread_ = std::thread([p = c.get()] { p->run(); });
  name_thread(c->thread_, "lt-checkpoint");
  return c;
}

Checkpointer::~Checkpointer() { stop(); }

Status Checkpointer::attach(sqlite3* writer_db) {
  if (auto s = sqlite::exec(writer_db, "PRAGMA wal_autocheckpoint = 0"); !s) return s;
  const std::string size_limit =
      "PRAGMA journal_size_limit = " + std::to_string(options_.wal_limit_bytes);
  if (auto s = sqlite::exec(writer_db, size_limit.c_str()); !s) return s;
  sqlite3_wal_hook(writer_db, &Checkpointer::wal_hook, this);
  return Status::Ok();
}

void Checkpointer::detach(sqlite3* writer_db) { sqlite3_wal_hook(writer_db, nullptr, nullptr); }

int Checkpointer::wal_hook(void* self, sqlite3*, const char*, int frames) {
  static_cast<Checkpointer*>(self)->on_commit(frames);
  return SQLITE_OK;
}

void Checkpointer::on_commit(int frames) {
  // `frames` is the WAL's length; shorter than last time: the writer started it over.
  const int added = frames >= last_frames_ ? frames - last_frames_ : frames;
  last_frames_ = frames;
  const std::int64_t pending = new_frames_.fetch_add(added, std::memory_order_relaxed) + added;
  // Only a threshold crossing wakes the thread: no futex call on most commits.
  if (pending >= options_.pages && !wake_.exchange(true, std::memory_order_relaxed)) {
    { std::lock_guard lock(mu_); }  // the thread is either waiting or will see wake_
    cv_.notify_one();
  }
}

void Checkpointer::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.interval,
                 [&] { return stopping_ || wake_.load(std::memory_order_relaxed); });
    if (stopping_) break;
    wake_.store(false, std::memory_order_relaxed);
    if (new_frames_.load(std::memory_order_relaxed) == 0) continue;  // nothing committed
    lock.unlock();
    checkpoint();
    lock.lock();
  }
  lock.unlock();
  final_checkpoint();
  db_.reset();
}

void Checkpointer::checkpoint() {
  if (fuse_.blown()) return;
  new_frames_.store(0, std::memory_order_relaxed);
  int log = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  // BUSY: another connection (another process) is checkpointing right now.
  if (rc == SQLITE_BUSY) return;
  if (rc != SQLITE_OK) return failed(rc, "WAL checkpoint");
  checkpoints_.fetch_add(1, std::memory_order_relaxed);
  frames_.store(static_cast<std::uint64_t>(log), std::memory_order_relaxed);
  if (static_cast<std::int64_t>(log) * page_size_ < options_.wal_limit_bytes) return;
  const int left = finish_under_gate();
  if (left > 0) force_restart(left);
}

int Checkpointer::finish_under_gate() {
  std::lock_guard gate(gate_);
  if (fuse_.blown()) return 0;
  // The pass above copied the bulk; what is left is what the writer committed
  // meanwhile, so the writer waits for little.
  int log = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  if (rc == SQLITE_BUSY) return 0;
  if (rc != SQLITE_OK) {
    failed(rc, "WAL checkpoint");
    return 0;
  }
  checkpoints_.fetch_add(1, std::memory_order_relaxed);
  gated_.fetch_add(1, std::memory_order_relaxed);
  // All copied: the next batch starts the WAL over. Else a reader holds an old snapshot.
  frames_.store(static_cast<std::uint64_t>(copied == log ? 0 : log), std::memory_order_relaxed);
  return copied == log ? 0 : log;
}

void Checkpointer::force_restart(int frames) {
  const auto now = Clock::now();
  if (now < next_forced_ || fuse_.blown()) return;
  forced_.fetch_add(1, std::memory_order_relaxed);
  const std::string over = "the WAL holds " + megabytes(frames * page_size_) + " (limit " +
                           megabytes(options_.wal_limit_bytes) +
                           ") that a passive checkpoint cannot copy";
  int log = 0, copied = 0;
  int rc;
  {
    // Under the gate the write lock is free at once: the wait is for readers only.
    std::lock_guard gate(gate_);
    if (fuse_.blown()) return;
    sqlite3_busy_timeout(db_.get(), options_.forced_wait_ms);
    rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_RESTART, &log, &copied);
    sqlite3_busy_timeout(db_.get(), 0);
  }
  if (rc == SQLITE_OK) {
    checkpoints_.fetch_add(1, std::memory_order_relaxed);
    gated_.fetch_add(1, std::memory_order_relaxed);
    frames_.store(0, std::memory_order_relaxed);
    forced_backoff_ = 0ms;
    warn("store.wal_checkpoint_forced",
         over + "; a RESTART checkpoint copied all of it, the next commit starts the WAL over");
    return;
  }
  if (rc != SQLITE_BUSY) return failed(rc, "RESTART checkpoint");
  forced_backoff_ = std::min<std::chrono::milliseconds>(
      std::max<std::chrono::milliseconds>(forced_backoff_ * 2, options_.interval * 2),
      kMaxForcedBackoff);
  next_forced_ = now + forced_backoff_;
  warn("store.wal_checkpoint_forced",
       over + "; a RESTART checkpoint could not finish within " +
           std::to_string(options_.forced_wait_ms) +
           " ms (a reader holds an old snapshot); next try in " +
           std::to_string(forced_backoff_.count()) + " ms");
}

void Checkpointer::final_checkpoint() {
  if (fuse_.blown()) {
    // Not even the checkpoint SQLite runs when the last connection closes.
    sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    return;
  }
  sqlite3_busy_timeout(db_.get(), options_.close_wait_ms);
  int log = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &copied);
  sqlite3_busy_timeout(db_.get(), 0);
  if (rc == SQLITE_OK) {
    checkpoints_.fetch_add(1, std::memory_order_relaxed);
    frames_.store(0, std::memory_order_relaxed);
  } else if (rc == SQLITE_BUSY) {
    warn("store.wal_kept_at_close",
         "the WAL could not be emptied within " + std::to_string(options_.close_wait_ms) +
             " ms (a reader holds an old snapshot); the next checkpoint copies it");
  } else {
    failed(rc, "final WAL checkpoint");
  }
}

void Checkpointer::failed(int rc, std::string_view what) {
  const std::string why = sqlite::describe(db_.get(), rc, what);
  if (is_sync_failure(rc)) {
    std::string reason = "store is read-only after a failed fsync (" + why +
                         "); restart the engine after checking the disk";
    fuse_.blow(reason);
    warn("store.read_only", reason);
    return;
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  const auto now = Clock::now();
  if (last_failure_warning_ == Clock::time_point{} ||
      now - last_failure_warning_ >= kFailureWarningEvery) {
    last_failure_warning_ = now;
    warn("store.wal_checkpoint_failed",
         why + "; the pages stay in the WAL and the next checkpoint tries again");
  }
}

void Checkpointer::warn(std::string_view event, const std::string& detail) {
  if (warn_) warn_(event, detail);
}

CheckpointStats Checkpointer::stats() const {
  return CheckpointStats{checkpoints_.load(), gated_.load(), forced_.load(), failures_.load(),
                         frames_.load()};
}

void Checkpointer::stop() {
  std::call_once(stop_once_, [this] {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  });
}

}  // namespace lienthong::store
