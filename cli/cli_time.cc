#include "cli/cli_time.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "engine/base/clock.h"
#include "engine/core/config_reader.h"

namespace lienthong::cli {

namespace {
}  // namespace

std::optional<std::int64_t> parse_since(const std::string& text) {
  const std::int64_t now = unix_now_us();
  if (auto d = core::parse_duration(text)) return now - d->count();
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail);
  bool date_only = n == 3 && text.size() == 10;
  if (!date_only && !(n == 6 || (n == 7 && tail == 'Z' && text.back() == 'Z'))) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000;
}

std::string time_text(std::int64_t us) {
  std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string age_text(std::int64_t us) {
  const std::int64_t s = std::max<std::int64_t>(0, (unix_now_us() - us) / 1'000'000);
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 172800) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

}  // namespace lienthong::cli
