// EngineStats: the engine's periodic counters line (docs/configuration.md
// `stats_interval`). Every interval it logs, at info level, one `engine.stats`
// line with the intake totals since start and the messages received per second
// over the interval, and one `delivery.stats` line per destination with its
// totals, what is in flight and held, and the Bundles delivered per second.
// Counts only: never a message's content or a patient's identifier.
//
// Thread-safety: set_interval() from any thread (a reload); tick() from one
// thread at a time (the engine's once-a-second timer).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/delivery_scheduler.h"
#include "engine/core/intake.h"

namespace lienthong::core {

class EngineStats {
 public:
  using Clock = std::chrono::steady_clock;

  // 0 turns the lines off.
  void set_interval(std::chrono::microseconds interval) { interval_us_.store(interval.count()); }

  // Logs the lines when an interval has passed since the last ones (or since
  // the first tick); returns whether it did.
  bool tick(Clock::time_point now, const IntakeCounters& intake,
            const std::vector<std::pair<std::string, DeliveryCounters>>& delivery);

 private:
  std::atomic<std::int64_t> interval_us_{0};
  bool started_ = false;
  Clock::time_point last_;
  std::uint64_t last_received_ = 0;
  std::map<std::string, std::uint64_t> last_delivered_;
};

}  // namespace lienthong::core
