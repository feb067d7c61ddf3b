#include "engine/store/batch_writer.h"

#include "engine/store/outbound_writes.h"

namespace lienthong::store {
namespace {

constexpr const char* kFindOriginal =
    "SELECT id, ack FROM messages WHERE source = ?1 AND sending_application = ?2"
    " AND sending_facility = ?3 AND control_id = ?4 AND status = 'accepted'"
    " AND received_at_us >= ?5 ORDER BY id LIMIT 1";

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
                  Entry{&w.insert_, kInsert}, Entry{&w.savepoint_, "SAVEPOINT write"},
                  Entry{&w.release_, "RELEASE write"}, Entry{&w.rollback_to_, "ROLLBACK TO write"}}) {
    auto s = sqlite::Statement::prepare(raw, e.sql);
    if (!s) return s.error();
    *e.stmt = std::move(*s);
  }
  w.txn_ = std::make_unique<WriteTxn>(raw);
  return w;
}

Result<Appended> BatchWriter::write_one(PendingAppend& append) {
  InboundRecord& r = append.record;
  if (window_us_ > 0 && r.status == "accepted" && !r.control_id.empty()) {
    find_original_.bind(1, r.source);
    find_original_.bind(2, r.sending_application);
    find_original_.bind(3, r.sending_facility);
    find_original_.bind(4, r.control_id);
    find_original_.bind(5, r.received_at_us - window_us_);
    int rc = find_original_.step();
    if (rc == SQLITE_ROW) {
      Appended dup{find_original_.column_int(0), true, find_original_.column_text(1), {}};
      find_original_.reset();
      return dup;
    }
    find_original_.reset();
    if (rc != SQLITE_DONE) return Error{sqlite::describe(db_.get(), rc, "duplicate lookup"), {}};
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
  return fail_all(*failure);
}

}  // namespace lienthong::store
