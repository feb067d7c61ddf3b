// Power loss (docs/specs/store.md STORE-1): with synchronous=FULL every append
// whose callback said "stored" survives a power cut that throws away every
// unsynced write; with synchronous=OFF the same cut loses acknowledged records,
// which shows the test VFS really drops data (so the first test can fail).
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

struct CutResult {
  std::vector<std::string> acked;  // control ids whose callback said stored
  std::map<std::string, int> found;  // control id -> rows after the cut
  std::string integrity;
};

// Streams appends from 4 threads, cuts power after `cut_after` acknowledgements
// while appends are still in flight, then reopens through the normal VFS.
CutResult run_power_cut(Synchronous sync, std::size_t cut_after) {
  PowerLossVfs& vfs = PowerLossVfs::instance();
  vfs.revive();
  TempDir dir;
  auto opts = options_for(dir.file("store.db"));
  opts.vfs = PowerLossVfs::kName;
  opts.synchronous = sync;
  opts.batch_max = 16;
  CutResult out;
  {
    auto store = SqliteStore::open(opts);
    REQUIRE(store.ok());
    constexpr std::size_t kThreads = 4, kEach = 400, kTotal = kThreads * kEach;
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
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return acked.size() >= cut_after; });
    }
    vfs.power_cut();  // appends are still being pushed and committed
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
    CutResult r = run_power_cut(Synchronous::kFull, cut_after);
    REQUIRE(r.acked.size() >= cut_after);
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
}

TEST_CASE("synchronous=OFF: the same cut loses acknowledged appends (the VFS drops data)",
          "[store][power]") {
  CutResult r = run_power_cut(Synchronous::kOff, 300);
  REQUIRE(r.acked.size() >= 300);
  std::size_t missing = 0;
  for (const auto& id : r.acked) missing += r.found.count(id) == 0 ? 1 : 0;
  CHECK(missing > 0);
  CHECK(r.integrity == "ok");
}
