#include "engine/store/batch_writer.h"

#include "engine/base/clock.h"
#include "engine/store/outbound_writes.h"

namespace lienthong::store {
namespace {

// A candidate of the duplicate index, confirmed by its row (STORE-4.1).
constexpr const char* kFindOriginal =
    "SELECT ack FROM messages WHERE id = ?1 AND source = ?2 AND sending_application = ?3"
    " AND sending_facility = ?4 AND control_id = ?5 AND status = 'accepted' AND received_at_us >= ?6";

// What the duplicate index is filled with at open (STORE-4.4), through messages_received_at.
constexpr const char* kWindowOriginals =
    "SELECT id, source, sending_application, sending_facility, control_id FROM messages"
    " WHERE received_at_us >= ?1 AND status = 'accepted' AND control_id != '' ORDER BY id";

// The first message received at or after a time: entries below its id left the window.
constexpr const char* kFirstSince =
    "SELECT id FROM messages WHERE received_at_us >= ?1 ORDER BY received_at_us LIMIT 1";

// Entries stay this much longer than the window: ids follow commit order and
// received times the intake's clock, which can disagree by a queue's delay.
constexpr std::int64_t kIndexMarginUs = 10LL * 60 * 1'000'000;

constexpr const char* kInsert =
    "INSERT INTO messages (source, peer, received_at_us, raw, encoding, message_type,"
    " trigger_event, version, control_id, sending_application, sending_facility, status,"
    " ack, error, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

}  // namespace

Result<BatchWriter> BatchWriter::create(sqlite::Connection db, std::int64_t duplicate_window_us,
                                        WriteFuse& fuse) {
  BatchWriter w;
  w.window_us_ = duplicate_window_us;
  w.fuse_ = &fuse;
  sqlite3* raw = db.get();
  w.db_ = std::move(db);
  struct Entry {
    sqlite::Statement* stmt;
    const char* sql;
  };
  for (Entry e : {Entry{&w.begin_, "BEGIN IMMEDIATE"}, Entry{&w.commit_, "COMMIT"},
                  Entry{&w.rollback_, "ROLLBACK"}, Entry{&w.find_original_, kFindOriginal},
                  Entry{&w.insert_, kInsert}, Entry{&w.first_since_, kFirstSince},
                  Entry{&w.savepoint_, "SAVEPOINT write"},
                  Entry{&w.release_, "RELEASE write"}, Entry{&w.rollback_to_, "ROLLBACK TO write"}}) {
    auto s = sqlite::Statement::prepare(raw, e.sql);
    if (!s) return s.error();
    *e.stmt = std::move(*s);
  }
  w.txn_ = std::make_unique<WriteTxn>(raw);
  if (w.window_us_ > 0) {
    if (Status loaded = w.load_duplicate_index(); !loaded) return loaded.error();
  }
  return w;
}

Status BatchWriter::load_duplicate_index() {
  auto originals = sqlite::Statement::prepare(db_.get(), kWindowOriginals);
  if (!originals) return originals.error();
  originals->bind(1, unix_now_us() - window_us_ - kIndexMarginUs);
  int rc;
  while ((rc = originals->step()) == SQLITE_ROW) {
    duplicates_.add(DuplicateIndex::hash_key(originals->column_view(1), originals->column_view(2),
                                             originals->column_view(3), originals->column_view(4)),
                    originals->column_int(0));
  }
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db_.get(), rc, "loading the duplicate index"), {}};
  return Status();
}

Result<std::int64_t> BatchWriter::find_original(const InboundRecord& r, std::uint64_t hash) {
  int failed = SQLITE_OK;
  const std::int64_t id = duplicates_.find(hash, [&](std::int64_t candidate) {
    if (failed != SQLITE_OK) return false;
    find_original_.bind(1, candidate);
    find_original_.bind(2, r.source);
    find_original_.bind(3, r.sending_application);
    find_original_.bind(4, r.sending_facility);
    find_original_.bind(5, r.control_id);
    find_original_.bind(6, r.received_at_us - window_us_);
    const int rc = find_original_.step();
    if (rc == SQLITE_ROW) {
      original_ack_ = find_original_.column_text(0);
    } else if (rc != SQLITE_DONE) {
      failed = rc;
    }
    find_original_.reset();
    return rc == SQLITE_ROW;
  });
  if (failed != SQLITE_OK) return Error{sqlite::describe(db_.get(), failed, "duplicate lookup"), {}};
  return id;
}

Status BatchWriter::index_original(std::uint64_t hash, std::int64_t id, std::int64_t received_at_us) {
  if (duplicates_.drop_due()) {
    // Drop what left the window (amortised: once each time the entries double).
    first_since_.bind(1, received_at_us - window_us_ - kIndexMarginUs);
    const int rc = first_since_.step();
    const std::int64_t first = rc == SQLITE_ROW ? first_since_.column_int(0) : id;
    first_since_.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error{sqlite::describe(db_.get(), rc, "duplicate index"), {}};
    duplicates_.drop_below(first);
  }
  duplicates_.add(hash, id);
  added_.push_back({hash, id});
  return Status();
}

Result<Appended> BatchWriter::write_one(PendingAppend& append) {
  InboundRecord& r = append.record;
  const bool indexed = window_us_ > 0 && r.status == "accepted" && !r.control_id.empty();
  std::uint64_t hash = 0;
  if (indexed) {
    hash = DuplicateIndex::hash_key(r.source, r.sending_application, r.sending_facility, r.control_id);
    auto original = find_original(r, hash);
    if (!original) return original.error();
    if (*original != 0) return Appended{*original, true, std::move(original_ack_), {}};
  }
  insert_.bind(1, r.source);
  insert_.bind(2, r.peer);
  insert_.bind(3, r.received_at_us);
  insert_.bind_blob(4, r.raw);
  insert_.bind(5, r.encoding);
  insert_.bind(6, r.message_type);
  insert_.bind(7, r.trigger_event);
  insert_.bind(8, r.version);
  insert_.bind(9, r.control_id);
  insert_.bind(10, r.sending_application);
  insert_.bind(11, r.sending_facility);
  insert_.bind(12, r.status);
  insert_.bind_blob(13, r.ack);
  insert_.bind(14, r.error);
  insert_.bind(15, static_cast<std::int64_t>(r.raw.size()));
  int rc = insert_.step();
  insert_.reset();
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db_.get(), rc, "insert"), {}};
  Appended appended{sqlite3_last_insert_rowid(db_.get()), false, {}, {}};
  if (indexed) {
    if (Status s = index_original(hash, appended.id, r.received_at_us); !s) return s.error();
  }
  if (!r.outbound.empty()) {
    auto items = insert_outbound(*txn_, appended.id, r.message_type + "^" + r.trigger_event, r.control_id,
                                 r.received_at_us, r.outbound, append.bodies);
    if (!items) return items.error();
    appended.items = std::move(*items);
  }
  return appended;
}

Status BatchWriter::write_other(const PendingWrite& w) {
  int rc = savepoint_.step();
  savepoint_.reset();
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db_.get(), rc, "savepoint"), {}};
  Status applied = w.apply(*txn_);
  if (!applied) {
    (void)rollback_to_.step();
    rollback_to_.reset();
  }
  rc = release_.step();
  release_.reset();
  if (applied && rc != SQLITE_DONE) return Error{sqlite::describe(db_.get(), rc, "release savepoint"), {}};
  return applied;
}

std::vector<BatchWriter::Outcome> BatchWriter::commit(std::vector<QueuedWrite>& batch) {
  auto fail_all = [&](const std::string& why) {
    std::vector<Outcome> out;
    out.reserve(batch.size());
    for (const QueuedWrite& w : batch) {
      if (std::holds_alternative<PendingAppend>(w)) {
        out.emplace_back(Result<Appended>(Error{why, {}}));
      } else {
        out.emplace_back(Status(Error{why, {}}));
      }
    }
    return out;
  };
  if (fuse_->blown()) return fail_all(fuse_->reason().value_or("store is read-only"));
  added_.clear();

  int rc = begin_.step();
  begin_.reset();
  if (rc != SQLITE_DONE) {
    std::string why = sqlite::describe(db_.get(), rc, "store cannot begin a transaction");
    if (!sqlite3_get_autocommit(db_.get())) {
      (void)rollback_.step();
      rollback_.reset();
    }
    return fail_all(why);
  }

  std::vector<Outcome> out;
  out.reserve(batch.size());
  std::optional<std::string> failure;
  for (QueuedWrite& w : batch) {
    if (auto* append = std::get_if<PendingAppend>(&w)) {
      auto one = write_one(*append);
      if (!one) {
        failure = "store write failed: " + one.error().message;
        break;
      }
      out.emplace_back(std::move(one));
    } else {
      out.emplace_back(write_other(std::get<PendingWrite>(w)));
    }
  }
  if (!failure) {
    rc = commit_.step();
    commit_.reset();
    if (rc == SQLITE_DONE) return out;
    failure = sqlite::describe(db_.get(), rc, "store commit failed");
    if (is_sync_failure(rc)) {
      // A failed fsync may have dropped pages the kernel had accepted; what is on
      // disk is no longer known, so nothing more is written (STORE-3.2), not even
      // the checkpoint SQLite runs when the last connection closes.
      fuse_->blow("store is read-only after a failed fsync (" + *failure +
                  "); restart the engine after checking the disk");
      sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    }
  }
  // A failed COMMIT may already have rolled back; ROLLBACK again would error.
  if (!sqlite3_get_autocommit(db_.get())) {
    (void)rollback_.step();
    rollback_.reset();
  }
  // The rows are gone, so are their index entries.
  for (const auto& [hash, id] : added_) duplicates_.remove(hash, id);
  added_.clear();
  return fail_all(*failure);
}

}  // namespace lienthong::store
