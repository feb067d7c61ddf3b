// Outbound items in the store (docs/specs/delivery.md): written in the intake
// transaction, updated through the group commit, replayed as new copies in
// order, counted per destination, and pruned by retention.
#include <catch2/catch.hpp>

#include "tests/store/power_loss_vfs.h"
#include "tests/store/sqlite_file.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using namespace lienthong::testing;

namespace {

OutboundRecord item_for(const std::string& destination, const std::string& key, const std::string& body) {
  OutboundRecord r;
  r.route = "adt-to-ehr";
  r.destination = destination;
  r.ordering_key = key;
  r.content_type = "application/fhir+json";
  r.body = body;
  return r;
}

template <class T>
T wait_result(std::function<void(std::function<void(T)>)> call) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  call([promise](T value) { promise->set_value(std::move(value)); });
  REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  return future.get();
}

Status update(Store& s, std::vector<ItemUpdate> updates) {
  return wait_result<Status>([&](std::function<void(Status)> done) { s.update_items(std::move(updates), done); });
}

Result<std::vector<std::int64_t>> replay(Store& s, ReplayRequest request) {
  return wait_result<Result<std::vector<std::int64_t>>>(
      [&](std::function<void(Result<std::vector<std::int64_t>>)> done) { s.replay(std::move(request), done); });
}

Result<PruneResult> prune(Store& s, PruneRequest request) {
  return wait_result<Result<PruneResult>>(
      [&](std::function<void(Result<PruneResult>)> done) { s.prune(request, done); });
}

// Appends a message with one item per (destination, key) and returns the items.
std::vector<OutboundItem> append_with(Store& s, const std::string& control_id,
                                      std::vector<OutboundRecord> records, std::int64_t at = now_us()) {
  InboundRecord r = make_record(control_id, at);
  r.outbound = std::move(records);
  auto appended = append_wait(s, std::move(r));
  REQUIRE(appended.ok());
  return appended->items;
}

}  // namespace

TEST_CASE("outbound: items are stored with their message and come back with ids in order (DLV-1.1)", "[store]") {
  TempDir dir;
  auto st = SqliteStore::open(options_for(dir.file("o.db")));
  REQUIRE(st.ok());
  auto items = append_with(**st, "M1", {item_for("ehr", "P1", "{\"a\":1}"), item_for("archive", "P1", "{\"b\":2}")});
  REQUIRE(items.size() == 2);
  CHECK(items[0].id < items[1].id);
  CHECK(items[0].destination == "ehr");
  CHECK(items[0].body == "{\"a\":1}");
  CHECK(items[0].message_type == "ADT^A01");
  CHECK(items[0].control_id == "M1");

  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, true});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->pending.size() == 1);
  CHECK(snapshot->pending[0].id == items[0].id);
  CHECK(snapshot->pending[0].body == "{\"a\":1}");
  CHECK(snapshot->pending[0].control_id == "M1");

  // A duplicate of the message writes no second set of items.
  auto dup = append_with(**st, "M1", {item_for("ehr", "P1", "{\"a\":1}")});
  CHECK(dup.empty());
  auto again = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE(again.ok());
  CHECK(again->pending.size() == 1);
  CHECK((*st)->integrity_check().value() == "ok");
}

TEST_CASE("outbound: updates record attempts; counts per destination (DLV-3)", "[store]") {
  TempDir dir;
  auto st = SqliteStore::open(options_for(dir.file("o.db")));
  REQUIRE(st.ok());
  auto a = append_with(**st, "M1", {item_for("ehr", "P1", "x")});
  auto b = append_with(**st, "M2", {item_for("ehr", "P2", "y")});
  auto c = append_with(**st, "M3", {item_for("ehr", "P3", "z")});
  REQUIRE(update(**st, {ItemUpdate{a[0].id, "done", false, 1, 0, "", AttemptRecord{now_us(), 1200, "ok", "HTTP 200"}},
                        ItemUpdate{b[0].id, "pending", false, 1, now_us() + 5'000'000, "HTTP 503",
                                   AttemptRecord{now_us(), 900, "retry", "HTTP 503"}},
                        ItemUpdate{c[0].id, "dead", true, 1, 0, "HTTP 400: bad", AttemptRecord{now_us(), 800, "fail", "HTTP 400: bad"}}})
              .ok());
  auto counts = (*st)->queue_counts();
  REQUIRE(counts.ok());
  REQUIRE(counts->size() == 1);
  const QueueCounts& q = (*counts)[0];
  CHECK(q.destination == "ehr");
  CHECK(q.done == 1);
  CHECK(q.retrying == 1);
  CHECK(q.pending == 0);
  CHECK(q.dead == 1);
  REQUIRE(q.oldest_pending_us.has_value());

  auto detail = (*st)->get(b[0].message_id);
  REQUIRE(detail.ok());
  REQUIRE(detail->has_value());
  REQUIRE((*detail)->items.size() == 1);
  CHECK((*detail)->items[0].item.attempts == 1);
  CHECK((*detail)->items[0].item.last_error == "HTTP 503");
  REQUIRE((*detail)->items[0].attempts.size() == 1);
  CHECK((*detail)->items[0].attempts[0].outcome == "retry");

  // The blocked key and its dead item are what a scheduler reads at start.
  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, true});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->blocked.size() == 1);
  CHECK(snapshot->blocked[0].key == "P3");
  CHECK(snapshot->blocked[0].dead_id == c[0].id);
}

TEST_CASE("outbound: replay copies a dead item and its held followers in order (DLV-6.2)", "[store]") {
  TempDir dir;
  auto st = SqliteStore::open(options_for(dir.file("o.db")));
  REQUIRE(st.ok());
  auto dead = append_with(**st, "M1", {item_for("ehr", "P1", "first")});
  auto held1 = append_with(**st, "M2", {item_for("ehr", "P1", "second")});
  auto other = append_with(**st, "M3", {item_for("ehr", "P2", "other")});
  auto held2 = append_with(**st, "M4", {item_for("ehr", "P1", "third")});
  REQUIRE(update(**st, {ItemUpdate{dead[0].id, "dead", true, 3, 0, "HTTP 422", std::nullopt},
                        ItemUpdate{held1[0].id, "held", false, 0, 0, "held", std::nullopt},
                        ItemUpdate{held2[0].id, "held", false, 0, 0, "held", std::nullopt},
                        ItemUpdate{other[0].id, "done", false, 1, 0, "", std::nullopt}})
              .ok());

  ReplayRequest request;
  request.destination = "ehr";
  auto created = replay(**st, request);
  REQUIRE(created.ok());
  REQUIRE(created->size() == 3);

  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", other[0].id, 100, true});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->pending.size() == 3);
  CHECK(snapshot->pending[0].body == "first");
  CHECK(snapshot->pending[0].replay_of == dead[0].id);
  CHECK(snapshot->pending[1].body == "second");
  CHECK(snapshot->pending[2].body == "third");
  CHECK(snapshot->blocked.empty());
  CHECK(snapshot->orphan_held.empty());

  // Replaying a done item by id resends it; replaying a pending copy does nothing.
  auto by_id = replay(**st, ReplayRequest{{other[0].id, (*created)[0]}, "", std::nullopt});
  REQUIRE(by_id.ok());
  CHECK(by_id->size() == 1);
}

TEST_CASE("retention: completed messages lose bodies or rows, in batches; undelivered ones stay (RET-1)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("o.db");
  auto st = SqliteStore::open(options_for(path));
  REQUIRE(st.ok());
  const std::int64_t old = now_us() - 3'600'000'000LL;
  auto done1 = append_with(**st, "M1", {item_for("ehr", "P1", "a")}, old);
  auto done2 = append_with(**st, "M2", {item_for("ehr", "P2", "b")}, old + 1);
  auto pending = append_with(**st, "M3", {item_for("ehr", "P3", "c")}, old + 2);
  auto fresh = append_with(**st, "M4", {item_for("ehr", "P4", "d")});
  REQUIRE(update(**st, {ItemUpdate{done1[0].id, "done", false, 1, 0, "", std::nullopt},
                        ItemUpdate{done2[0].id, "done", false, 1, 0, "", std::nullopt},
                        ItemUpdate{fresh[0].id, "done", false, 1, 0, "", std::nullopt}})
              .ok());

  PruneRequest keep_metadata{now_us() - 60'000'000LL, false, 1};
  auto first = prune(**st, keep_metadata);
  REQUIRE(first.ok());
  CHECK(first->messages == 1);  // the batch limit
  auto second = prune(**st, keep_metadata);
  REQUIRE(second.ok());
  CHECK(second->messages == 1);
  auto third = prune(**st, keep_metadata);
  REQUIRE(third.ok());
  CHECK(third->messages == 0);  // M3 is not delivered, M4 is too young

  auto m1 = (*st)->get(done1[0].message_id);
  REQUIRE(m1.ok());
  REQUIRE(m1->has_value());
  CHECK((*m1)->record.raw.empty());
  CHECK((*m1)->record.control_id == "M1");
  REQUIRE((*m1)->items.size() == 1);
  CHECK((*m1)->items[0].item.body.empty());
  auto m3 = (*st)->get(pending[0].message_id);
  CHECK_FALSE((*m3)->record.raw.empty());
  // Their bodies' rows are gone too (STORE-12); the others' stay.
  CHECK(query_texts(path, "SELECT item_id FROM outbound_bodies ORDER BY item_id") ==
        std::vector<std::string>{std::to_string(pending[0].id), std::to_string(fresh[0].id)});

  auto dropped = prune(**st, PruneRequest{now_us() - 60'000'000LL, true, 100});
  REQUIRE(dropped.ok());
  CHECK(dropped->messages == 2);
  auto gone = (*st)->get(done1[0].message_id);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  CHECK(query_texts(path, "SELECT count(*) FROM outbound_bodies WHERE item_id NOT IN (SELECT id FROM outbound)") ==
        std::vector<std::string>{"0"});
  CHECK((*st)->integrity_check().value() == "ok");
}

namespace {

// A mapped Bundle's size and shape: 60 entries of repetitive JSON (~16 KB).
std::string bundle_body(const std::string& patient) {
  std::string s = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
  for (int i = 0; i < 60; ++i) {
    if (i) s += ',';
    s += R"({"fullUrl":"urn:uuid:)" + patient + "-" + std::to_string(i) +
         R"(","resource":{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/)" + patient +
         R"("}},"request":{"method":"PUT","url":"Observation?identifier=)" + std::to_string(i) + R"("}})";
  }
  return s + "]}";
}

struct StoredRow {
  std::string codec;
  std::int64_t size = 0;
  std::int64_t bytes = 0;
};

// What the store holds for an item, read beside it with a connection of our own:
// its body from outbound_bodies, or from the row for items written before schema 5.
StoredRow stored_row(const std::string& path, std::int64_t id) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT o.body_codec, o.body_size, length(CAST(coalesce(b.body, o.body) AS BLOB))"
                             " FROM outbound o LEFT JOIN outbound_bodies b ON b.item_id = o.id WHERE o.id = ?1",
                             -1, &st, nullptr) == SQLITE_OK);
  sqlite3_bind_int64(st, 1, id);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  StoredRow row{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), sqlite3_column_int64(st, 1),
                sqlite3_column_int64(st, 2)};
  sqlite3_finalize(st);
  sqlite3_close(db);
  return row;
}

}  // namespace

TEST_CASE("outbound bodies: stored as LZ4 by default, read back whole by every reader (STORE-10)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("o.db");
  auto st = SqliteStore::open(options_for(path));
  REQUIRE(st.ok());
  const std::string body = bundle_body("P1");
  auto items = append_with(**st, "M1", {item_for("ehr", "P1", body), item_for("archive", "P1", "{}")});
  REQUIRE(items.size() == 2);
  CHECK(items[0].body == body);  // what intake hands delivery is the body itself

  StoredRow big = stored_row(path, items[0].id);
  CHECK(big.codec == "lz4");
  CHECK(big.size == static_cast<std::int64_t>(body.size()));
  CHECK(big.bytes < big.size / 2);
  StoredRow small = stored_row(path, items[1].id);
  CHECK(small.codec.empty());
  CHECK(small.bytes == 2);

  // The queue and `messages show` read it back.
  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->pending.size() == 1);
  CHECK(snapshot->pending[0].body == body);
  auto detail = (*st)->get(items[0].message_id);
  REQUIRE(detail.ok());
  REQUIRE(detail->has_value());
  CHECK((*detail)->items[0].item.body == body);
  CHECK((*detail)->items[1].item.body == "{}");

  // A replayed copy keeps the stored bytes and their codec.
  REQUIRE(update(**st, {ItemUpdate{items[0].id, "dead", false, 1, 0, "HTTP 422", std::nullopt}}).ok());
  auto created = replay(**st, ReplayRequest{{items[0].id}, "", std::nullopt});
  REQUIRE(created.ok());
  REQUIRE(created->size() == 1);
  CHECK(stored_row(path, (*created)[0]).codec == "lz4");
  auto again = (*st)->load_queue(QueueLoad{"ehr", items[0].id, 100, false});
  REQUIRE(again.ok());
  REQUIRE(again->pending.size() == 1);
  CHECK(again->pending[0].body == body);

  // Retention's keep-metadata empties the body and its codec (STORE-10.5).
  REQUIRE(update(**st, {ItemUpdate{(*created)[0], "done", false, 1, 0, "", std::nullopt},
                        ItemUpdate{items[1].id, "done", false, 1, 0, "", std::nullopt}})
              .ok());
  auto pruned = prune(**st, PruneRequest{now_us() + 1'000'000, false, 10});
  REQUIRE(pruned.ok());
  CHECK(pruned->messages == 1);
  StoredRow emptied = stored_row(path, (*created)[0]);
  CHECK(emptied.codec.empty());
  CHECK(emptied.bytes == 0);
  auto after = (*st)->get(items[0].message_id);
  REQUIRE(after.ok());
  for (const ItemDetail& d : (*after)->items) CHECK(d.item.body.empty());
  CHECK((*st)->integrity_check().value() == "ok");
}

TEST_CASE("outbound bodies: \"none\" stores them as they are; either kind is read whatever the setting (STORE-10.1)",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("o.db");
  const std::string body1 = bundle_body("P1"), body2 = bundle_body("P2");
  std::int64_t plain_id = 0, packed_id = 0;
  {
    SqliteStoreOptions options = options_for(path);
    options.body_compression = BodyCompression::kNone;
    auto st = SqliteStore::open(options);
    REQUIRE(st.ok());
    plain_id = append_with(**st, "M1", {item_for("ehr", "P1", body1)})[0].id;
  }
  {
    auto st = SqliteStore::open(options_for(path));
    REQUIRE(st.ok());
    packed_id = append_with(**st, "M2", {item_for("ehr", "P2", body2)})[0].id;
  }
  CHECK(stored_row(path, plain_id).codec.empty());
  CHECK(stored_row(path, plain_id).bytes == static_cast<std::int64_t>(body1.size()));
  CHECK(stored_row(path, packed_id).codec == "lz4");
  SqliteStoreOptions options = options_for(path);
  options.body_compression = BodyCompression::kNone;
  auto st = SqliteStore::open(options);
  REQUIRE(st.ok());
  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->pending.size() == 2);
  CHECK(snapshot->pending[0].body == body1);
  CHECK(snapshot->pending[1].body == body2);
}

TEST_CASE("outbound bodies: a store of schema version 2 is upgraded and its items read as before (STORE-5, STORE-10)",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("o.db");
  const std::string body = bundle_body("P1");
  {
    auto st = SqliteStore::open(options_for(path));
    REQUIRE(st.ok());
    append_with(**st, "M1", {item_for("ehr", "P1", "placeholder")});
  }
  // Back to what version 2 wrote: no codec columns, the body as is.
  const std::string downgrade = "DROP TABLE outbound_bodies;"
                                " ALTER TABLE outbound DROP COLUMN body_codec; ALTER TABLE outbound DROP COLUMN body_size;"
                                " UPDATE outbound SET body = CAST('" + body + "' AS BLOB);"
                                " CREATE INDEX messages_duplicate_key ON messages (source, sending_application,"
                                " sending_facility, control_id); PRAGMA user_version = 2;";
  lienthong::testing::exec_sql(path, downgrade.c_str());

  auto st = SqliteStore::open(options_for(path));
  REQUIRE(st.ok());
  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->pending.size() == 1);
  CHECK(snapshot->pending[0].body == body);
  CHECK(stored_row(path, snapshot->pending[0].id).size == -1);
  CHECK((*st)->integrity_check().value() == "ok");
}

TEST_CASE("outbound bodies: a row that does not decode stops the read with the item named (STORE-10.4)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("o.db");
  auto st = SqliteStore::open(options_for(path));
  REQUIRE(st.ok());
  auto items = append_with(**st, "M1", {item_for("ehr", "P1", bundle_body("P1"))});
  lienthong::testing::exec_sql(path, ("UPDATE outbound SET body_size = body_size + 5 WHERE id = " + std::to_string(items[0].id)).c_str());
  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE_FALSE(snapshot.ok());
  CHECK_THAT(snapshot.error().message, Catch::Contains("item " + std::to_string(items[0].id) + ": stored body"));
}

TEST_CASE("outbound: a batch of updates keeps its savepoint's journal in memory, not in a temporary file", "[store]") {
  // STORE-2: each write other than an append runs in a savepoint. SQLite keeps
  // the pages a savepoint changes in a statement journal, a temporary file once
  // it passes 64 KiB: two pwrite calls per page, per delivered item.
  TempDir dir;
  PowerLossVfs& vfs = PowerLossVfs::instance();
  vfs.revive();
  SqliteStoreOptions options = options_for(dir.file("t.db"));
  options.vfs = PowerLossVfs::kName;
  options.body_compression = BodyCompression::kNone;
  auto st = SqliteStore::open(options);
  REQUIRE(st.ok());
  std::vector<ItemUpdate> updates;
  for (int i = 0; i < 64; ++i) {
    // About a page each: 64 pages changed by one savepoint, well past 64 KiB.
    auto items = append_with(**st, "T" + std::to_string(i), {item_for("ehr", "P" + std::to_string(i), std::string(3000, 'x'))});
    REQUIRE(items.size() == 1);
    updates.push_back(ItemUpdate{items[0].id, "done", false, 1, 0, "", AttemptRecord{now_us(), 900, "ok", "HTTP 200"}});
  }
  const std::uint64_t before = vfs.temp_file_opens();
  REQUIRE(update(**st, std::move(updates)));
  CHECK(vfs.temp_file_opens() == before);
  auto counts = (*st)->queue_counts();
  REQUIRE(counts.ok());
  REQUIRE(counts->size() == 1);
  CHECK((*counts)[0].done == 64);
}

TEST_CASE("outbound bodies: a body is written once, apart from the state each attempt changes (STORE-12)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("o.db");
  auto st = SqliteStore::open(options_for(path));
  REQUIRE(st.ok());
  const std::string body = bundle_body("P1");
  auto items = append_with(**st, "M1", {item_for("ehr", "P1", body)});
  const std::string id = std::to_string(items[0].id);
  const std::string state_row = "SELECT length(CAST(body AS BLOB)) FROM outbound WHERE id = " + id;
  const std::string body_row = "SELECT length(body) FROM outbound_bodies WHERE item_id = " + id;
  CHECK(query_texts(path, state_row.c_str()) == std::vector<std::string>{"0"});
  const auto stored = query_texts(path, body_row.c_str());
  REQUIRE(stored.size() == 1);
  CHECK(std::stoll(stored[0]) == stored_row(path, items[0].id).bytes);

  REQUIRE(update(**st, {ItemUpdate{items[0].id, "pending", false, 1, 5, "HTTP 503",
                                   AttemptRecord{now_us(), 10, "retry", "HTTP 503"}}})
              .ok());
  CHECK(query_texts(path, body_row.c_str()) == stored);
  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->pending.size() == 1);
  CHECK(snapshot->pending[0].body == body);
  CHECK(snapshot->pending[0].attempts == 1);
}

TEST_CASE("outbound bodies: a store of schema version 4 is upgraded; items written before keep their body in "
          "their row and are read, replayed and pruned like new ones (STORE-5, STORE-12)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("o.db");
  const std::string body = bundle_body("P1");
  std::int64_t old_id = 0;
  {
    auto st = SqliteStore::open(options_for(path));
    REQUIRE(st.ok());
    old_id = append_with(**st, "M1", {item_for("ehr", "P1", body)}, now_us() - 3'600'000'000LL)[0].id;
  }
  // Back to what version 4 wrote: the body (LZ4, as stored) in the item's row.
  exec_sql(path,
           "UPDATE outbound SET body = (SELECT b.body FROM outbound_bodies b WHERE b.item_id = outbound.id);"
           " DROP TABLE outbound_bodies;"
           " CREATE INDEX messages_duplicate_key ON messages (control_id, sending_facility, sending_application, source);"
           " PRAGMA user_version = 4;");

  auto st = SqliteStore::open(options_for(path));
  REQUIRE(st.ok());
  CHECK(query_texts(path, "SELECT count(*) FROM outbound_bodies") == std::vector<std::string>{"0"});
  auto snapshot = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->pending.size() == 1);
  CHECK(snapshot->pending[0].body == body);

  REQUIRE(update(**st, {ItemUpdate{old_id, "dead", false, 3, 0, "HTTP 422", std::nullopt}}).ok());
  auto created = replay(**st, ReplayRequest{{old_id}, "", std::nullopt});
  REQUIRE(created.ok());
  REQUIRE(created->size() == 1);
  auto copies = (*st)->load_queue(QueueLoad{"ehr", 0, 100, false});
  REQUIRE(copies.ok());
  REQUIRE(copies->pending.size() == 1);
  CHECK(copies->pending[0].id == (*created)[0]);
  CHECK(copies->pending[0].body == body);
  CHECK(query_texts(path, "SELECT item_id FROM outbound_bodies") ==
        std::vector<std::string>{std::to_string((*created)[0])});

  REQUIRE(update(**st, {ItemUpdate{(*created)[0], "done", false, 1, 0, "", std::nullopt}}).ok());
  auto pruned = prune(**st, PruneRequest{now_us() - 60'000'000LL, false, 10});
  REQUIRE(pruned.ok());
  CHECK(pruned->messages == 1);
  CHECK(query_texts(path, "SELECT count(*) FROM outbound_bodies") == std::vector<std::string>{"0"});
  CHECK(query_texts(path, "SELECT sum(length(CAST(body AS BLOB))) FROM outbound") == std::vector<std::string>{"0"});
  CHECK((*st)->integrity_check().value() == "ok");
}
