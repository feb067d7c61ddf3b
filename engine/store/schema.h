// The store's schema and its forward migrations.
//
// PRAGMA user_version holds the number of migrations applied; each migration
// runs in its own transaction together with the version bump, so a crash leaves
// the file at a whole version. PRAGMA application_id marks the file as ours.
//
// Thread-safety: call with exclusive use of the connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>

#include "engine/base/result.h"

namespace lienthong::store {

inline constexpr std::int64_t kApplicationId = 0x4C54484E;  // "LTHN"

// The version this program writes (the number of migrations it knows).
std::int64_t current_schema_version();

// Brings the database to current_schema_version(). Errors for a file that is
// not a lienthong store or was written by a newer program.
Status migrate(sqlite3* db);

// For read-only openers: the file is a lienthong store this program can read.
Status check_schema(sqlite3* db);

}  // namespace lienthong::store
