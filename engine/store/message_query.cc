#include "engine/store/message_query.h"

#include "engine/store/sqlite_handle.h"

namespace lienthong::store {

std::string to_sqlite_glob(const std::string& pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (char c : pattern) {
    if (c == '[') {
      out += "[[]";
    } else {
      out += c;
    }
  }
  return out;
}

MessageListQuery message_list_query(const MessageFilter& filter) {
  MessageListQuery q;
  q.type = filter.type;
  if (auto caret = q.type.find('^'); caret != std::string::npos) {
    q.trigger = q.type.substr(caret + 1);
    q.type.resize(caret);
    q.has_trigger = true;
  }
  q.glob = to_sqlite_glob(filter.control_id_pattern);

  // Only the conditions asked for are written, so SQLite can plan each shape
  // (a condition disabled by a flag parameter hides the rowid range below).
  // Newest first walks the rowids down and stops at `limit` matches. A
  // --since also bounds that walk: the smallest id received since then, found
  // in the received_at index alone, is where it ends (exact even when ids and
  // times disagree, as after a clock set back: the time condition stays).
  // INDEXED BY: left to itself SQLite answers min(id) by walking the rowids
  // up from the oldest row until one is recent enough (the whole store for a
  // recent --since).
  q.sql =
      "SELECT id, source, received_at_us, message_type, trigger_event, control_id, status, size"
      " FROM messages WHERE 1";
  if (filter.since_us) {
    q.sql +=
        " AND received_at_us >= ?1"
        " AND id >= (SELECT min(id) FROM messages INDEXED BY messages_received_at WHERE received_at_us >= ?1)";
  }
  if (!q.type.empty()) q.sql += " AND message_type = ?2";
  if (q.has_trigger) q.sql += " AND trigger_event = ?3";
  if (!q.glob.empty()) q.sql += " AND control_id GLOB ?4";
  if (!filter.source.empty()) q.sql += " AND source = ?5";
  q.sql += " ORDER BY id DESC LIMIT ?6";
  return q;
}

Result<std::vector<MessageSummary>> query_messages(sqlite3* db, const MessageFilter& filter) {
  const MessageListQuery q = message_list_query(filter);
  auto stmt = sqlite::Statement::prepare(db, q.sql);
  if (!stmt) return stmt.error();
  if (filter.since_us) stmt->bind(1, *filter.since_us);
  if (!q.type.empty()) stmt->bind(2, q.type);
  if (q.has_trigger) stmt->bind(3, q.trigger);
  if (!q.glob.empty()) stmt->bind(4, q.glob);
  if (!filter.source.empty()) stmt->bind(5, filter.source);
  stmt->bind(6, filter.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(filter.limit));

  std::vector<MessageSummary> out;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    MessageSummary m;
    m.id = stmt->column_int(0);
    m.source = stmt->column_text(1);
    m.received_at_us = stmt->column_int(2);
    m.message_type = stmt->column_text(3);
    m.trigger_event = stmt->column_text(4);
    m.control_id = stmt->column_text(5);
    m.status = stmt->column_text(6);
    m.size = static_cast<std::size_t>(stmt->column_int(7));
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return Error{sqlite::describe(db, rc, "cannot list messages"), {}};
  return out;
}

Result<std::optional<MessageDetail>> query_message(sqlite3* db, std::int64_t id) {
  constexpr const char* kSql =
      "SELECT source, peer, received_at_us, raw, encoding, message_type, trigger_event, version,"
      " control_id, sending_application, sending_facility, status, ack, error"
      " FROM messages WHERE id = ?1";
  auto stmt = sqlite::Statement::prepare(db, kSql);
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  int rc = stmt->step();
  if (rc == SQLITE_DONE) return std::optional<MessageDetail>();
  if (rc != SQLITE_ROW) return Error{sqlite::describe(db, rc, "cannot read message"), {}};
  MessageDetail d;
  d.id = id;
  InboundRecord& r = d.record;
  r.source = stmt->column_text(0);
  r.peer = stmt->column_text(1);
  r.received_at_us = stmt->column_int(2);
  r.raw = stmt->column_text(3);
  r.encoding = stmt->column_text(4);
  r.message_type = stmt->column_text(5);
  r.trigger_event = stmt->column_text(6);
  r.version = stmt->column_text(7);
  r.control_id = stmt->column_text(8);
  r.sending_application = stmt->column_text(9);
  r.sending_facility = stmt->column_text(10);
  r.status = stmt->column_text(11);
  r.ack = stmt->column_text(12);
  r.error = stmt->column_text(13);
  return std::optional<MessageDetail>(std::move(d));
}

}  // namespace lienthong::store
