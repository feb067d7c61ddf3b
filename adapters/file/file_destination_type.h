// The "file" destination type for the engine's DestinationRegistry: the CLI registers
// it with one line, registry.add("file", adapters::file::file_destination_type()).
// parse() reads the keys of kFileDestinationKeys; create() makes the directory and
// throws std::runtime_error when it cannot (start-up misconfiguration).
//
// Thread-safety: as core::DestinationType / core::Destination.
#pragma once

#include "engine/core/destination.h"

namespace lienthong::adapters::file {

core::DestinationType file_destination_type();

}  // namespace lienthong::adapters::file
