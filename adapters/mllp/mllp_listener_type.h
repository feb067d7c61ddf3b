// The "mllp" listener type for the engine's ListenerRegistry: the CLI registers
// it with one line, registry.add("mllp", adapters::mllp::mllp_listener_type()).
// create() binds at once and throws std::runtime_error when it cannot (start-up
// misconfiguration, as the registry's contract says). Logs go to core::log.
//
// Thread-safety: as core::ListenerType / core::Listener.
#pragma once

#include "engine/core/listener_registry.h"

namespace lienthong::adapters::mllp {

core::ListenerType mllp_listener_type();

}  // namespace lienthong::adapters::mllp
