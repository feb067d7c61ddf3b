// POSIX TZ strings (POSIX.1-2017 §8.3, with RFC 8536's extension of hours to
// ±167), as found in the footer of TZif files: the rule that extends a zone past
// its last listed transition.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace lienthong::mapping {

// One end of the daylight-saving period: a day rule plus the local time of day
// (seconds; RFC 8536 allows -167h..167h) at which it happens.
struct DayRule {
  enum class Kind : std::uint8_t { kJulianNoLeap, kZeroBased, kMonthWeekDay } kind = Kind::kMonthWeekDay;
  int day = 0;               // Jn: 1..365; n: 0..365; M: weekday 0..6 (Sunday = 0)
  int month = 0, week = 0;   // M only: month 1..12, week 1..5 (5 = last)
  std::int64_t time = 7200;  // seconds after local midnight

  // Seconds from 1970-01-01 00:00 (local clock, no offset applied) of this rule in `year`.
  std::int64_t local_seconds(std::int64_t year) const;
};

struct PosixTz {
  std::int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  DayRule start, end;  // start in standard time, end in daylight time
};

// "<+07>-7", "CET-1CEST,M3.5.0,M10.5.0/3", ...; nullopt when `s` is not one.
std::optional<PosixTz> parse_posix_tz(std::string_view s);

}  // namespace lienthong::mapping
