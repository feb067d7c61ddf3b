// The hand-over to the writer (docs/specs/store.md STORE-2.1): with no delay a
// batch is what is queued at that moment; a delay waits for more.
#include <catch2/catch.hpp>
#include <thread>

#include "engine/store/append_queue.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using lienthong::testing::make_record;
using namespace std::chrono_literals;

namespace {
void push(AppendQueue& q, const std::string& id) {
  QueuedWrite p = PendingAppend{make_record(id), [](Result<Appended>) {}, {}};
  REQUIRE(q.push(p));
}
const std::string& id_of(const QueuedWrite& w) { return std::get<PendingAppend>(w).record.control_id; }
}  // namespace

TEST_CASE("delay 0: a batch is what is queued now, never waiting for batch_max (STORE-2.1)",
          "[store]") {
  AppendQueue q;
  push(q, "A");
  auto one = q.take_batch(256, 0us);
  REQUIRE(one.size() == 1);
  CHECK(id_of(one[0]) == "A");

  for (const char* id : {"B", "C", "D"}) push(q, id);
  auto three = q.take_batch(256, 0us);
  REQUIRE(three.size() == 3);
  CHECK(id_of(three[0]) == "B");
  CHECK(id_of(three[2]) == "D");

  for (const char* id : {"E", "F", "G"}) push(q, id);
  auto capped = q.take_batch(2, 0us);
  REQUIRE(capped.size() == 2);
  CHECK(id_of(capped[1]) == "F");
  auto rest = q.take_batch(2, 0us);
  REQUIRE(rest.size() == 1);
  CHECK(id_of(rest[0]) == "G");
}

TEST_CASE("a delay waits for more records; closing wakes the writer and drains (STORE-2.1)",
          "[store]") {
  AppendQueue q;
  push(q, "A");
  std::thread late([&] {
    std::this_thread::sleep_for(20ms);
    push(q, "B");
  });
  // Closed by the second record (max 2), long before the 60 s delay.
  auto batch = q.take_batch(2, 60s);
  late.join();
  REQUIRE(batch.size() == 2);

  push(q, "C");
  q.close();
  auto drained = q.take_batch(256, 60s);
  REQUIRE(drained.size() == 1);
  CHECK(q.take_batch(256, 0us).empty());
  QueuedWrite after = PendingAppend{make_record("D"), [](Result<Appended>) {}, {}};
  CHECK_FALSE(q.push(after));
}

namespace {
void push_update(AppendQueue& q) {
  QueuedWrite w = PendingWrite{[](WriteTxn&) { return Status::Ok(); }, [](Status) {}, /*deferrable=*/true};
  REQUIRE(q.push(w));
}
}  // namespace

TEST_CASE("deferrable writes alone wait for company; an append ends the wait at once (STORE-2.4)", "[store]") {
  AppendQueue q;
  push_update(q);
  std::thread later([&] {
    std::this_thread::sleep_for(30ms);
    push_update(q);  // keeps it waiting: nobody waits on this one either
    std::this_thread::sleep_for(30ms);
    push(q, "A");  // somebody waits on this one
  });
  const auto started = std::chrono::steady_clock::now();
  auto batch = q.take_batch(256, 0us, 60s);
  const auto waited = std::chrono::steady_clock::now() - started;
  later.join();
  REQUIRE(batch.size() == 3);
  CHECK(std::holds_alternative<PendingWrite>(batch[0]));
  CHECK(std::holds_alternative<PendingWrite>(batch[1]));
  CHECK(id_of(batch[2]) == "A");
  CHECK(waited >= 50ms);  // it did wait past the second update
  CHECK(waited < 30s);    // and not for the 60 s

  // An append already queued: no wait at all, whatever the deferrable ones.
  push_update(q);
  push(q, "B");
  push_update(q);
  auto now = q.take_batch(256, 0us, 60s);
  CHECK(now.size() == 3);

  // batch_max and close() end the wait too.
  push_update(q);
  push_update(q);
  CHECK(q.take_batch(2, 0us, 60s).size() == 2);
  push_update(q);
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    q.close();
  });
  CHECK(q.take_batch(256, 0us, 60s).size() == 1);
  closer.join();
  CHECK(q.take_batch(256, 0us, 60s).empty());
}
