#include "engine/store/schema.h"

#include <array>
#include <string>

#include "engine/store/sqlite_handle.h"

namespace lienthong::store {
namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr std::array kMigrations = {
    // 1: messages, with the duplicate lookup and time indexes.
    R"sql(
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        peer TEXT NOT NULL,
        received_at_us INTEGER NOT NULL,
        raw BLOB NOT NULL,
        encoding TEXT NOT NULL,
        message_type TEXT NOT NULL,
        trigger_event TEXT NOT NULL,
        version TEXT NOT NULL,
        control_id TEXT NOT NULL,
        sending_application TEXT NOT NULL,
        sending_facility TEXT NOT NULL,
        status TEXT NOT NULL,
        ack BLOB NOT NULL,
        error TEXT NOT NULL,
        size INTEGER NOT NULL
      );
      CREATE INDEX messages_duplicate_key
        ON messages (source, sending_application, sending_facility, control_id);
      CREATE INDEX messages_received_at ON messages (received_at_us);
    )sql",
    // 2: outbound items and their delivery attempts (docs/specs/delivery.md),
    // what the running engine last said of each destination;
    // bodies_pruned marks a message whose bodies retention dropped.
    R"sql(
      CREATE TABLE outbound (
        id INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL,
        route TEXT NOT NULL,
        destination TEXT NOT NULL,
        ordering_key TEXT NOT NULL,
        message_type TEXT NOT NULL,
        content_type TEXT NOT NULL,
        body BLOB NOT NULL,
        status TEXT NOT NULL,
        blocks INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at_us INTEGER NOT NULL DEFAULT 0,
        created_at_us INTEGER NOT NULL,
        updated_at_us INTEGER NOT NULL,
        last_error TEXT NOT NULL DEFAULT '',
        replay_of INTEGER
      );
      CREATE INDEX outbound_queue ON outbound (destination, status, id);
      CREATE INDEX outbound_message ON outbound (message_id);
      CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL,
        at_us INTEGER NOT NULL,
        duration_us INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX attempts_item ON attempts (item_id);
      CREATE TABLE delivery_status (
        destination TEXT PRIMARY KEY,
        in_flight INTEGER NOT NULL,
        in_memory INTEGER NOT NULL,
        updated_at_us INTEGER NOT NULL
      );
      ALTER TABLE messages ADD COLUMN bodies_pruned INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 3: how an item's body is stored (docs/specs/store.md STORE-10). Earlier rows
    // hold the body as is, with body_size -1 (not recorded): rewriting every row of
    // a large store to fill it in would make the upgrade as slow as a copy.
    R"sql(
      ALTER TABLE outbound ADD COLUMN body_codec TEXT NOT NULL DEFAULT '';
      ALTER TABLE outbound ADD COLUMN body_size INTEGER NOT NULL DEFAULT -1;
    )sql",
    // 4: the duplicate lookup's index leads with the control id. Most messages
    // come from a few sources and senders, so an index led by them compares
    // three equal texts before the one that differs, at every step of every
    // lookup and insert.
    R"sql(
      DROP INDEX messages_duplicate_key;
      CREATE INDEX messages_duplicate_key
        ON messages (control_id, sending_facility, sending_application, source);
    )sql",
    // 5: items' bodies apart from their state (STORE-12). A body is written
    // once, and the state changes at every attempt: in one row, each change
    // rewrote the body's page. Rows written before keep their body in
    // outbound.body (read through coalesce); moving them would make the
    // upgrade as slow as a copy.
    R"sql(
      CREATE TABLE outbound_bodies (
        item_id INTEGER PRIMARY KEY,
        body BLOB NOT NULL
      );
    )sql",
    // 6: duplicates are found through the writer's in-memory index (STORE-4.4):
    // this index, with one insertion point per sender, dirtied about one page
    // per message at every commit.
    R"sql(
      DROP INDEX IF EXISTS messages_duplicate_key;
    )sql",
};

Result<std::int64_t> read_version(sqlite3* db) {
  auto app = sqlite::query_int(db, "PRAGMA application_id");
  if (!app) return app.error();
  auto version = sqlite::query_int(db, "PRAGMA user_version");
  if (!version) return version.error();
  if (*version == 0 && *app == 0) {
    auto tables = sqlite::query_int(db, "SELECT count(*) FROM sqlite_schema");
    if (!tables) return tables.error();
    if (*tables == 0) return std::int64_t{0};  // a new, empty file
    return Error{"not a lienthong store (it has tables but no lienthong schema)", {}};
  }
  if (*app != kApplicationId) {
    return Error{"not a lienthong store (application_id " + std::to_string(*app) + ")", {}};
  }
  if (*version > current_schema_version()) {
    return Error{"store schema version " + std::to_string(*version) +
                 " is newer than this program's (" +
                 std::to_string(current_schema_version()) + ")", {}};
  }
  return *version;
}

}  // namespace

std::int64_t current_schema_version() { return static_cast<std::int64_t>(kMigrations.size()); }

Status migrate(sqlite3* db) {
  for (;;) {
    if (auto s = sqlite::exec(db, "BEGIN IMMEDIATE"); !s) return s;
    // Read inside the write lock: another process may have migrated meanwhile.
    auto version = read_version(db);
    if (!version || *version == current_schema_version()) {
      (void)sqlite::exec(db, "ROLLBACK");
      if (!version) return version.error();
      return Status::Ok();
    }
    std::string sql = kMigrations[static_cast<std::size_t>(*version)];
    sql += "; PRAGMA user_version = " + std::to_string(*version + 1);
    sql += "; PRAGMA application_id = " + std::to_string(kApplicationId);
    Status applied = sqlite::exec(db, sql.c_str());
    if (applied) applied = sqlite::exec(db, "COMMIT");
    if (!applied) {
      if (!sqlite3_get_autocommit(db)) (void)sqlite::exec(db, "ROLLBACK");
      return Error{"migration to schema version " + std::to_string(*version + 1) +
                   " failed: " + applied.error().message, {}};
    }
  }
}

Status check_schema(sqlite3* db) {
  auto version = read_version(db);
  if (!version) return version.error();
  if (*version != current_schema_version()) {
    return Error{"store schema version " + std::to_string(*version) + " is older than " +
                 std::to_string(current_schema_version()) +
                 "; start the engine once to migrate it", {}};
  }
  return Status::Ok();
}

}  // namespace lienthong::store
