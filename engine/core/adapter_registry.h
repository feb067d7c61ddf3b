// Every adapter type the engine can run, by config "type" name: listeners
// (sources) and destinations. The CLI fills one at start-up (the only place that
// names concrete adapters); config loading and the engine only look types up.
//
// Thread-safety: fill at start-up, then only read (any thread).
#pragma once

#include "engine/core/destination.h"
#include "engine/core/listener_registry.h"

namespace lienthong::core {

struct AdapterRegistry {
  ListenerRegistry listeners;
  DestinationRegistry destinations;
};

}  // namespace lienthong::core
