// The store's tunables and their defaults, written once: SqliteStoreOptions
// and CheckpointOptions (a store opened by tests and benchmarks) and the
// config's StoreSettings (engine/core/config.h, docs/configuration.md `store`)
// start from these, so a store opened either way behaves the same.
//
// Thread-safety: constants.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lienthong::store::defaults {

inline constexpr std::int64_t kDuplicateWindowSeconds = 24 * 3600;  // 0: no duplicate detection
inline constexpr std::size_t kBatchMax = 256;                     // messages per group commit at most
inline constexpr std::int64_t kBatchDelayUs = 0;                  // a batch waits to fill: not at all
inline constexpr std::int64_t kUpdateDelayUs = 10'000;            // item updates alone wait this long (STORE-2.4)
// Each checkpoint syncs the WAL and the database file; on a virtual disk those
// syncs slow the writer's own (4-16 ms instead of ~0.3). ACK p99 at 1,000 msg/s
// over 9 runs: median 2.5 ms every 200 ms / 1,000 frames, 1.8 ms every 1 s /
// 4,000 frames; the largest delay grows (5-16 ms -> 21-46 ms) (STORE-8.1).
inline constexpr int kCheckpointPages = 4000;                  // new WAL frames that start a checkpoint
inline constexpr std::int64_t kCheckpointIntervalMs = 1000;    // otherwise this often, when anything was committed
inline constexpr std::int64_t kWalLimitMb = 64;                // a WAL this long is finished under the writer gate

}  // namespace lienthong::store::defaults
