// Read queries over outbound items: a delivery scheduler's window refill (one
// snapshot of pending items and blocked keys), per-destination counts, and a
// message's items with their attempts.
//
// Thread-safety: call with exclusive use of the connection.
#pragma once

#include <sqlite3.h>

#include <vector>

#include "engine/store/store.h"

namespace lienthong::store {

Result<QueueSnapshot> query_queue(sqlite3* db, const QueueLoad& load);
Result<std::vector<QueueCounts>> query_queue_counts(sqlite3* db);
Result<std::vector<ItemDetail>> query_items_of_message(sqlite3* db, std::int64_t message_id);

}  // namespace lienthong::store
