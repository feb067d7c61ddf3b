// Wall-clock time as the store keeps it: microseconds since the Unix epoch.
// Stored times, due times of retries and ages shown by the CLI all use this one
// clock so that values written by one process compare with another's.
//
// Thread-safety: a free function over std::chrono::system_clock; any thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace lienthong {

inline std::int64_t unix_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace lienthong
