#include "engine/mapping/posix_tz.h"

#include "engine/mapping/civil_date.h"

namespace lienthong::mapping {

namespace {

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  std::optional<PosixTz> parse() {
    PosixTz tz;
    if (!name()) return std::nullopt;
    auto std_west = hms(/*allow_sign=*/true, 24);
    if (!std_west) return std::nullopt;
    tz.std_offset = static_cast<std::int32_t>(-*std_west);
    if (at_end()) return tz;
    if (!name()) return std::nullopt;
    tz.has_dst = true;
    tz.dst_offset = tz.std_offset + 3600;
    if (!at_end() && peek() != ',') {
      auto dst_west = hms(true, 24);
      if (!dst_west) return std::nullopt;
      tz.dst_offset = static_cast<std::int32_t>(-*dst_west);
    }
    if (at_end()) {
      // No rule: the POSIX default is implementation-defined; use the US rule
      // as glibc does. (TZif footers always state their rule.)
      tz.start = DayRule{DayRule::Kind::kMonthWeekDay, 0, 3, 2, 7200};
      tz.end = DayRule{DayRule::Kind::kMonthWeekDay, 0, 11, 1, 7200};
      return tz;
    }
    if (!consume(',') || !rule(tz.start) || !consume(',') || !rule(tz.end) || !at_end()) return std::nullopt;
    return tz;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }
  bool consume(char c) {
    if (at_end() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  static bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  // An abbreviation: three or more letters, or <...> with letters, digits, + and -.
  bool name() {
    if (consume('<')) {
      std::size_t n = 0;
      while (!at_end() && peek() != '>') {
        const char c = peek();
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-') return false;
        ++i_;
        ++n;
      }
      return consume('>') && n >= 3;
    }
    std::size_t n = 0;
    while (!at_end() && is_alpha(peek())) {
      ++i_;
      ++n;
    }
    return n >= 3;
  }

  std::optional<long> number(int max_digits) {
    long v = 0;
    int digits = 0;
    while (!at_end() && is_digit(peek()) && digits < max_digits) {
      v = v * 10 + (peek() - '0');
      ++i_;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return v;
  }

  // [+|-]hh[:mm[:ss]] in seconds; hours up to max_hours.
  std::optional<long> hms(bool allow_sign, long max_hours) {
    long sign = 1;
    if (allow_sign) {
      if (consume('-')) {
        sign = -1;
      } else {
        consume('+');
      }
    }
    auto h = number(3);
    if (!h || *h > max_hours) return std::nullopt;
    long total = *h * 3600;
    if (consume(':')) {
      auto m = number(2);
      if (!m || *m > 59) return std::nullopt;
      total += *m * 60;
      if (consume(':')) {
        auto s = number(2);
        if (!s || *s > 59) return std::nullopt;
        total += *s;
      }
    }
    return sign * total;
  }

  bool rule(DayRule& r) {
    if (consume('J')) {
      auto n = number(3);
      if (!n || *n < 1 || *n > 365) return false;
      r.kind = DayRule::Kind::kJulianNoLeap;
      r.day = static_cast<int>(*n);
    } else if (consume('M')) {
      auto m = number(2);
      if (!m || *m < 1 || *m > 12 || !consume('.')) return false;
      auto w = number(1);
      if (!w || *w < 1 || *w > 5 || !consume('.')) return false;
      auto d = number(1);
      if (!d || *d > 6) return false;
      r.kind = DayRule::Kind::kMonthWeekDay;
      r.month = static_cast<int>(*m);
      r.week = static_cast<int>(*w);
      r.day = static_cast<int>(*d);
    } else {
      auto n = number(3);
      if (!n || *n > 365) return false;
      r.kind = DayRule::Kind::kZeroBased;
      r.day = static_cast<int>(*n);
    }
    r.time = 7200;
    if (consume('/')) {
      auto t = hms(/*allow_sign=*/true, 167);  // RFC 8536 §3.3.1 extension
      if (!t) return false;
      r.time = *t;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::int64_t DayRule::local_seconds(std::int64_t year) const {
  std::int64_t days = 0;
  switch (kind) {
    case Kind::kJulianNoLeap:
      days = days_from_civil(year, 1, 1) + day - 1 + (is_leap(year) && day >= 60 ? 1 : 0);
      break;
    case Kind::kZeroBased:
      days = days_from_civil(year, 1, 1) + day;
      break;
    case Kind::kMonthWeekDay: {
      const std::int64_t first = days_from_civil(year, month, 1);
      const int first_weekday = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01: Thursday
      int mday = 1 + (day - first_weekday + 7) % 7 + (week - 1) * 7;
      while (mday > days_in_month(year, month)) mday -= 7;
      days = first + mday - 1;
      break;
    }
  }
  return days * kSecondsPerDay + time;
}

std::optional<PosixTz> parse_posix_tz(std::string_view s) { return PosixParser(s).parse(); }

}  // namespace lienthong::mapping
