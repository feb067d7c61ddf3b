#include "engine/core/engine_stats.h"

#include <cmath>

#include "engine/core/log.h"

namespace lienthong::core {
namespace {

// A rate with one decimal: "12.5".
std::string per_second(std::uint64_t count, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(count) / seconds : 0;
  const auto tenths = static_cast<long long>(std::llround(rate * 10));
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

}  // namespace

bool EngineStats::tick(Clock::time_point now, const IntakeCounters& intake,
                       const std::vector<std::pair<std::string, DeliveryCounters>>& delivery) {
  const std::int64_t interval_us = interval_us_.load();
  if (!started_) {
    // The first interval starts here, from the counts as they are.
    started_ = true;
    last_ = now;
    last_received_ = intake.received;
    for (const auto& [name, c] : delivery) last_delivered_[name] = c.delivered;
    return false;
  }
  if (interval_us <= 0 || now - last_ < std::chrono::microseconds(interval_us)) return false;
  const double seconds = std::chrono::duration<double>(now - last_).count();
  log::info("engine.stats", {{"received", intake.received},
                             {"accepted", intake.accepted},
                             {"errors", intake.errors},
                             {"rejected", intake.rejected},
                             {"duplicates", intake.duplicates},
                             {"store_errors", intake.store_errors},
                             {"in_flight", intake.in_flight},
                             {"received_per_s", per_second(intake.received - last_received_, seconds)}});
  for (const auto& [name, c] : delivery) {
    // A destination added by a reload starts from zero.
    const auto seen = last_delivered_.find(name);
    const std::uint64_t before = seen != last_delivered_.end() ? seen->second : 0;
    log::info("delivery.stats", {{"destination", name},
                                 {"delivered", c.delivered},
                                 {"retried", c.retried},
                                 {"dead", c.dead},
                                 {"held", c.held},
                                 {"in_flight", c.in_flight},
                                 {"in_memory", c.in_memory},
                                 {"delivered_per_s", per_second(c.delivered >= before ? c.delivered - before : 0, seconds)}});
    last_delivered_[name] = c.delivered;
  }
  last_ = now;
  last_received_ = intake.received;
  return true;
}

}  // namespace lienthong::core
