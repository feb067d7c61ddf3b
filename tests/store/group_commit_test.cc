// Group commit and concurrent readers (docs/specs/store.md STORE-2, STORE-6).
#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <thread>

#include "tests/store/sqlite_file.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using lienthong::testing::make_record;
using lienthong::testing::options_for;
using lienthong::testing::Outcomes;
using lienthong::testing::TempDir;

TEST_CASE("1000 appends from 8 threads share far fewer commits (STORE-2)", "[store]") {
  TempDir dir;
  auto store = SqliteStore::open(options_for(dir.file("store.db")));
  REQUIRE(store.ok());
  constexpr std::size_t kThreads = 8, kEach = 125, kTotal = kThreads * kEach;
  Outcomes outcomes;
  for (std::size_t i = 0; i < kTotal; ++i) (void)outcomes.callback(i);  // size up front
  std::vector<std::thread> producers;
  for (std::size_t t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (std::size_t i = 0; i < kEach; ++i) {
        std::size_t n = t * kEach + i;
        (*store)->append(make_record("G" + std::to_string(n)), outcomes.callback(n));
      }
    });
  }
  for (auto& p : producers) p.join();
  REQUIRE(outcomes.wait_for(kTotal));
  std::set<std::int64_t> ids;
  for (const auto& r : outcomes.results()) {
    REQUIRE(r.has_value());
    if (!r->ok()) FAIL(r->error().message);
    CHECK_FALSE((*r)->duplicate);
    ids.insert((*r)->id);
  }
  CHECK(ids.size() == kTotal);
  SqliteStoreStats st = (*store)->stats();
  CHECK(st.stored == kTotal);
  CHECK(st.commits < kTotal / 4);
  CHECK(st.failed_batches == 0);
  // FULL (the default): every commit answered after a WAL sync, never more syncs than commits (STORE-11).
  CHECK(st.syncs >= 1);
  CHECK(st.syncs <= st.commits);
  auto check = (*store)->integrity_check();
  REQUIRE(check.ok());
  CHECK(*check == "ok");
}

TEST_CASE("a batch closes at batch_max (STORE-2)", "[store]") {
  TempDir dir;
  auto opts = options_for(dir.file("store.db"));
  opts.batch_max = 4;
  opts.batch_delay_us = 10'000'000;  // only the size closes a batch here
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  Outcomes outcomes;
  for (std::size_t i = 0; i < 8; ++i) {
    (*store)->append(make_record("B" + std::to_string(i)), outcomes.callback(i));
  }
  REQUIRE(outcomes.wait_for(8));
  CHECK((*store)->stats().commits == 2);
}

TEST_CASE("a read-only opener reads while the writer appends and checkpoints run (STORE-6)",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto opts = options_for(path);
  opts.checkpoint.pages = 8;  // copies and WAL restarts while the reader reads
  opts.checkpoint.interval = std::chrono::milliseconds(1);
  opts.checkpoint.wal_limit_bytes = 16 * 4096;
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  REQUIRE(lienthong::testing::append_wait(**store, make_record("FIRST")).ok());
  auto reader = SqliteStore::open_readonly(path);
  REQUIRE(reader.ok());

  constexpr std::size_t kTotal = 400;
  Outcomes outcomes;
  for (std::size_t i = 0; i < kTotal; ++i) (void)outcomes.callback(i);
  std::thread producer([&] {
    for (std::size_t i = 0; i < kTotal; ++i) {
      (*store)->append(make_record("R" + std::to_string(i)), outcomes.callback(i));
    }
  });
  MessageFilter all;
  all.limit = 0;
  std::size_t last = 0, reads = 0;
  while (outcomes.done() < kTotal && reads < 100000) {
    auto l = (*reader)->list(all);
    REQUIRE(l.ok());
    CHECK(l->size() >= last);  // a reader sees whole commits, never fewer rows
    last = l->size();
    ++reads;
  }
  producer.join();
  REQUIRE(outcomes.wait_for(kTotal));
  auto l = (*reader)->list(all);
  REQUIRE(l.ok());
  CHECK(l->size() == kTotal + 1);
  CHECK(lienthong::testing::eventually([&] { return (*store)->stats().checkpoint.checkpoints >= 1; }));
  CHECK((*store)->stats().checkpoint.failures == 0);
  bool called = false;
  (*reader)->append(make_record("NO"), [&](Result<Appended> r) {
    called = true;
    CHECK_FALSE(r.ok());
  });
  CHECK(called);
}

TEST_CASE("item updates wait for an append's commit or update_delay, and close() commits them (STORE-2.4)",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto opts = options_for(path);
  opts.update_delay_us = 60'000'000;  // only an append or close() ends the wait here
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  InboundRecord first = make_record("U1");
  OutboundRecord item;
  item.route = "r";
  item.destination = "ehr";
  item.ordering_key = "P1";
  item.content_type = "application/fhir+json";
  item.body = "{}";
  first.outbound = {item, item};
  auto appended = lienthong::testing::append_wait(**store, first);
  REQUIRE(appended.ok());
  REQUIRE(appended->items.size() == 2);
  const std::uint64_t commits = (*store)->stats().commits;

  std::promise<Status> updated;
  (*store)->update_items({ItemUpdate{appended->items[0].id, "done", false, 1, 0, "", std::nullopt}},
                         [&updated](Status s) { updated.set_value(std::move(s)); });
  auto update_done = updated.get_future();
  CHECK(update_done.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  CHECK((*store)->stats().commits == commits);

  // An append is answered at once, and the update is committed with it.
  REQUIRE(lienthong::testing::append_wait(**store, make_record("U2")).ok());
  REQUIRE(update_done.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(update_done.get().ok());
  CHECK((*store)->stats().commits == commits + 1);

  // close() does not wait out the delay, and commits what was waiting.
  (*store)->update_items({ItemUpdate{appended->items[1].id, "dead", false, 1, 0, "HTTP 422", std::nullopt}},
                         [](Status) {});
  const auto closing = std::chrono::steady_clock::now();
  (*store)->close();
  CHECK(std::chrono::steady_clock::now() - closing < std::chrono::seconds(30));
  CHECK(lienthong::testing::query_texts(path, "SELECT status FROM outbound ORDER BY id") ==
        std::vector<std::string>{"done", "dead"});
}
