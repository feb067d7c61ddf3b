// The MLLP adapter's log lines ("event=NAME k=v ...", mllp_log.h) written through the
// engine's log (engine/core/log.h): the listener and destination types pass this as
// their LogFn.
//
// Thread-safety: any thread, as core::log.
#pragma once

#include <string>

#include "adapters/mllp/mllp_log.h"

namespace lienthong::adapters::mllp {

void log_to_core(LogLevel level, const std::string& line);

}  // namespace lienthong::adapters::mllp
