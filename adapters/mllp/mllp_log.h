// How the MLLP adapter reports events: one structured key=value line per
// event, handed to a callback so the adapter stays testable on its own
// (mllp_listener_type.cc forwards them to core::log), e.g.
// "event=mllp.discarded listener=adt peer=10.0.0.5:41000 bytes=12". Lines carry
// peers, sizes, counts and control ids, never message content.
//
// Thread-safety: the function may be called from any of the io_context's
// threads at once; it must be thread-safe (or empty: no logging).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace lienthong::adapters::mllp {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarning, kError };

using LogFn = std::function<void(LogLevel, const std::string& line)>;

}  // namespace lienthong::adapters::mllp
