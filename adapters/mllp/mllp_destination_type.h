// The "mllp" destination type for the engine's DestinationRegistry: the CLI registers
// it with one line, registry.add("mllp", adapters::mllp::mllp_destination_type()).
// It accepts HL7 v2 bodies only. parse() reads the keys of kMllpDestinationKeys;
// create() starts the worker threads (nothing connects before the first item).
// Sender events go to core::log.
//
// Thread-safety: as core::DestinationType / core::Destination.
#pragma once

#include "engine/core/destination.h"

namespace lienthong::adapters::mllp {

core::DestinationType mllp_destination_type();

}  // namespace lienthong::adapters::mllp
