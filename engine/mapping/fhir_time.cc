// HL7 v2 TS/DTM/DT -> FHIR date, dateTime, instant (docs/mapping.md MAP-7).
#include "engine/mapping/fhir_time.h"

#include "engine/mapping/civil_date.h"

namespace lienthong::mapping {

namespace {

// The parts of an HL7 time; `digits` is how many of YYYYMMDDHHMMSS were given.
struct Hl7Time {
  int digits = 0;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::string_view fraction;  // digits after '.', without the dot
  bool has_offset = false;
  std::string_view offset;  // "+0700" as given
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int value_of(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

Error invalid(const char* why) { return Error{std::string("not a valid HL7 date/time: ") + why, {}}; }

// YYYY[MM[DD[HH[MM[SS[.S...]]]]]][+/-ZZZZ]. Errors never quote the value.
Result<Hl7Time> parse_hl7(std::string_view s) {
  Hl7Time t;
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  t.digits = static_cast<int>(i);
  if (t.digits == 0) return invalid("expected digits YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]");
  if (t.digits != 4 && t.digits != 6 && t.digits != 8 && t.digits != 10 && t.digits != 12 && t.digits != 14) {
    return invalid("expected YYYY[MM[DD[HH[MM[SS]]]]] (an even number of digits, 4 to 14)");
  }
  if (i < s.size() && s[i] == '.') {
    if (t.digits != 14) return invalid("fractional seconds without seconds");
    const std::size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return invalid("no digits after the decimal point");
    if (i - start > 9) return invalid("more than 9 digits of fractional seconds");
    t.fraction = s.substr(start, i - start);
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s.size() - i != 5 || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 3]) ||
        !is_digit(s[i + 4])) {
      return invalid("the offset must be +ZZZZ or -ZZZZ");
    }
    const int oh = value_of(s, i + 1, 2), om = value_of(s, i + 3, 2);
    if (om > 59 || oh > 14 || (oh == 14 && om != 0)) return invalid("offset out of range");
    t.has_offset = true;
    t.offset = s.substr(i, 5);
    i = s.size();
  }
  if (i != s.size()) return invalid("unexpected character");

  t.year = value_of(s, 0, 4);
  if (t.year == 0) return invalid("year zero");
  if (t.digits >= 6) {
    t.month = value_of(s, 4, 2);
    if (t.month < 1 || t.month > 12) return invalid("month out of range");
  }
  if (t.digits >= 8) {
    t.day = value_of(s, 6, 2);
    if (t.day < 1 || t.day > days_in_month(t.year, t.month)) return invalid("day out of range for the month");
  }
  if (t.digits >= 10) {
    t.hour = value_of(s, 8, 2);
    if (t.hour > 23) return invalid("hour out of range");
  }
  if (t.digits >= 12) {
    t.minute = value_of(s, 10, 2);
    if (t.minute > 59) return invalid("minute out of range");
  }
  if (t.digits >= 14) {
    t.second = value_of(s, 12, 2);
    if (t.second > 59) return invalid("second out of range");
  }
  return t;
}

// The text being written, in the caller's buffer (at most kFhirTimeMaxSize characters).
struct Out {
  char* p;
  void put(char c) { *p++ = c; }
  void add(std::string_view s) {
    for (char c : s) *p++ = c;
  }
};

void append2(Out& out, int v) {
  out.put(static_cast<char>('0' + v / 10));
  out.put(static_cast<char>('0' + v % 10));
}

void append_date(Out& out, const Hl7Time& t, int digits) {
  append2(out, t.year / 100);
  append2(out, t.year % 100);
  if (digits >= 6) {
    out.put('-');
    append2(out, t.month);
  }
  if (digits >= 8) {
    out.put('-');
    append2(out, t.day);
  }
}

void append_time_and_offset(Out& out, const Hl7Time& t, const TimeZone& zone) {
  out.put('T');
  append2(out, t.hour);
  out.put(':');
  append2(out, t.minute);
  out.put(':');
  append2(out, t.second);
  if (!t.fraction.empty()) {
    out.put('.');
    out.add(t.fraction);
  }
  if (t.has_offset) {
    out.add(t.offset.substr(0, 3));
    out.put(':');
    out.add(t.offset.substr(3, 2));
    return;
  }
  const int offset = zone.offset_for_local(t.year, t.month, t.day, t.hour, t.minute, t.second);
  const int magnitude = offset < 0 ? -offset : offset;
  out.put(offset < 0 ? '-' : '+');
  append2(out, magnitude / 60);
  out.put(':');
  append2(out, magnitude % 60);
}

}  // namespace

Result<std::size_t> hl7_to_fhir_time(std::string_view hl7, FhirTimeType type, const TimeZone& zone, char* buffer) {
  auto parsed = parse_hl7(hl7);
  if (!parsed.ok()) return parsed.error();
  const Hl7Time& t = *parsed;
  Out out{buffer};
  switch (type) {
    case FhirTimeType::kDate:
      append_date(out, t, t.digits);
      break;
    case FhirTimeType::kDateTime:
      append_date(out, t, t.digits);
      // FHIR: a dateTime with a time has hours, minutes and seconds and an offset.
      if (t.digits >= 10) append_time_and_offset(out, t, zone);
      break;
    case FhirTimeType::kInstant:
      if (t.digits < 8) return invalid("an instant needs at least a full date (YYYYMMDD)");
      append_date(out, t, 8);
      append_time_and_offset(out, t, zone);
      break;
  }
  return static_cast<std::size_t>(out.p - buffer);
}

Result<std::string> hl7_to_fhir_time(std::string_view hl7, FhirTimeType type, const TimeZone& zone) {
  char buffer[kFhirTimeMaxSize];
  auto written = hl7_to_fhir_time(hl7, type, zone, buffer);
  if (!written.ok()) return written.error();
  return std::string(buffer, *written);
}

}  // namespace lienthong::mapping
