// Times on the command line: --since values in, UTC timestamps out.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lienthong::cli {

// "2024-01-31T14:20:05Z", "2024-01-31" (UTC) or a duration back from now ("1h",
// "30m", "7d"): microseconds since the epoch; nullopt when it is none of these.
std::optional<std::int64_t> parse_since(const std::string& text);
// "2024-01-31T14:20:05Z".
std::string time_text(std::int64_t us);
// "3s", "4m", "2h", "5d": how long ago `us` was, roughly.
std::string age_text(std::int64_t us);

}  // namespace lienthong::cli
