// The keys every destination has, whatever its type (docs/destinations.md,
// "Common keys"): how many items may be in flight, how retries back off, when an
// item is given up, and whether a dead item holds back its key's later items.
// The type's own keys are read by its registry entry into `type_settings`.
//
// Thread-safety: plain values.
#pragma once

#include <any>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/config_reader.h"
#include "engine/core/destination.h"

namespace lienthong::core {

struct DeliveryPolicy {
  std::size_t concurrency = 8;       // items in flight at once (always of different keys)
  std::size_t window = 4096;         // items held in memory; the rest wait in the store
  int max_attempts = 0;              // 0: no limit (max_age decides)
  std::chrono::microseconds max_age = std::chrono::hours(72);  // from intake; then dead
  std::chrono::microseconds backoff_initial = std::chrono::seconds(1);
  std::chrono::microseconds backoff_max = std::chrono::minutes(5);
  // Message types ("ADT", "ADT^A08") whose dead items hold back later items of
  // the same key until they are replayed. `true` in the config = every type.
  std::vector<std::string> stop_on_dead = {"ADT"};
  bool stop_on_dead_all = false;

  bool stops_on_dead(const std::string& message_type) const;  // "ADT^A01"
};

struct DestinationSettings {
  std::string name;
  std::string type;
  DeliveryPolicy policy;
  std::any type_settings;
  std::vector<std::string> accepts;  // from the type
  std::string path;                  // "lienthong.json: $.destinations[0]" for messages
};

// Reads one destination object (common keys, then the type's through `registry`).
// Errors are recorded in the object's document; the caller calls finish().
DestinationSettings read_destination(const ConfigObject& object, const DestinationRegistry& registry);

}  // namespace lienthong::core
