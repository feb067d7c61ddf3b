#include "engine/store/outbound_writes.h"

#include <algorithm>
#include <cassert>
#include <set>

namespace lienthong::store {
namespace {

// An item's body goes to outbound_bodies, apart from the state that changes at
// every attempt (STORE-12): outbound.body stays empty in rows written since schema 5.
constexpr const char* kInsertItem =
    "INSERT INTO outbound (message_id, route, destination, ordering_key, message_type, content_type, body,"
    " status, blocks, attempts, next_attempt_at_us, created_at_us, updated_at_us, last_error, body_codec, body_size)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, X'', ?7, 0, 0, 0, ?8, ?8, ?9, ?10, ?11)";
constexpr const char* kInsertBody = "INSERT INTO outbound_bodies (item_id, body) VALUES (?1, ?2)";

constexpr const char* kUpdateItem =
    "UPDATE outbound SET status = ?2, blocks = ?3, attempts = ?4, next_attempt_at_us = ?5, last_error = ?6,"
    " updated_at_us = ?7 WHERE id = ?1";

constexpr const char* kInsertAttempt =
    "INSERT INTO attempts (item_id, at_us, duration_us, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr const char* kItemState = "SELECT status, blocks, destination, ordering_key FROM outbound WHERE id = ?1";

constexpr const char* kHeldOfKey =
    "SELECT id FROM outbound WHERE destination = ?1 AND status = 'held' AND ordering_key = ?2";

constexpr const char* kDeadOfDestination =
    "SELECT id FROM outbound WHERE destination = ?1 AND status = 'dead' AND created_at_us >= ?2";

constexpr const char* kCopyItem =
    "INSERT INTO outbound (message_id, route, destination, ordering_key, message_type, content_type, body,"
    " status, blocks, attempts, next_attempt_at_us, created_at_us, updated_at_us, last_error, replay_of,"
    " body_codec, body_size)"
    " SELECT message_id, route, destination, ordering_key, message_type, content_type, X'',"
    " 'pending', 0, 0, 0, ?2, ?2, '', id, body_codec, body_size FROM outbound WHERE id = ?1";
// The copy's body: the original's, wherever its schema version kept it.
constexpr const char* kCopyBody =
    "INSERT INTO outbound_bodies (item_id, body)"
    " SELECT ?2, coalesce(b.body, o.body) FROM outbound o LEFT JOIN outbound_bodies b ON b.item_id = o.id"
    " WHERE o.id = ?1";

constexpr const char* kMarkReplayed =
    "UPDATE outbound SET status = 'replayed', blocks = 0, updated_at_us = ?2 WHERE id = ?1";

// Completed messages: none of their items still needs delivering or an operator.
constexpr const char* kPruneCandidates =
    "SELECT id FROM messages WHERE received_at_us < ?1 AND (?3 OR bodies_pruned = 0)"
    " AND NOT EXISTS (SELECT 1 FROM outbound o WHERE o.message_id = messages.id"
    " AND o.status IN ('pending', 'held', 'dead')) ORDER BY received_at_us LIMIT ?2";

constexpr const char* kDropMessageBody = "UPDATE messages SET raw = X'', bodies_pruned = 1 WHERE id = ?1";
constexpr const char* kDropItemBodies =
    "UPDATE outbound SET body = X'', body_codec = '', body_size = 0 WHERE message_id = ?1";
constexpr const char* kDeleteItemBodies =
    "DELETE FROM outbound_bodies WHERE item_id IN (SELECT id FROM outbound WHERE message_id = ?1)";
constexpr const char* kDeleteAttempts =
    "DELETE FROM attempts WHERE item_id IN (SELECT id FROM outbound WHERE message_id = ?1)";
constexpr const char* kDeleteItems = "DELETE FROM outbound WHERE message_id = ?1";
constexpr const char* kDeleteMessage = "DELETE FROM messages WHERE id = ?1";
constexpr const char* kUpsertStatus =
    "INSERT INTO delivery_status (destination, in_flight, in_memory, updated_at_us) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (destination) DO UPDATE SET in_flight = ?2, in_memory = ?3, updated_at_us = ?4";

// Binds `args` in order, runs the statement, resets it.
template <class... Args>
Status run_sql(WriteTxn& txn, const char* sql, std::string_view what, const Args&... args) {
  auto stmt = txn.statement(sql);
  if (!stmt) return stmt.error();
  int index = 0;
  ((*stmt)->bind(++index, args), ...);
  return txn.run(**stmt, what);
}

Result<std::vector<std::int64_t>> select_ids(WriteTxn& txn, sqlite::Statement& stmt, std::string_view what) {
  std::vector<std::int64_t> ids;
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) ids.push_back(stmt.column_int(0));
  stmt.reset();
  if (rc != SQLITE_DONE) return txn.failure(rc, what);
  return ids;
}

}  // namespace

Result<std::vector<OutboundItem>> insert_outbound(WriteTxn& txn, std::int64_t message_id,
                                                  const std::string& message_type, const std::string& control_id,
                                                  std::int64_t now_us, std::vector<OutboundRecord>& records,
                                                  const std::vector<StoredBody>& bodies) {
  assert(bodies.size() == records.size());
  std::vector<OutboundItem> items;
  items.reserve(records.size());
  auto stmt = txn.statement(kInsertItem);
  if (!stmt) return stmt.error();
  sqlite::Statement& insert = **stmt;
  auto body_stmt = txn.statement(kInsertBody);
  if (!body_stmt) return body_stmt.error();
  sqlite::Statement& insert_body = **body_stmt;
  for (std::size_t i = 0; i < records.size(); ++i) {
    OutboundRecord& r = records[i];
    const StoredBody& stored = bodies[i];
    insert.bind(1, message_id);
    insert.bind(2, r.route);
    insert.bind(3, r.destination);
    insert.bind(4, r.ordering_key);
    insert.bind(5, message_type);
    insert.bind(6, r.content_type);
    insert.bind(7, r.status);
    insert.bind(8, now_us);
    insert.bind(9, r.error);
    insert.bind(10, stored.codec);
    insert.bind(11, stored.size);
    if (Status s = txn.run(insert, "insert outbound item"); !s) return s.error();
    OutboundItem item;
    item.id = sqlite3_last_insert_rowid(txn.db());
    insert_body.bind(1, item.id);
    insert_body.bind_blob(2, bytes_to_store(stored, r.body));
    if (Status s = txn.run(insert_body, "insert outbound body"); !s) return s.error();
    item.message_id = message_id;
    item.route = std::move(r.route);
    item.destination = std::move(r.destination);
    item.ordering_key = std::move(r.ordering_key);
    item.message_type = message_type;
    item.control_id = control_id;
    item.content_type = std::move(r.content_type);
    item.body = std::move(r.body);
    item.status = std::move(r.status);
    item.created_at_us = now_us;
    item.updated_at_us = now_us;
    item.last_error = std::move(r.error);
    items.push_back(std::move(item));
  }
  return items;
}

Status apply_updates(WriteTxn& txn, const std::vector<ItemUpdate>& updates, std::int64_t now_us) {
  for (const ItemUpdate& u : updates) {
    Status s = run_sql(txn, kUpdateItem, "update outbound item", u.id, std::string_view(u.status),
                       std::int64_t{u.blocks ? 1 : 0}, std::int64_t{u.attempts}, u.next_attempt_at_us,
                       std::string_view(u.error), now_us);
    if (!s) return s;
    if (u.attempt) {
      const AttemptRecord& a = *u.attempt;
      s = run_sql(txn, kInsertAttempt, "insert attempt", u.id, a.at_us, a.duration_us,
                  std::string_view(a.outcome), std::string_view(a.detail));
      if (!s) return s;
    }
  }
  return Status::Ok();
}

Result<std::vector<std::int64_t>> apply_replay(WriteTxn& txn, const ReplayRequest& request, std::int64_t now_us) {
  std::set<std::int64_t> chosen(request.ids.begin(), request.ids.end());
  if (!request.destination.empty() && request.ids.empty()) {
    auto dead = txn.statement(kDeadOfDestination);
    if (!dead) return dead.error();
    (*dead)->bind(1, request.destination);
    (*dead)->bind(2, request.since_us.value_or(0));
    auto ids = select_ids(txn, **dead, "find dead items");
    if (!ids) return ids.error();
    chosen.insert(ids->begin(), ids->end());
  }
  // Keep what can be replayed; a blocking dead item brings its key's held items.
  std::set<std::int64_t> copy;
  for (std::int64_t id : chosen) {
    auto state = txn.statement(kItemState);
    if (!state) return state.error();
    sqlite::Statement& st = **state;
    st.bind(1, id);
    int rc = st.step();
    if (rc != SQLITE_ROW) {
      st.reset();
      if (rc == SQLITE_DONE) continue;  // no such item
      return txn.failure(rc, "read outbound item");
    }
    std::string status = st.column_text(0);
    bool blocks = st.column_int(1) != 0;
    std::string destination = st.column_text(2);
    std::string key = st.column_text(3);
    st.reset();
    if (status == "pending" || status == "replayed") continue;
    copy.insert(id);
    if (status == "dead" && blocks) {
      auto held = txn.statement(kHeldOfKey);
      if (!held) return held.error();
      (*held)->bind(1, destination);
      (*held)->bind(2, key);
      auto ids = select_ids(txn, **held, "find held items");
      if (!ids) return ids.error();
      copy.insert(ids->begin(), ids->end());
    }
  }
  std::vector<std::int64_t> created;
  for (std::int64_t id : copy) {  // ascending: per-key order is kept in the copies
    if (Status s = run_sql(txn, kCopyItem, "copy outbound item", id, now_us); !s) return s.error();
    const std::int64_t copy_id = sqlite3_last_insert_rowid(txn.db());
    if (Status s = run_sql(txn, kCopyBody, "copy outbound body", id, copy_id); !s) return s.error();
    created.push_back(copy_id);
    if (Status s = run_sql(txn, kMarkReplayed, "mark item replayed", id, now_us); !s) return s.error();
  }
  return created;
}

Result<PruneResult> apply_prune(WriteTxn& txn, const PruneRequest& request) {
  auto candidates = txn.statement(kPruneCandidates);
  if (!candidates) return candidates.error();
  (*candidates)->bind(1, request.before_us);
  (*candidates)->bind(2, static_cast<std::int64_t>(request.limit));
  (*candidates)->bind(3, std::int64_t{request.drop_metadata ? 1 : 0});
  auto ids = select_ids(txn, **candidates, "find messages to prune");
  if (!ids) return ids.error();
  for (std::int64_t id : *ids) {
    Status s;
    if (request.drop_metadata) {
      s = run_sql(txn, kDeleteAttempts, "prune attempts", id);
      if (s) s = run_sql(txn, kDeleteItemBodies, "prune item bodies", id);
      if (s) s = run_sql(txn, kDeleteItems, "prune items", id);
      if (s) s = run_sql(txn, kDeleteMessage, "prune message", id);
    } else {
      s = run_sql(txn, kDropMessageBody, "prune message body", id);
      if (s) s = run_sql(txn, kDeleteItemBodies, "prune item bodies", id);
      if (s) s = run_sql(txn, kDropItemBodies, "prune item bodies", id);
    }
    if (!s) return s.error();
  }
  return PruneResult{static_cast<std::int64_t>(ids->size())};
}

Status apply_status(WriteTxn& txn, const std::vector<DeliveryStatus>& status) {
  for (const DeliveryStatus& d : status) {
    Status s = run_sql(txn, kUpsertStatus, "record delivery status", std::string_view(d.destination), d.in_flight,
                       d.in_memory, d.updated_at_us);
    if (!s) return s;
  }
  return Status::Ok();
}

}  // namespace lienthong::store
