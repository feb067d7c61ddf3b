// WAL checkpoints off the writer thread (docs/specs/store.md STORE-8), the final
// TRUNCATE at close (STORE-7.2), and the fuse after a checkpoint's failed fsync
// (STORE-3.2). Power cuts around checkpoints are in power_loss_test.cc.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <thread>

#include "tests/store/power_loss_vfs.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using lienthong::testing::append_wait;
using lienthong::testing::eventually;
using lienthong::testing::make_record;
using lienthong::testing::options_for;
using lienthong::testing::PowerLossVfs;
using lienthong::testing::TempDir;
using namespace std::chrono_literals;

namespace {

class Warnings {
 public:
  StoreWarning sink() {
    return [this](std::string_view event, std::string_view detail) {
      std::lock_guard lock(mu_);
      lines_.push_back(std::string(event) + ": " + std::string(detail));
    };
  }
  bool any(const std::string& part) {
    std::lock_guard lock(mu_);
    for (const auto& l : lines_) {
      if (l.find(part) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

SqliteStoreOptions eager_checkpoints(const std::string& path) {
  SqliteStoreOptions o = options_for(path);
  o.checkpoint.pages = 16;
  o.checkpoint.interval = 5ms;
  o.checkpoint.wal_limit_bytes = 32 * 4096;
  return o;
}

// The thread that runs append callbacks: the writer.
std::thread::id writer_thread(SqliteStore& store) {
  auto p = std::make_shared<std::promise<std::thread::id>>();
  auto f = p->get_future();
  store.append(make_record("WHO"), [p](Result<Appended>) { p->set_value(std::this_thread::get_id()); });
  return f.get();
}

}  // namespace

TEST_CASE("the writer never writes the database file: checkpoints run on their own thread "
          "(STORE-8.1)", "[store]") {
  PowerLossVfs& vfs = PowerLossVfs::instance();
  vfs.revive();
  TempDir dir;
  auto opts = eager_checkpoints(dir.file("store.db"));
  opts.vfs = PowerLossVfs::kName;
  opts.synchronous = Synchronous::kNormal;
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  const std::thread::id writer = writer_thread(**store);
  // More frames than SQLite's own auto-checkpoint (1000 pages) would let pass.
  for (int i = 0; i < 400; ++i) REQUIRE(append_wait(**store, make_record("W" + std::to_string(i))).ok());
  // Pages were copied into the database file ...
  REQUIRE(eventually([&] { return !vfs.db_writers().empty(); }));
  CHECK(vfs.db_writers().count(writer) == 0);  // ... but never by the writer
  CHECK((*store)->stats().checkpoint.checkpoints >= 1);
  (*store)->close();
  vfs.revive();
}

TEST_CASE("the WAL starts over while appends go on and is empty after close (STORE-8.1, "
          "STORE-7.2)", "[store]") {
  PowerLossVfs& vfs = PowerLossVfs::instance();
  vfs.revive();
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto opts = eager_checkpoints(path);
  opts.vfs = PowerLossVfs::kName;
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  lienthong::testing::Outcomes outcomes;
  std::size_t n = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 50; ++i, ++n) {
      (*store)->append(make_record("S" + std::to_string(n)), outcomes.callback(n));
    }
    REQUIRE(outcomes.wait_for(n));
  }
  for (const auto& r : outcomes.results()) REQUIRE(r->ok());
  REQUIRE(eventually([&] { return vfs.wal_header_writes() >= 2; }));  // started over at least once
  CHECK((*store)->stats().checkpoint.checkpoints >= 1);
  CHECK((*store)->stats().checkpoint.gated >= 1);
  CHECK((*store)->stats().checkpoint.failures == 0);
  (*store)->close();
  std::error_code ec;
  const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
  CHECK((ec || wal_size == 0));  // gone, or truncated by the final checkpoint
  vfs.revive();

  auto reopened = SqliteStore::open_readonly(path);
  REQUIRE(reopened.ok());
  MessageFilter all;
  all.limit = 0;
  auto rows = (*reopened)->list(all);
  REQUIRE(rows.ok());
  CHECK(rows->size() == n);
}

TEST_CASE("a reader holding an old snapshot: forced RESTART tried and reported, appends go on "
          "(STORE-8.3)", "[store]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  Warnings warnings;
  auto opts = eager_checkpoints(path);
  opts.synchronous = Synchronous::kNormal;
  opts.checkpoint.wal_limit_bytes = 128 * 1024;
  opts.checkpoint.forced_wait_ms = 5;
  opts.on_warning = warnings.sink();
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  REQUIRE(append_wait(**store, make_record("FIRST")).ok());

  sqlite3* reader = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM messages;", nullptr, nullptr,
                       nullptr) == SQLITE_OK);  // the read transaction stays open
  int n = 0;
  REQUIRE(eventually([&] {
    REQUIRE(append_wait(**store, make_record("R" + std::to_string(n++))).ok());
    return warnings.any("could not finish");
  }));
  CHECK((*store)->stats().checkpoint.forced >= 1);
  CHECK_FALSE((*store)->broken().has_value());

  REQUIRE(sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(reader);
  // Without the reader the WAL is copied and starts over: back under the limit.
  const std::uint64_t limit_frames = 128 * 1024 / 4096;
  REQUIRE(eventually([&] {
    REQUIRE(append_wait(**store, make_record("A" + std::to_string(n++))).ok());
    return (*store)->stats().checkpoint.frames < limit_frames;
  }));
  MessageFilter all;
  all.limit = 0;
  auto rows = (*store)->list(all);
  REQUIRE(rows.ok());
  CHECK(rows->size() == static_cast<std::size_t>(n) + 1);
}

TEST_CASE("a failed fsync in a checkpoint makes the store read-only; nothing is written after "
          "(STORE-3.2, STORE-8.2)", "[store]") {
  PowerLossVfs& vfs = PowerLossVfs::instance();
  vfs.revive();
  TempDir dir;
  const std::string path = dir.file("store.db");
  auto opts = eager_checkpoints(path);
  opts.vfs = PowerLossVfs::kName;
  opts.checkpoint.pages = 4;
  Warnings warnings;
  opts.on_warning = warnings.sink();
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  std::vector<std::string> acked;
  vfs.fail_db_syncs(true);  // the WAL syncs, so commits still succeed
  std::string refusal;
  REQUIRE(eventually([&] {
    std::string id = "F" + std::to_string(acked.size());
    auto r = append_wait(**store, make_record(id));
    if (r.ok()) {
      acked.push_back(id);
      return false;
    }
    refusal = r.error().message;
    return true;
  }));
  CHECK(refusal.find("read-only") != std::string::npos);
  REQUIRE((*store)->broken().has_value());
  CHECK((*store)->broken()->find("fsync") != std::string::npos);
  CHECK(warnings.any("store.read_only: store is read-only after a failed fsync"));

  vfs.fail_db_syncs(false);  // the disk "works" again: still nothing is written
  const std::uint64_t writes = vfs.writes();
  std::this_thread::sleep_for(50ms);  // ten checkpoint intervals
  CHECK_FALSE(append_wait(**store, make_record("LATER")).ok());
  CHECK((*store)->get(1).ok());  // reads keep working
  (*store)->close();
  CHECK(vfs.writes() == writes);  // no checkpoint, not even at close
  vfs.revive();

  auto reopened = SqliteStore::open(options_for(path));  // recovers the kept WAL
  REQUIRE(reopened.ok());
  MessageFilter all;
  all.limit = 0;
  auto rows = (*reopened)->list(all);
  REQUIRE(rows.ok());
  std::set<std::string> found;
  for (const auto& m : *rows) found.insert(m.control_id);
  for (const auto& id : acked) CHECK(found.count(id) == 1);
  auto check = (*reopened)->integrity_check();
  REQUIRE(check.ok());
  CHECK(*check == "ok");
}
