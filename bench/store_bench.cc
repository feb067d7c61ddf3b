// SqliteStore append throughput: records durably stored per second, with
// synchronous FULL and NORMAL, from 1 and 8 producer threads. Each iteration
// appends a batch of records and waits for all callbacks, so the figure counts
// only committed appends. The database lives under the system temp directory.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/store/sqlite_store.h"

namespace {

using lienthong::store::InboundRecord;
using lienthong::store::SqliteStore;
using lienthong::store::Synchronous;

InboundRecord record(std::int64_t n) {
  InboundRecord r;
  r.source = "bench";
  r.peer = "127.0.0.1:1";
  r.received_at_us = n;
  r.raw = "MSH|^~\\&|HIS|BV|LT|LT|20240101120000||ADT^A01^ADT_A01|" + std::to_string(n) +
          "|P|2.5\rEVN|A01|20240101120000\rPID|1||123^^^BV^MR||NGUYEN^VAN A\r";
  r.encoding = "utf-8";
  r.message_type = "ADT";
  r.trigger_event = "A01";
  r.version = "2.5";
  r.control_id = std::to_string(n);
  r.sending_application = "HIS";
  r.sending_facility = "BV";
  r.status = "accepted";
  r.ack = "MSH|^~\\&|LT|LT|HIS|BV|20240101120000||ACK^A01^ACK|1|P|2.5\rMSA|AA|1\r";
  return r;
}

void BM_Append(benchmark::State& state) {
  const auto sync = state.range(0) == 0 ? Synchronous::kFull : Synchronous::kNormal;
  const int threads = static_cast<int>(state.range(1));
  constexpr int kPerIteration = 2000;
  std::string tmpl = (std::filesystem::temp_directory_path() / "lt-store-bench-XXXXXX").string();
  std::filesystem::path dir = mkdtemp(tmpl.data());
  lienthong::store::SqliteStoreOptions opts;
  opts.path = (dir / "store.db").string();
  opts.synchronous = sync;
  auto store = SqliteStore::open(opts);
  if (!store.ok()) {
    state.SkipWithError(store.error().message.c_str());
    return;
  }
  std::atomic<std::int64_t> next{0};
  for (auto _ : state) {
    std::mutex mu;
    std::condition_variable cv;
    int done = 0, failed = 0;
    std::vector<std::thread> producers;
    for (int t = 0; t < threads; ++t) {
      producers.emplace_back([&] {
        for (int i = 0; i < kPerIteration / threads; ++i) {
          (*store)->append(record(next++), [&](lienthong::Result<lienthong::store::Appended> r) {
            std::lock_guard lock(mu);
            ++done;
            if (!r.ok()) ++failed;
            cv.notify_one();
          });
        }
      });
    }
    for (auto& p : producers) p.join();
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done == kPerIteration / threads * threads; });
    if (failed > 0) state.SkipWithError("appends failed");
  }
  state.SetItemsProcessed(state.iterations() * (kPerIteration / threads * threads));
  state.counters["commits"] = static_cast<double>((*store)->stats().commits);
  (*store)->close();
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_Append)
    ->ArgNames({"normal", "threads"})
    ->Args({0, 1})
    ->Args({0, 8})
    ->Args({1, 1})
    ->Args({1, 8})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
