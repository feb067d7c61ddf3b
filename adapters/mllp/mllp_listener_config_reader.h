// Reading an MLLP listener's settings from the engine's configuration file
// (one object of "listeners"), with the keys and rules of kMllpListenerKeys.
// Mistakes are recorded in the ConfigObject's document (file, JSON path, what
// was expected), as every config reader of the engine does; the loader reports
// unknown keys afterwards (ConfigObject::finish).
//
// Thread-safety: start-up only, like ConfigObject.
#pragma once

#include "adapters/mllp/mllp_listener_config.h"
#include "engine/core/config_reader.h"

namespace lienthong::adapters::mllp {

// Reads every key except "type" (the loader's). Values in error keep their defaults.
MllpListenerConfig read_mllp_listener_config(const core::ConfigObject& object);

}  // namespace lienthong::adapters::mllp
