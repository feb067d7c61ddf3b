#include "engine/store/outbound_query.h"

#include <map>

#include "engine/store/body_codec.h"
#include "engine/store/sqlite_handle.h"

namespace lienthong::store {
namespace {

constexpr const char* kItemColumns =
    "o.id, o.message_id, o.route, o.destination, o.ordering_key, o.message_type, m.control_id, o.content_type,"
    " coalesce(b.body, o.body), o.status, o.blocks, o.attempts, o.next_attempt_at_us, o.created_at_us, o.updated_at_us,"
    " o.last_error, o.replay_of, o.body_codec, o.body_size";
// Since schema 5 a body is in outbound_bodies; rows written before keep it in
// outbound.body (STORE-12).
constexpr const char* kItemSource =
    " FROM outbound o JOIN messages m ON m.id = o.message_id LEFT JOIN outbound_bodies b ON b.item_id = o.id";

Result<OutboundItem> read_item(const sqlite::Statement& st) {
  OutboundItem item;
  item.id = st.column_int(0);
  item.message_id = st.column_int(1);
  item.route = st.column_text(2);
  item.destination = st.column_text(3);
  item.ordering_key = st.column_text(4);
  item.message_type = st.column_text(5);
  item.control_id = st.column_text(6);
  item.content_type = st.column_text(7);
  auto body = decode_body(st.column_view(17), st.column_view(8), st.column_int(18));
  if (!body) return Error{"item " + std::to_string(item.id) + ": stored body: " + body.error().message, {}};
  item.body = std::move(*body);
  item.status = st.column_text(9);
  item.blocks = st.column_int(10) != 0;
  item.attempts = static_cast<int>(st.column_int(11));
  item.next_attempt_at_us = st.column_int(12);
  item.created_at_us = st.column_int(13);
  item.updated_at_us = st.column_int(14);
  item.last_error = st.column_text(15);
  if (!st.column_is_null(16)) item.replay_of = st.column_int(16);
  return item;
}

// Commits (ends) a read transaction on scope exit.
struct ReadTxn {
  sqlite3* db;
  ~ReadTxn() { (void)sqlite::exec(db, "COMMIT"); }
};

}  // namespace

Result<QueueSnapshot> query_queue(sqlite3* db, const QueueLoad& load) {
  // One snapshot: a replay that releases a blocked key and creates its copies
  // is seen either entirely or not at all.
  if (Status s = sqlite::exec(db, "BEGIN"); !s) return s.error();
  ReadTxn txn{db};
  QueueSnapshot out;
  std::string sql = std::string("SELECT ") + kItemColumns + kItemSource +
                    " WHERE o.destination = ?1 AND o.status = 'pending' AND o.id > ?2 ORDER BY o.id LIMIT ?3";
  auto items = sqlite::Statement::prepare(db, sql);
  if (!items) return items.error();
  items->bind(1, load.destination);
  items->bind(2, load.after_id);
  items->bind(3, static_cast<std::int64_t>(load.limit));
  int rc;
  while ((rc = items->step()) == SQLITE_ROW) {
    auto item = read_item(*items);
    if (!item) return item.error();
    out.pending.push_back(std::move(*item));
  }
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "read queue"), {}};

  if (!load.with_blocked) return out;
  auto keys = sqlite::Statement::prepare(
      db, "SELECT ordering_key, max(id) FROM outbound WHERE destination = ?1 AND status = 'dead' AND blocks = 1"
          " GROUP BY ordering_key");
  if (!keys) return keys.error();
  keys->bind(1, load.destination);
  while ((rc = keys->step()) == SQLITE_ROW) out.blocked.push_back(BlockedKey{keys->column_text(0), keys->column_int(1)});
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "read blocked keys"), {}};
  auto orphans = sqlite::Statement::prepare(
      db, "SELECT id FROM outbound o WHERE destination = ?1 AND status = 'held' AND NOT EXISTS"
          " (SELECT 1 FROM outbound d WHERE d.destination = o.destination AND d.ordering_key = o.ordering_key"
          " AND d.status = 'dead' AND d.blocks = 1) ORDER BY id");
  if (!orphans) return orphans.error();
  orphans->bind(1, load.destination);
  while ((rc = orphans->step()) == SQLITE_ROW) out.orphan_held.push_back(orphans->column_int(0));
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "read held items"), {}};
  return out;
}

Result<std::vector<QueueCounts>> query_queue_counts(sqlite3* db) {
  auto st = sqlite::Statement::prepare(
      db,
      "SELECT destination, status, attempts > 0, count(*), min(created_at_us) FROM outbound"
      " WHERE status IN ('pending', 'held', 'dead', 'done') GROUP BY destination, status, attempts > 0");
  if (!st) return st.error();
  std::map<std::string, QueueCounts> by_destination;
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) {
    std::string destination = st->column_text(0);
    QueueCounts& c = by_destination[destination];
    c.destination = destination;
    std::string status = st->column_text(1);
    bool tried = st->column_int(2) != 0;
    std::int64_t n = st->column_int(3);
    std::int64_t oldest = st->column_int(4);
    if (status == "pending") {
      (tried ? c.retrying : c.pending) += n;
    } else if (status == "held") {
      c.held += n;
    } else if (status == "dead") {
      c.dead += n;
    } else {
      c.done += n;
    }
    if (status == "pending" || status == "held") {
      if (!c.oldest_pending_us || oldest < *c.oldest_pending_us) c.oldest_pending_us = oldest;
    }
  }
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "count queue"), {}};
  auto status = sqlite::Statement::prepare(db, "SELECT destination, in_flight, in_memory, updated_at_us FROM delivery_status");
  if (!status) return status.error();
  while ((rc = status->step()) == SQLITE_ROW) {
    DeliveryStatus d{status->column_text(0), status->column_int(1), status->column_int(2), status->column_int(3)};
    QueueCounts& c = by_destination[d.destination];
    c.destination = d.destination;
    c.engine = std::move(d);
  }
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "read delivery status"), {}};
  std::vector<QueueCounts> out;
  for (auto& entry : by_destination) out.push_back(std::move(entry.second));
  return out;
}

Result<std::vector<ItemDetail>> query_items_of_message(sqlite3* db, std::int64_t message_id) {
  std::string sql = std::string("SELECT ") + kItemColumns + kItemSource + " WHERE o.message_id = ?1 ORDER BY o.id";
  auto items = sqlite::Statement::prepare(db, sql);
  if (!items) return items.error();
  items->bind(1, message_id);
  std::vector<ItemDetail> out;
  int rc;
  while ((rc = items->step()) == SQLITE_ROW) {
    auto item = read_item(*items);
    if (!item) return item.error();
    out.push_back(ItemDetail{std::move(*item), {}});
  }
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "read items"), {}};

  auto attempts = sqlite::Statement::prepare(
      db, "SELECT at_us, duration_us, outcome, detail FROM attempts WHERE item_id = ?1 ORDER BY id");
  if (!attempts) return attempts.error();
  for (ItemDetail& d : out) {
    attempts->bind(1, d.item.id);
    while ((rc = attempts->step()) == SQLITE_ROW) {
      d.attempts.push_back(AttemptRecord{attempts->column_int(0), attempts->column_int(1),
                                         attempts->column_text(2), attempts->column_text(3)});
    }
    attempts->reset();
    if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "read attempts"), {}};
  }
  return out;
}

}  // namespace lienthong::store
