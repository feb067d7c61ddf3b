// SqliteStore basics on real files: round trip, listing filters, open errors,
// schema migrations (docs/specs/store.md STORE-5, STORE-6, STORE-7).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/store/message_query.h"
#include "engine/store/schema.h"
#include "tests/store/sqlite_file.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using lienthong::testing::append_and_close;
using lienthong::testing::append_wait;
using lienthong::testing::query_texts;
using lienthong::testing::make_record;
using lienthong::testing::options_for;
using lienthong::testing::TempDir;

namespace {

// The control ids `list(filter)` returns, in its order.
std::vector<std::string> listed_control_ids(SqliteStore& store, const MessageFilter& filter) {
  auto listed = store.list(filter);
  REQUIRE(listed.ok());
  std::vector<std::string> out;
  for (const auto& m : *listed) out.push_back(m.control_id);
  return out;
}

}  // namespace

TEST_CASE("append then get returns every field as given", "[store]") {
  TempDir dir;
  auto store = SqliteStore::open(options_for(dir.file("nested/dir/store.db")));
  REQUIRE(store.ok());
  InboundRecord in = make_record("MSG0001");
  in.raw += std::string("\x00\xff\xc3\xa1", 4);  // arbitrary bytes survive as a blob
  in.ack += std::string("\x00", 1);
  in.error = "";
  auto out = append_wait(**store, in);
  REQUIRE(out.ok());
  CHECK_FALSE(out->duplicate);
  CHECK(out->id > 0);

  auto got = (*store)->get(out->id);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  const InboundRecord& r = (*got)->record;
  CHECK((*got)->id == out->id);
  CHECK(r.source == in.source);
  CHECK(r.peer == in.peer);
  CHECK(r.received_at_us == in.received_at_us);
  CHECK(r.raw == in.raw);
  CHECK(r.encoding == in.encoding);
  CHECK(r.message_type == "ADT");
  CHECK(r.trigger_event == "A01");
  CHECK(r.version == "2.5");
  CHECK(r.control_id == "MSG0001");
  CHECK(r.sending_application == "HIS");
  CHECK(r.sending_facility == "BV_BACHMAI");
  CHECK(r.status == "accepted");
  CHECK(r.ack == in.ack);
  CHECK(r.error.empty());

  auto missing = (*store)->get(out->id + 1000);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("list filters by time, type, trigger, control id glob and source", "[store]") {
  TempDir dir;
  auto opened = SqliteStore::open(options_for(dir.file("store.db")));
  REQUIRE(opened.ok());
  SqliteStore& store = **opened;
  const std::int64_t t0 = 1'700'000'000'000'000;
  for (int i = 0; i < 6; ++i) {
    InboundRecord r = make_record("CTRL-" + std::to_string(i), t0 + i * 1'000'000);
    if (i % 2 == 1) r.trigger_event = "A08";
    if (i == 5) {
      r.message_type = "ORU";
      r.trigger_event = "R01";
      r.source = "mllp-lab";
      r.control_id = "LAB[7]";
    }
    REQUIRE(append_wait(store, r).ok());
  }
  auto ids = [&](const MessageFilter& f) { return listed_control_ids(store, f); };
  MessageFilter all;
  CHECK(ids(all) == std::vector<std::string>{"LAB[7]", "CTRL-4", "CTRL-3", "CTRL-2", "CTRL-1",
                                             "CTRL-0"});  // newest first
  MessageFilter since;
  since.since_us = t0 + 3'000'000;
  CHECK(ids(since) == std::vector<std::string>{"LAB[7]", "CTRL-4", "CTRL-3"});
  MessageFilter adt;
  adt.type = "ADT";
  CHECK(ids(adt).size() == 5);
  MessageFilter a01;
  a01.type = "ADT^A01";
  CHECK(ids(a01) == std::vector<std::string>{"CTRL-4", "CTRL-2", "CTRL-0"});
  MessageFilter glob;
  glob.control_id_pattern = "CTRL-?";
  CHECK(ids(glob).size() == 5);
  glob.control_id_pattern = "*[7]";  // '[' is literal, not a class
  CHECK(ids(glob) == std::vector<std::string>{"LAB[7]"});
  glob.control_id_pattern = "*-3";
  CHECK(ids(glob) == std::vector<std::string>{"CTRL-3"});
  MessageFilter source;
  source.source = "mllp-lab";
  CHECK(ids(source) == std::vector<std::string>{"LAB[7]"});
  MessageFilter limited;
  limited.limit = 2;
  CHECK(ids(limited) == std::vector<std::string>{"LAB[7]", "CTRL-4"});

  MessageFilter since_and_type;
  since_and_type.since_us = t0 + 2'000'000;
  since_and_type.type = "ADT^A01";
  CHECK(ids(since_and_type) == std::vector<std::string>{"CTRL-4", "CTRL-2"});
  since_and_type.limit = 1;
  CHECK(ids(since_and_type) == std::vector<std::string>{"CTRL-4"});

  auto summary = store.list(source);
  REQUIRE(summary.ok());
  REQUIRE(summary->size() == 1);
  CHECK((*summary)[0].size == make_record("CTRL-5").raw.size());  // raw was built as CTRL-5
  CHECK((*summary)[0].status == "accepted");
  CHECK((*summary)[0].received_at_us == t0 + 5'000'000);
}

TEST_CASE("a new file is migrated to the current schema and reopens (STORE-5)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  const std::int64_t id = append_and_close(path, make_record("KEEP1"));
  CHECK(query_texts(path, "PRAGMA user_version") == std::vector<std::string>{std::to_string(current_schema_version())});
  CHECK(query_texts(path, "PRAGMA journal_mode") == std::vector<std::string>{"wal"});

  auto again = SqliteStore::open(options_for(path));
  REQUIRE(again.ok());
  auto got = (*again)->get(id);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->record.control_id == "KEEP1");
  auto next = append_wait(**again, make_record("KEEP2"));
  REQUIRE(next.ok());
  CHECK(next->id > id);
}

TEST_CASE("open errors name the path and the reason (STORE-5)", "[store]") {
  TempDir dir;
  SECTION("a file that is not SQLite") {
    const std::string path = dir.file("garbage.db");
    std::ofstream(path) << std::string(8192, 'x');
    auto s = SqliteStore::open(options_for(path));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find(path) != std::string::npos);
    CHECK(s.error().message.find("not a database") != std::string::npos);
  }
  SECTION("another program's SQLite database") {
    const std::string path = dir.file("other.db");
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto s = SqliteStore::open(options_for(path));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("not a lienthong store") != std::string::npos);
  }
  SECTION("a store written by a newer program") {
    const std::string path = dir.file("newer.db");
    { REQUIRE(SqliteStore::open(options_for(path)).ok()); }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto s = SqliteStore::open(options_for(path));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("newer") != std::string::npos);
    auto ro = SqliteStore::open_readonly(path);
    REQUIRE_FALSE(ro.ok());
  }
  SECTION("a directory where the file should be") {
    const std::string path = dir.file("adir");
    std::filesystem::create_directories(path);
    auto s = SqliteStore::open(options_for(path));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find(path) != std::string::npos);
  }
  SECTION("read-only open of a missing file") {
    auto s = SqliteStore::open_readonly(dir.file("missing.db"));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("no such file") != std::string::npos);
  }
}

TEST_CASE("close drains queued appends and later appends fail inline (STORE-7)", "[store]") {
  TempDir dir;
  auto opts = options_for(dir.file("store.db"));
  opts.batch_delay_us = 50'000;  // appends wait in the queue
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  lienthong::testing::Outcomes outcomes;
  for (std::size_t i = 0; i < 50; ++i) {
    (*store)->append(make_record("DRAIN" + std::to_string(i)), outcomes.callback(i));
  }
  (*store)->close();
  CHECK(outcomes.done() == 50);
  for (const auto& r : outcomes.results()) {
    REQUIRE(r.has_value());
    CHECK(r->ok());
  }
  bool called = false;
  (*store)->append(make_record("LATE"), [&](Result<Appended> r) {
    called = true;
    CHECK_FALSE(r.ok());
  });
  CHECK(called);
  CHECK_FALSE((*store)->list({}).ok());

  auto reopened = SqliteStore::open_readonly(opts.path);
  REQUIRE(reopened.ok());
  MessageFilter f;
  f.limit = 0;
  auto l = (*reopened)->list(f);
  REQUIRE(l.ok());
  CHECK(l->size() == 50);
}

namespace {
// The names of this process's threads, from /proc (Linux).
std::vector<std::string> thread_names() {
  std::vector<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.push_back(name);
  }
  return names;
}
}  // namespace

TEST_CASE("the store's threads carry names that say what they do", "[store]") {
  TempDir dir;
  auto before = thread_names();
  CHECK(std::count(before.begin(), before.end(), "lt-writer") == 0);
  auto store = SqliteStore::open(options_for(dir.file("store.db")));
  REQUIRE(store.ok());
  auto during = thread_names();
  CHECK(std::count(during.begin(), during.end(), "lt-writer") == 1);
  CHECK(std::count(during.begin(), during.end(), "lt-checkpoint") == 1);
  CHECK(std::count(during.begin(), during.end(), "lt-wal-sync") == 1);
  (*store)->close();
}

TEST_CASE("list since a time is exact when ids and receive times disagree (STORE-6.4)", "[store]") {
  // A clock set back: later rows carry earlier times.
  TempDir dir;
  auto opened = SqliteStore::open(options_for(dir.file("store.db")));
  REQUIRE(opened.ok());
  SqliteStore& store = **opened;
  const std::int64_t t0 = 1'700'000'000'000'000;
  const std::int64_t offsets_s[] = {10, 20, 5, 30, 1, 25};
  for (std::size_t i = 0; i < std::size(offsets_s); ++i) {
    REQUIRE(append_wait(store, make_record("C" + std::to_string(i), t0 + offsets_s[i] * 1'000'000)).ok());
  }
  MessageFilter since;
  since.since_us = t0 + 10'000'000;
  CHECK(listed_control_ids(store, since) == std::vector<std::string>{"C5", "C3", "C1", "C0"});  // highest id first
  since.since_us = t0 + 40'000'000;
  CHECK(listed_control_ids(store, since).empty());
}

TEST_CASE("list since a time reads from the received_at index, not every row (STORE-6.4)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  { auto opened = SqliteStore::open(options_for(path)); REQUIRE(opened.ok()); }
  MessageFilter filter;
  filter.since_us = 1'700'000'000'000'000;
  filter.type = "ADT^A01";
  filter.control_id_pattern = "MSG*";
  const std::string plan_sql = "EXPLAIN QUERY PLAN " + message_list_query(filter).sql;
  std::vector<std::string> plan = query_texts(path, plan_sql.c_str(), 3);
  std::string joined;
  for (const std::string& step : plan) joined += step + "\n";
  INFO(joined);
  CHECK(joined.find("SCAN") == std::string::npos);
  CHECK(joined.find("USING INTEGER PRIMARY KEY (rowid>?)") != std::string::npos);
  CHECK(joined.find("COVERING INDEX messages_received_at") != std::string::npos);
}
