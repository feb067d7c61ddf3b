// Commit failures: a full disk and a failed fsync (docs/specs/store.md STORE-3),
// injected through the test VFS.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "tests/store/power_loss_vfs.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using lienthong::testing::append_wait;
using lienthong::testing::make_record;
using lienthong::testing::options_for;
using lienthong::testing::PowerLossVfs;
using lienthong::testing::TempDir;


namespace {
// A store whose file I/O goes through the fault-injecting VFS, reset to healthy.
auto open_on_fault_vfs(TempDir& dir) {
  PowerLossVfs::instance().revive();
  auto opts = options_for(dir.file("store.db"));
  opts.vfs = PowerLossVfs::kName;
  return SqliteStore::open(opts);
}
}  // namespace

TEST_CASE("a full disk refuses the batch, keeps reads, and accepts again (STORE-3.1)", "[store]") {
  PowerLossVfs& vfs = PowerLossVfs::instance();
  TempDir dir;
  auto store = open_on_fault_vfs(dir);
  REQUIRE(store.ok());
  auto before = append_wait(**store, make_record("FULL0"));
  REQUIRE(before.ok());

  vfs.fail_writes_disk_full(true);
  auto refused = append_wait(**store, make_record("FULL1"));
  vfs.fail_writes_disk_full(false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("full") != std::string::npos);
  CHECK((*store)->stats().failed_batches == 1);
  CHECK_FALSE((*store)->broken().has_value());

  auto read = (*store)->get(before->id);
  REQUIRE(read.ok());
  CHECK(read->has_value());

  auto after = append_wait(**store, make_record("FULL1"));
  REQUIRE(after.ok());
  CHECK_FALSE(after->duplicate);  // the refused one was not stored
  MessageFilter all;
  auto l = (*store)->list(all);
  REQUIRE(l.ok());
  CHECK(l->size() == 2);
  (*store)->close();
  vfs.revive();
}

TEST_CASE("a failed fsync stops all writing with the reason (STORE-3.2)", "[store]") {
  PowerLossVfs& vfs = PowerLossVfs::instance();
  TempDir dir;
  auto store = open_on_fault_vfs(dir);
  REQUIRE(store.ok());
  auto kept = append_wait(**store, make_record("SYNC0"));
  REQUIRE(kept.ok());

  vfs.fail_syncs(true);
  auto failed = append_wait(**store, make_record("SYNC1"));
  vfs.fail_syncs(false);
  REQUIRE_FALSE(failed.ok());
  REQUIRE((*store)->broken().has_value());
  CHECK((*store)->broken()->find("fsync") != std::string::npos);

  // The disk "works" again, but the store does not guess past the failure.
  auto later = append_wait(**store, make_record("SYNC2"));
  REQUIRE_FALSE(later.ok());
  CHECK(later.error().message.find("read-only") != std::string::npos);
  auto read = (*store)->get(kept->id);
  REQUIRE(read.ok());
  CHECK(read->has_value());
  // Nothing is written after the failure: no checkpoint, not even at close.
  const std::uint64_t writes = vfs.writes();
  (*store)->close();
  CHECK(vfs.writes() == writes);
  vfs.revive();
}

TEST_CASE("a database locked by another writer refuses the batch, then recovers (STORE-3.1)",
          "[store]") {
  TempDir dir;
  auto opts = options_for(dir.file("store.db"));
  opts.busy_timeout_ms = 50;
  auto store = SqliteStore::open(opts);
  REQUIRE(store.ok());
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(opts.path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto refused = append_wait(**store, make_record("LOCK1"));
  REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("locked") != std::string::npos);
  CHECK_FALSE((*store)->broken().has_value());
  auto accepted = append_wait(**store, make_record("LOCK1"));
  REQUIRE(accepted.ok());
  CHECK_FALSE(accepted->duplicate);
}
