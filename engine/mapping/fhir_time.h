// HL7 v2 times (TS / DTM / DT) as FHIR date, dateTime and instant
// (docs/mapping.md MAP-7): precision kept, the message's offset kept, and a
// configured zone supplied where the message gives none.
//
// Thread-safety: pure functions; a TimeZone is immutable after construction and
// may be shared between threads.
#pragma once

#include <cstddef>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace lienthong::mapping {

// A zone for times that carry no offset: a fixed offset ("+07:00", "-0330",
// "Z") or an IANA name ("Asia/Ho_Chi_Minh") read from the system's zoneinfo
// (TZif files under /usr/share/zoneinfo, or $TZDIR), so historical offsets and
// daylight saving are honoured for the instant in question.
class TimeZone {
 public:
  // "Asia/Ho_Chi_Minh", "UTC", "+07:00", "+0700", "-05:30", "Z". Unknown names
  // and malformed offsets are an error saying what was expected.
  static Result<TimeZone> from_name(std::string_view name);
  static TimeZone fixed(int offset_minutes);  // a fixed offset, minutes east of UTC
  static const TimeZone& ho_chi_minh();       // the default zone (+07:00, from zoneinfo when present)

  // The IANA name as given, or "+07:00" for a fixed offset ("Z" gives "+00:00").
  const std::string& name() const;
  // The offset (minutes east of UTC) in force at a local wall-clock time; for a
  // wall time that occurs twice or never (DST changes) the earlier offset, i.e.
  // the one in force before the change. Offsets with seconds (local mean time
  // before ~1900) are truncated to minutes, as strftime's %z does. After a
  // zone's last transition its TZif footer (a POSIX TZ string) rules.
  int offset_for_local(int year, int month, int day, int hour, int minute, int second) const;
  // The offset (minutes east of UTC) in force at `instant`, truncated to minutes likewise.
  int offset_at(std::chrono::system_clock::time_point instant) const;

  struct Data;

 private:
  explicit TimeZone(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

enum class FhirTimeType : std::uint8_t { kDate, kDateTime, kInstant };

// Converts an HL7 TS/DTM/DT value ("20240131142005.123+0700", "202401",
// "20240131") to FHIR text of `type`:
//   kDate:     "2024", "2024-01", "2024-01-31" (time and offset dropped)
//   kDateTime: the precision given; with a time, minutes/seconds default to 00
//              and an offset is always written (the message's, else `zone`'s)
//   kInstant:  needs at least a full date; time parts default to 0; offset as for kDateTime
// An invalid value (letters, month 13, Feb 30, offset out of range) is an error
// naming what is wrong (no patient data: the value itself is not quoted).
Result<std::string> hl7_to_fhir_time(std::string_view hl7, FhirTimeType type, const TimeZone& zone);

// The longest text the conversion writes: "2024-01-31T14:20:05.123456789+07:00" is 35.
inline constexpr std::size_t kFhirTimeMaxSize = 40;
// As above, written into `out` (room for kFhirTimeMaxSize characters) without
// allocating; gives the length written.
Result<std::size_t> hl7_to_fhir_time(std::string_view hl7, FhirTimeType type, const TimeZone& zone, char* out);

}  // namespace lienthong::mapping
