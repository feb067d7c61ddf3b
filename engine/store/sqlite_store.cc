#include "engine/store/sqlite_store.h"

#include <chrono>
#include <filesystem>
#include <system_error>

#include "engine/base/clock.h"
#include "engine/base/thread_name.h"
#include "engine/store/batch_writer.h"
#include "engine/store/message_query.h"
#include "engine/store/outbound_query.h"
#include "engine/store/outbound_writes.h"
#include "engine/store/schema.h"
#include "engine/store/wal_batch_vfs.h"
#include "engine/store/wal_syncer.h"

namespace lienthong::store {
namespace {

// Batches of at least this many writes let the writer commit the next one while
// they sync; smaller ones wait for their sync (STORE-11.2).
constexpr std::size_t kCommitAheadFrom = 16;

const char* synchronous_pragma(Synchronous s) {
  switch (s) {
    case Synchronous::kFull: return "PRAGMA synchronous = FULL";
    case Synchronous::kNormal: return "PRAGMA synchronous = NORMAL";
    case Synchronous::kOff: return "PRAGMA synchronous = OFF";
  }
  return "PRAGMA synchronous = FULL";
}

Error at(const std::string& path, const Error& e) {
  return Error{"store " + path + ": " + e.message, {}};
}

Status use_wal(sqlite3* db) {
  auto stmt = sqlite::Statement::prepare(db, "PRAGMA journal_mode = WAL");
  if (!stmt) return stmt.error();
  int rc = stmt->step();
  if (rc != SQLITE_ROW) return Error{sqlite::describe(db, rc, "cannot set WAL mode"), {}};
  if (std::string mode = stmt->column_text(0); mode != "wal") {
    return Error{"cannot set WAL mode (journal mode stays " + mode + ")", {}};
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(SqliteStoreOptions options) {
  const std::string path = options.path;
  if (path.empty()) return Error{"store path is empty", {}};
  if (options.batch_max == 0) options.batch_max = 1;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Error{"store " + path + ": cannot create directory: " + ec.message(), {}};
  }

  // Only the writer writes the WAL: its connection writes each commit with one call.
  auto writer_vfs = wal_batch_vfs(options.vfs);
  if (!writer_vfs) return at(path, writer_vfs.error());
  auto db = sqlite::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, *writer_vfs,
                         options.busy_timeout_ms);
  if (!db) return db.error();
  if (auto s = use_wal(db->get()); !s) return at(path, s.error());
  if (auto s = sqlite::exec(db->get(), synchronous_pragma(options.synchronous)); !s) {
    return at(path, s.error());
  }
  if (auto s = migrate(db->get()); !s) return at(path, s.error());
  // Each write other than an append runs in a savepoint (STORE-2), whose
  // journal of the pages it changes went to a temporary file: two pwrite calls
  // per page (2.5 pages per delivered item), a large share of the writer's time
  // in a backlog drain. It is only read to roll a savepoint back, never after a
  // crash (the WAL is what recovery reads), so memory serves it as well.
  if (auto s = sqlite::exec(db->get(), "PRAGMA temp_store = MEMORY"); !s) return at(path, s.error());
  // FULL: the WAL syncer makes each commit durable (STORE-11), so the writer's
  // COMMIT leaves the sync out and goes on to the next batch.
  const bool sync_apart = options.synchronous == Synchronous::kFull;
  if (sync_apart) {
    if (auto s = sqlite::exec(db->get(), synchronous_pragma(Synchronous::kNormal)); !s) return at(path, s.error());
  }

  std::unique_ptr<SqliteStore> store(new SqliteStore());
  const std::int64_t window_us = options.duplicate_window_seconds * 1'000'000;
  auto writer = BatchWriter::create(std::move(*db), window_us, store->fuse_);
  if (!writer) return at(path, writer.error());
  store->writer_ = std::make_unique<BatchWriter>(std::move(*writer));

  // The checkpointer syncs exactly as the writer does (STORE-8.2).
  auto ckpt_db = sqlite::open(path, SQLITE_OPEN_READWRITE, options.vfs, 0);
  if (!ckpt_db) return ckpt_db.error();
  if (auto s = sqlite::exec(ckpt_db->get(), synchronous_pragma(options.synchronous)); !s) {
    return at(path, s.error());
  }
  auto checkpointer = Checkpointer::start(std::move(*ckpt_db), options.checkpoint, store->fuse_,
                                          options.on_warning);
  if (!checkpointer) return at(path, checkpointer.error());
  store->checkpointer_ = std::move(*checkpointer);
  if (auto s = store->checkpointer_->attach(store->writer_->connection()); !s) {
    return at(path, s.error());
  }

  auto reader = sqlite::open(path, SQLITE_OPEN_READONLY, options.vfs, options.busy_timeout_ms);
  if (!reader) return reader.error();

  store->options_ = std::move(options);
  store->reader_ = std::move(*reader);
  if (sync_apart) store->syncer_ = std::make_unique<WalSyncer>(store->fuse_);
  store->writer_thread_ = std::thread([s = store.get()] { s->run_writer(); });
  name_thread(store->writer_thread_, "lt-writer");
  return store;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open_readonly(const std::string& path,
                                                                const std::string& vfs) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error{"store " + path + ": no such file", {}};
  }
  auto reader = sqlite::open(path, SQLITE_OPEN_READONLY, vfs, 5000);
  if (!reader) return reader.error();
  if (auto s = check_schema(reader->get()); !s) return at(path, s.error());

  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->options_.path = path;
  store->options_.vfs = vfs;
  store->readonly_ = true;
  store->reader_ = std::move(*reader);
  return store;
}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::append(InboundRecord record, AppendCallback done) {
  if (readonly_) {
    done(Error{"store " + options_.path + " is open read-only", {}});
    return;
  }
  // Encoded here, on the caller's thread: the writer thread is the one every
  // commit waits for (STORE-10.3).
  std::vector<StoredBody> bodies;
  bodies.reserve(record.outbound.size());
  for (const OutboundRecord& r : record.outbound) bodies.push_back(encode_body(r.body, options_.body_compression));
  QueuedWrite item = PendingAppend{std::move(record), std::move(done), std::move(bodies)};
  if (!queue_.push(item)) std::get<PendingAppend>(item).done(Error{"store " + options_.path + " is closed", {}});
}

void SqliteStore::write(PendingWrite w) {
  if (readonly_) {
    w.done(Error{"store " + options_.path + " is open read-only", {}});
    return;
  }
  QueuedWrite item = std::move(w);
  if (!queue_.push(item)) std::get<PendingWrite>(item).done(Error{"store " + options_.path + " is closed", {}});
}

void SqliteStore::update_items(std::vector<ItemUpdate> updates, WriteCallback done) {
  auto shared = std::make_shared<std::vector<ItemUpdate>>(std::move(updates));
  write(PendingWrite{[shared](WriteTxn& txn) { return apply_updates(txn, *shared, unix_now_us()); }, std::move(done),
                     /*deferrable=*/true});
}

void SqliteStore::replay(ReplayRequest request, std::function<void(Result<std::vector<std::int64_t>>)> done) {
  auto created = std::make_shared<std::vector<std::int64_t>>();
  write(PendingWrite{[request = std::move(request), created](WriteTxn& txn) -> Status {
                       auto ids = apply_replay(txn, request, unix_now_us());
                       if (!ids) return ids.error();
                       *created = std::move(*ids);
                       return Status::Ok();
                     },
                     [created, done = std::move(done)](Status s) {
                       if (!s) {
                         done(s.error());
                       } else {
                         done(std::move(*created));
                       }
                     }});
}

void SqliteStore::prune(PruneRequest request, std::function<void(Result<PruneResult>)> done) {
  auto result = std::make_shared<PruneResult>();
  write(PendingWrite{[request, result](WriteTxn& txn) -> Status {
                       auto pruned = apply_prune(txn, request);
                       if (!pruned) return pruned.error();
                       *result = *pruned;
                       return Status::Ok();
                     },
                     [result, done = std::move(done)](Status s) {
                       if (!s) {
                         done(s.error());
                       } else {
                         done(*result);
                       }
                     }});
}

void SqliteStore::report_status(std::vector<DeliveryStatus> status, WriteCallback done) {
  auto shared = std::make_shared<std::vector<DeliveryStatus>>(std::move(status));
  write(PendingWrite{[shared](WriteTxn& txn) { return apply_status(txn, *shared); }, std::move(done),
                     /*deferrable=*/true});
}

Result<QueueSnapshot> SqliteStore::load_queue(const QueueLoad& load) {
  std::lock_guard lock(read_mu_);
  if (!reader_) return Error{"store " + options_.path + " is closed", {}};
  auto out = query_queue(reader_.get(), load);
  if (!out) return at(options_.path, out.error());
  return out;
}

Result<std::vector<QueueCounts>> SqliteStore::queue_counts() {
  std::lock_guard lock(read_mu_);
  if (!reader_) return Error{"store " + options_.path + " is closed", {}};
  auto out = query_queue_counts(reader_.get());
  if (!out) return at(options_.path, out.error());
  return out;
}

void SqliteStore::run_writer() {
  const auto delay = std::chrono::microseconds(options_.batch_delay_us);
  const auto update_delay = std::chrono::microseconds(options_.update_delay_us);
  for (;;) {
    // At most one commit ahead of the WAL sync (STORE-11.2).
    if (syncer_) syncer_->wait_until_taken();
    std::vector<QueuedWrite> batch = queue_.take_batch(options_.batch_max, delay, update_delay);
    if (batch.empty()) return;
    std::vector<BatchWriter::Outcome> outcomes;
    {
      std::lock_guard gate(checkpointer_->writer_gate());
      outcomes = writer_->commit(batch);
    }
    // Counted before the callbacks run: a caller woken by one sees the commit.
    bool committed = true;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (std::holds_alternative<PendingAppend>(batch[i])) {
        const auto& outcome = std::get<Result<Appended>>(outcomes[i]);
        if (outcome.ok()) {
          (outcome->duplicate ? duplicates_ : stored_).fetch_add(1, std::memory_order_relaxed);
        } else {
          committed = false;
        }
      }
    }
    (committed ? commits_ : failed_batches_).fetch_add(1, std::memory_order_relaxed);
    if (!syncer_) {
      answer(batch, outcomes, Status::Ok());
      continue;
    }
    // A rolled-back batch has nothing to sync but is answered in its turn.
    sqlite3_file* wal = nullptr;
    Status found = Status::Ok();
    if (committed) {
      sqlite3_file* journal = nullptr;
      sqlite3_file_control(writer_->connection(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal);
      wal = wal_sync_file(journal);
      if (wal == nullptr) found = Error{"store commit cannot be made durable: the WAL file is not open", {}};
    }
    auto pending = std::make_shared<std::pair<std::vector<QueuedWrite>, std::vector<BatchWriter::Outcome>>>(
        std::move(batch), std::move(outcomes));
    auto answer_all = [pending, found = std::move(found)](Status synced) {
      answer(pending->first, pending->second, found ? std::move(synced) : found);
    };
    // A small batch is synced here, as SQLite's own FULL commit would, so the
    // next one collects what arrives meanwhile: committing ahead pays off only
    // when a batch's inserts take about as long as a sync (STORE-11.2).
    if (pending->first.size() < kCommitAheadFrom) {
      syncer_->sync_here(wal, std::move(answer_all));
    } else {
      syncer_->after_commit(wal, std::move(answer_all));
    }
  }
}

void SqliteStore::answer(std::vector<QueuedWrite>& batch, std::vector<BatchWriter::Outcome>& outcomes,
                         Status durable) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (auto* append = std::get_if<PendingAppend>(&batch[i])) {
      auto& outcome = std::get<Result<Appended>>(outcomes[i]);
      if (durable || !outcome) {
        append->done(std::move(outcome));
      } else {
        append->done(durable.error());
      }
    } else {
      auto& status = std::get<Status>(outcomes[i]);
      std::get<PendingWrite>(batch[i]).done(durable || !status ? std::move(status) : durable);
    }
  }
}

void SqliteStore::close() {
  std::call_once(close_once_, [this] {
    queue_.close();
    if (writer_thread_.joinable()) writer_thread_.join();
    // The last commits' answers, after their sync.
    if (syncer_) syncer_->stop();
    // After the last commit: the final TRUNCATE checkpoint (STORE-7.2).
    if (checkpointer_) {
      if (writer_) Checkpointer::detach(writer_->connection());
      checkpointer_->stop();
    }
    if (writer_ && fuse_.blown()) {
      sqlite3_db_config(writer_->connection(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    }
    writer_.reset();
    std::lock_guard lock(read_mu_);
    reader_.reset();
  });
}

Result<std::vector<MessageSummary>> SqliteStore::list(const MessageFilter& filter) {
  std::lock_guard lock(read_mu_);
  if (!reader_) return Error{"store " + options_.path + " is closed", {}};
  auto out = query_messages(reader_.get(), filter);
  if (!out) return at(options_.path, out.error());
  return out;
}

Result<std::optional<MessageDetail>> SqliteStore::get(std::int64_t id) {
  std::lock_guard lock(read_mu_);
  if (!reader_) return Error{"store " + options_.path + " is closed", {}};
  auto out = query_message(reader_.get(), id);
  if (!out) return at(options_.path, out.error());
  if (*out) {
    auto items = query_items_of_message(reader_.get(), id);
    if (!items) return at(options_.path, items.error());
    (*out)->items = std::move(*items);
  }
  return out;
}

Result<std::string> SqliteStore::integrity_check() {
  std::lock_guard lock(read_mu_);
  if (!reader_) return Error{"store " + options_.path + " is closed", {}};
  auto stmt = sqlite::Statement::prepare(reader_.get(), "PRAGMA integrity_check");
  if (!stmt) return stmt.error();
  std::string out;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    if (!out.empty()) out += "\n";
    out += stmt->column_text(0);
  }
  if (rc != SQLITE_DONE) return Error{sqlite::describe(reader_.get(), rc, "integrity_check"), {}};
  return out;
}

SqliteStoreStats SqliteStore::stats() const {
  SqliteStoreStats out{commits_.load(), failed_batches_.load(), stored_.load(), duplicates_.load(), 0, {}};
  // syncer_ too: close() only stops it.
  if (syncer_) out.syncs = syncer_->syncs();
  // checkpointer_ lives as long as the store (close() only stops it).
  if (checkpointer_) out.checkpoint = checkpointer_->stats();
  return out;
}

std::optional<std::string> SqliteStore::broken() const { return fuse_.reason(); }

}  // namespace lienthong::store
