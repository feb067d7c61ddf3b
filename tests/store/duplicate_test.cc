// Duplicate detection (docs/specs/store.md STORE-4).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/store/sqlite_file.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using lienthong::testing::append_and_close;
using lienthong::testing::append_wait;
using lienthong::testing::exec_sql;
using lienthong::testing::make_record;
using lienthong::testing::options_for;
using lienthong::testing::Outcomes;
using lienthong::testing::query_texts;
using lienthong::testing::TempDir;

namespace {
std::size_t count_rows(SqliteStore& s) {
  MessageFilter all;
  all.limit = 0;
  auto l = s.list(all);
  REQUIRE(l.ok());
  return l->size();
}
}  // namespace

TEST_CASE("a re-sent message is answered with the original's id and ACK (STORE-4.1)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = SqliteStore::open(options_for(path));
  REQUIRE(store.ok());
  InboundRecord first = make_record("DUP1");
  auto a = append_wait(**store, first);
  REQUIRE(a.ok());
  InboundRecord again = make_record("DUP1", first.received_at_us + 1'000'000);
  again.ack = "a different answer that must not be used";
  auto b = append_wait(**store, again);
  REQUIRE(b.ok());
  CHECK(b->duplicate);
  CHECK(b->id == a->id);
  CHECK(b->ack == first.ack);
  CHECK(count_rows(**store) == 1);

  SECTION("the key has four parts: another source, app, facility or id is not a duplicate") {
    InboundRecord other = make_record("DUP1");
    other.source = "mllp-other";
    InboundRecord app = make_record("DUP1");
    app.sending_application = "HIS2";
    InboundRecord fac = make_record("DUP1");
    fac.sending_facility = "BV_KHAC";
    InboundRecord id = make_record("DUP2");
    for (const auto& r : {other, app, fac, id}) {
      auto out = append_wait(**store, r);
      REQUIRE(out.ok());
      CHECK_FALSE(out->duplicate);
    }
    CHECK(count_rows(**store) == 5);
  }
  SECTION("still a duplicate after reopening") {
    (*store)->close();
    auto reopened = SqliteStore::open(options_for(path));
    REQUIRE(reopened.ok());
    auto c = append_wait(**reopened, make_record("DUP1"));
    REQUIRE(c.ok());
    CHECK(c->duplicate);
    CHECK(c->id == a->id);
    CHECK(count_rows(**reopened) == 1);
  }
}

TEST_CASE("duplicates inside one batch are caught (STORE-4.2)", "[store]") {
  TempDir dir;
  auto opts = options_for(dir.file("store.db"));
  opts.batch_max = 3;
  opts.batch_delay_us = 10'000'000;  // the three appends close one batch
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  Outcomes outcomes;
  (*store)->append(make_record("SAME"), outcomes.callback(0));
  (*store)->append(make_record("SAME"), outcomes.callback(1));
  (*store)->append(make_record("SAME"), outcomes.callback(2));
  REQUIRE(outcomes.wait_for(3));
  auto r = outcomes.results();
  REQUIRE(r[0]->ok());
  REQUIRE(r[1]->ok());
  REQUIRE(r[2]->ok());
  CHECK((*store)->stats().commits == 1);
  CHECK_FALSE((*r[0])->duplicate);
  CHECK((*r[1])->duplicate);
  CHECK((*r[2])->duplicate);
  CHECK((*r[1])->id == (*r[0])->id);
  CHECK(count_rows(**store) == 1);
  CHECK((*store)->stats().duplicates == 2);
}

TEST_CASE("the window: older originals, rejected originals, window 0 (STORE-4.3)", "[store]") {
  TempDir dir;
  auto opts = options_for(dir.file("store.db"));
  opts.duplicate_window_seconds = 60;
  SECTION("an original older than the window does not make a duplicate") {
    auto store = SqliteStore::open(opts);
    REQUIRE(store.ok());
    const std::int64_t t0 = lienthong::testing::now_us();
    REQUIRE(append_wait(**store, make_record("W1", t0)).ok());
    auto inside = append_wait(**store, make_record("W1", t0 + 60'000'000));
    REQUIRE(inside.ok());
    CHECK(inside->duplicate);
    auto outside = append_wait(**store, make_record("W1", t0 + 60'000'001));
    REQUIRE(outside.ok());
    CHECK_FALSE(outside->duplicate);
    CHECK(count_rows(**store) == 2);
  }
  SECTION("only an accepted original counts, and only an accepted record is checked") {
    auto store = SqliteStore::open(opts);
    REQUIRE(store.ok());
    InboundRecord rejected = make_record("W2");
    rejected.status = "rejected";
    rejected.error = "no route";
    REQUIRE(append_wait(**store, rejected).ok());
    auto accepted = append_wait(**store, make_record("W2"));
    REQUIRE(accepted.ok());
    CHECK_FALSE(accepted->duplicate);
    auto rejected_again = append_wait(**store, rejected);
    REQUIRE(rejected_again.ok());
    CHECK_FALSE(rejected_again->duplicate);
    CHECK(count_rows(**store) == 3);
  }
  SECTION("window 0 turns detection off") {
    opts.duplicate_window_seconds = 0;
    auto store = SqliteStore::open(opts);
    REQUIRE(store.ok());
    REQUIRE(append_wait(**store, make_record("W3")).ok());
    auto second = append_wait(**store, make_record("W3"));
    REQUIRE(second.ok());
    CHECK_FALSE(second->duplicate);
    CHECK(count_rows(**store) == 2);
  }
  SECTION("an empty control id is never a duplicate") {
    auto store = SqliteStore::open(opts);
    REQUIRE(store.ok());
    REQUIRE(append_wait(**store, make_record("")).ok());
    auto second = append_wait(**store, make_record(""));
    REQUIRE(second.ok());
    CHECK_FALSE(second->duplicate);
  }
}


TEST_CASE("a store of schema version 5 loses the duplicate index; its earlier messages are still found "
          "(STORE-4.4, STORE-5)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  const std::int64_t original = append_and_close(path, make_record("OLD1"));
  // Back to what version 5 had: the SQL index led by the control id.
  exec_sql(path,
           "CREATE INDEX messages_duplicate_key ON messages (control_id, sending_facility, sending_application, source);"
           " PRAGMA user_version = 5;");
  auto store = SqliteStore::open(options_for(path));
  REQUIRE(store.ok());
  CHECK(query_texts(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_duplicate_key'") ==
        std::vector<std::string>{"0"});
  auto again = append_wait(**store, make_record("OLD1"));
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  CHECK(again->id == original);
  CHECK((*store)->integrity_check().value() == "ok");
}

TEST_CASE("the duplicate index keeps up across many senders and its table's growth; a rolled-back batch leaves "
          "no entry behind (STORE-4.2, STORE-4.4)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = SqliteStore::open(options_for(path));
  REQUIRE(store.ok());
  // 5,000 originals from 50 senders: the in-memory table grows several times.
  for (int i = 0; i < 5000; ++i) {
    InboundRecord r = make_record("C" + std::to_string(i / 50));
    r.sending_facility = "F" + std::to_string(i % 50);
    auto out = append_wait(**store, r);
    REQUIRE(out.ok());
    REQUIRE_FALSE(out->duplicate);
  }
  // Every one of them is found again, with its own id.
  std::int64_t expected_id = 0;
  for (int i = 0; i < 5000; i += 7) {
    InboundRecord r = make_record("C" + std::to_string(i / 50));
    r.sending_facility = "F" + std::to_string(i % 50);
    auto out = append_wait(**store, r);
    REQUIRE(out.ok());
    CHECK(out->duplicate);
    expected_id = i + 1;  // ids follow the appends
    CHECK(out->id == expected_id);
  }
  CHECK(count_rows(**store) == 5000);
}

