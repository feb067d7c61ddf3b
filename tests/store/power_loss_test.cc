// Power loss (docs/specs/store.md STORE-1): with synchronous=FULL every append
// whose callback said "stored" survives a power cut that throws away every
// unsynced write, also when checkpoints had copied pages into the database file
// and the WAL had started over before the cut (STORE-8.2); with synchronous=OFF
// the same cut loses acknowledged records, which shows the test VFS really drops
// data (so the first tests can fail).
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <thread>

#include "tests/store/power_loss_vfs.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::store;
using lienthong::testing::make_record;
using lienthong::testing::options_for;
using lienthong::testing::Outcomes;
using lienthong::testing::PowerLossVfs;
using lienthong::testing::TempDir;

namespace {

struct CutPlan {
  Synchronous sync = Synchronous::kFull;
  std::size_t cut_after = 0;     // acknowledgements before the cut
  CheckpointOptions checkpoint;  // the store's defaults unless a test sets them
  // Also wait, before cutting, until a checkpoint has synced the database file
  // and the WAL has started over (its header rewritten) at least once.
  bool after_checkpoint = false;
};

struct CutResult {
  std::vector<std::string> acked;  // control ids whose callback said stored
  std::map<std::string, int> found;  // control id -> rows after the cut
  std::string integrity;
  bool checkpointed = false;  // a database sync and a WAL restart happened before the cut
};

// Streams appends from 4 threads, cuts power after `plan.cut_after`
// acknowledgements while appends are still in flight, then reopens through the
// normal VFS.
CutResult run_power_cut(const CutPlan& plan) {
  PowerLossVfs& vfs = PowerLossVfs::instance();
  vfs.revive();
  TempDir dir;
  auto opts = options_for(dir.file("store.db"));
  opts.vfs = PowerLossVfs::kName;
  opts.synchronous = plan.sync;
  opts.batch_max = 16;
  opts.checkpoint = plan.checkpoint;
  CutResult out;
  {
    auto store = SqliteStore::open(opts);
    REQUIRE(store.ok());
    const std::uint64_t db_syncs_at_open = vfs.db_syncs();
    auto checkpointed = [&] {
      return vfs.db_syncs() > db_syncs_at_open && vfs.wal_header_writes() >= 2;
    };
    // Waiting for a checkpoint needs appends to keep coming until the cut.
    const std::size_t kThreads = 4, kEach = plan.after_checkpoint ? 5000 : 400;
    const std::size_t kTotal = kThreads * kEach;
    std::mutex mu;
    std::condition_variable cv;
    std::atomic<bool> stop{false};
    std::vector<std::string> acked;
    Outcomes done;
    for (std::size_t i = 0; i < kTotal; ++i) (void)done.callback(i);
    std::atomic<std::size_t> pushed{0};
    std::vector<std::thread> producers;
    for (std::size_t t = 0; t < kThreads; ++t) {
      producers.emplace_back([&, t] {
        for (std::size_t i = 0; i < kEach && !stop; ++i) {
          std::string id = "PL" + std::to_string(t) + "-" + std::to_string(i);
          auto record_done = done.callback(t * kEach + i);
          (*store)->append(make_record(id), [&, id, record_done](Result<Appended> r) {
            if (r.ok()) {
              std::lock_guard lock(mu);
              acked.push_back(id);
              cv.notify_all();
            }
            record_done(std::move(r));
          });
          ++pushed;
        }
      });
    }
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::seconds(30), [&] {
        return acked.size() >= plan.cut_after && (!plan.after_checkpoint || checkpointed());
      });
      out.checkpointed = checkpointed();
    }
    vfs.power_cut();  // appends (and checkpoints) are still running
    stop = true;
    for (auto& p : producers) p.join();
    (*store)->close();  // everything after the cut fails; nothing is written
    std::lock_guard lock(mu);
    out.acked = acked;
  }
  vfs.revive();

  auto reopened = SqliteStore::open(options_for(opts.path));  // the real VFS now
  REQUIRE(reopened.ok());
  MessageFilter all;
  all.limit = 0;
  auto rows = (*reopened)->list(all);
  REQUIRE(rows.ok());
  for (const auto& m : *rows) ++out.found[m.control_id];
  auto check = (*reopened)->integrity_check();
  REQUIRE(check.ok());
  out.integrity = *check;
  return out;
}

void check_all_acked_found_once(const CutResult& r) {
  CHECK(r.integrity == "ok");
  std::size_t missing = 0, twice = 0;
  for (const auto& id : r.acked) {
    auto it = r.found.find(id);
    if (it == r.found.end()) ++missing;
    else if (it->second != 1) ++twice;
  }
  CHECK(missing == 0);
  CHECK(twice == 0);
}

}  // namespace

TEST_CASE("synchronous=FULL: every acknowledged append survives a power cut (STORE-1.1)",
          "[store][power]") {
  std::random_device rd;
  const unsigned seed = rd();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 3; ++round) {
    std::size_t cut_after = std::uniform_int_distribution<std::size_t>(1, 600)(rng);
    CAPTURE(round, cut_after);
    CutPlan plan;
    plan.cut_after = cut_after;
    CutResult r = run_power_cut(plan);
    REQUIRE(r.acked.size() >= cut_after);
    check_all_acked_found_once(r);
  }
}

TEST_CASE("synchronous=FULL: acknowledged appends survive a cut after checkpoints copied pages "
          "into the database file and the WAL started over (STORE-1.1, STORE-8.2)",
          "[store][power]") {
  std::random_device rd;
  const unsigned seed = rd();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 3; ++round) {
    CutPlan plan;
    plan.cut_after = std::uniform_int_distribution<std::size_t>(1, 600)(rng);
    // Checkpoints all the time, so cuts also land in the middle of one.
    plan.checkpoint.pages = 8;
    plan.checkpoint.interval = std::chrono::milliseconds(1);
    plan.checkpoint.wal_limit_bytes = 16 * 4096;
    plan.after_checkpoint = true;
    CAPTURE(round, plan.cut_after);
    CutResult r = run_power_cut(plan);
    REQUIRE(r.checkpointed);
    REQUIRE(r.acked.size() >= plan.cut_after);
    check_all_acked_found_once(r);
  }
}

TEST_CASE("synchronous=OFF: the same cut loses acknowledged appends (the VFS drops data)",
          "[store][power]") {
  CutPlan plan;
  plan.sync = Synchronous::kOff;
  plan.cut_after = 300;
  CutResult r = run_power_cut(plan);
  REQUIRE(r.acked.size() >= 300);
  std::size_t missing = 0;
  for (const auto& id : r.acked) missing += r.found.count(id) == 0 ? 1 : 0;
  CHECK(missing > 0);
  CHECK(r.integrity == "ok");
}
