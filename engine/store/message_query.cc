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

Result<std::vector<MessageSummary>> query_messages(sqlite3* db, const MessageFilter& filter) {
  // Every condition is always present, disabled by its own flag parameter, so one
  // SQL text serves all filters.
  constexpr const char* kSql =
      "SELECT id, source, received_at_us, message_type, trigger_event, control_id, status, size"
      " FROM messages WHERE (?1 = 0 OR received_at_us >= ?2)"
      " AND (?3 = 0 OR message_type = ?4) AND (?5 = 0 OR trigger_event = ?6)"
      " AND (?7 = 0 OR control_id GLOB ?8) AND (?9 = 0 OR source = ?10)"
      " ORDER BY id DESC LIMIT ?11";
  auto stmt = sqlite::Statement::prepare(db, kSql);
  if (!stmt) return stmt.error();

  std::string type = filter.type, trigger;
  bool has_trigger = false;
  if (auto caret = type.find('^'); caret != std::string::npos) {
    trigger = type.substr(caret + 1);
    type.resize(caret);
    has_trigger = true;
  }
  std::string glob = to_sqlite_glob(filter.control_id_pattern);
  stmt->bind(1, std::int64_t{filter.since_us.has_value()});
  stmt->bind(2, filter.since_us.value_or(0));
  stmt->bind(3, std::int64_t{!type.empty()});
  stmt->bind(4, type);
  stmt->bind(5, std::int64_t{has_trigger});
  stmt->bind(6, trigger);
  stmt->bind(7, std::int64_t{!glob.empty()});
  stmt->bind(8, glob);
  stmt->bind(9, std::int64_t{!filter.source.empty()});
  stmt->bind(10, filter.source);
  stmt->bind(11, filter.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(filter.limit));

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
