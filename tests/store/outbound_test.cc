// Outbound items in the store (docs/specs/delivery.md): written in the intake
// transaction, updated through the group commit, replayed as new copies in
// order, counted per destination, and pruned by retention.
#include <catch2/catch.hpp>

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
  auto st = SqliteStore::open(options_for(dir.file("o.db")));
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

  auto dropped = prune(**st, PruneRequest{now_us() - 60'000'000LL, true, 100});
  REQUIRE(dropped.ok());
  CHECK(dropped->messages == 2);
  auto gone = (*st)->get(done1[0].message_id);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  CHECK((*st)->integrity_check().value() == "ok");
}
