// Group commit and concurrent readers (docs/specs/store.md STORE-2, STORE-6).
#include <catch2/catch.hpp>
#include <set>
#include <thread>

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
