// Read queries over the messages table: list (filtered summaries, newest first)
// and get (one message in full).
//
// Thread-safety: call with exclusive use of the connection.
#pragma once

#include <sqlite3.h>

#include <string>

#include "engine/store/store.h"

namespace lienthong::store {

// `*`/`?` glob to SQLite GLOB syntax: `[` is the only other GLOB metacharacter
// a control id can hold, so it is matched literally.
std::string to_sqlite_glob(const std::string& pattern);

// The SQL `query_messages` runs for a filter (STORE-6.4), with the values it
// binds: ?1 since, ?2 type, ?3 trigger, ?4 glob, ?5 source, ?6 limit.
struct MessageListQuery {
  std::string sql;
  std::string type, trigger, glob;
  bool has_trigger = false;
};
MessageListQuery message_list_query(const MessageFilter& filter);

Result<std::vector<MessageSummary>> query_messages(sqlite3* db, const MessageFilter& filter);
Result<std::optional<MessageDetail>> query_message(sqlite3* db, std::int64_t id);

}  // namespace lienthong::store
