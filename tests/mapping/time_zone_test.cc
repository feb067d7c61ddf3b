#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "engine/mapping/fhir_time.h"

using lienthong::mapping::TimeZone;

namespace {

namespace fs = std::filesystem;

// Sets an environment variable for one scope (tests run on one thread).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

struct ZoneType {
  std::int32_t utoff;
  bool is_dst;
};

// A TZif file (RFC 8536). version 0 writes a v1 file (32-bit times, no footer);
// '2'/'3' write an empty-ish v1 block, then the 64-bit block and the footer.
std::string tzif(char version, const std::vector<std::int64_t>& times, const std::vector<std::uint8_t>& type_of,
                 const std::vector<ZoneType>& types, const std::string& footer = "") {
  auto put32 = [](std::string& out, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto put64 = [](std::string& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto header = [&](std::string& out, std::uint32_t timecnt, std::uint32_t typecnt, std::uint32_t charcnt) {
    out += "TZif";
    out += version;
    out += std::string(15, '\0');
    put32(out, 0);  // isutcnt
    put32(out, 0);  // isstdcnt
    put32(out, 0);  // leapcnt
    put32(out, timecnt);
    put32(out, typecnt);
    put32(out, charcnt);
  };
  auto block = [&](std::string& out, bool wide) {
    for (std::int64_t t : times) {
      if (wide) {
        put64(out, static_cast<std::uint64_t>(t));
      } else {
        put32(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(t)));
      }
    }
    for (std::uint8_t i : type_of) out += static_cast<char>(i);
    for (const ZoneType& t : types) {
      put32(out, static_cast<std::uint32_t>(t.utoff));
      out += static_cast<char>(t.is_dst ? 1 : 0);
      out += '\0';  // abbreviation index: every type uses "ZZZ"
    }
    out += std::string("ZZZ\0", 4);
  };
  std::string out;
  if (version == 0) {
    header(out, static_cast<std::uint32_t>(times.size()), static_cast<std::uint32_t>(types.size()), 4);
    block(out, false);
    return out;
  }
  header(out, 0, 1, 4);  // a minimal v1 block that readers of v2+ skip
  put32(out, 0);
  out += std::string("\0\0", 2);
  out += std::string("ZZZ\0", 4);
  header(out, static_cast<std::uint32_t>(times.size()), static_cast<std::uint32_t>(types.size()), 4);
  block(out, true);
  out += '\n' + footer + '\n';
  return out;
}

// UTC seconds of a UTC civil time (timegm without the TZ machinery).
std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(::timegm(&tm));
}

// A fresh zoneinfo directory under the build tree.
fs::path zone_dir(const std::string& name) {
  fs::path dir = fs::path(LIENTHONG_BINARY_DIR) / "test-tmp" / "zoneinfo" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

const fs::path kSystemZoneinfo = "/usr/share/zoneinfo";
bool have_system_tzdata() { return fs::exists(kSystemZoneinfo / "Asia/Ho_Chi_Minh"); }

// glibc's offset (minutes) for a local time in zone `name`, through TZ + mktime.
int libc_offset(const std::string& name, int y, int mo, int d, int h, int mi) {
  ScopedEnv tz("TZ", ":" + name);
  ::tzset();
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_isdst = -1;
  (void)std::mktime(&tm);
  const int offset = static_cast<int>(tm.tm_gmtoff / 60);
  return offset;
}

}  // namespace

TEST_CASE("time zone: fixed offsets") {
  auto plus7 = TimeZone::from_name("+07:00");
  REQUIRE(plus7.ok());
  CHECK(plus7->name() == "+07:00");
  CHECK(plus7->offset_for_local(1960, 6, 1, 12, 0, 0) == 420);

  auto compact = TimeZone::from_name("-0330");
  REQUIRE(compact.ok());
  CHECK(compact->offset_for_local(2024, 1, 1, 0, 0, 0) == -210);
  CHECK(compact->name() == "-03:30");

  auto z = TimeZone::from_name("Z");
  REQUIRE(z.ok());
  CHECK(z->offset_for_local(2024, 1, 1, 0, 0, 0) == 0);
  CHECK(z->name() == "+00:00");

  auto hours_only = TimeZone::from_name("+05");
  REQUIRE(hours_only.ok());
  CHECK(hours_only->offset_for_local(2024, 1, 1, 0, 0, 0) == 300);

  CHECK(TimeZone::fixed(-300).name() == "-05:00");
  CHECK(TimeZone::fixed(345).offset_for_local(2024, 7, 1, 0, 0, 0) == 345);

  for (const char* bad : {"+7", "+25:00", "+07:60", "+14:30", "+07:0", "+07-00", "-", "+0700x", "+07:000"}) {
    INFO(bad);
    auto zone = TimeZone::from_name(bad);
    REQUIRE_FALSE(zone.ok());
    CHECK(zone.error().message.find("expected +HH:MM") != std::string::npos);
  }
}

TEST_CASE("time zone: names that are not zone names are refused before any file is read") {
  const fs::path dir = zone_dir("names");
  ScopedEnv tzdir("TZDIR", dir.string());
  for (const char* bad : {"", "../etc/passwd", "/etc/localtime", "Asia//Saigon", "Asia/.hidden", "Asia/Ho Chi Minh",
                          "Asia/Hồ"}) {
    INFO(bad);
    auto zone = TimeZone::from_name(bad);
    REQUIRE_FALSE(zone.ok());
    CHECK(zone.error().message.find("expected an IANA name") != std::string::npos);
  }
  auto missing = TimeZone::from_name("Europe/Atlantis");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().where == "Europe/Atlantis");
  CHECK(missing.error().message.find("unknown time zone") == 0);

  auto directory = TimeZone::from_name("Asia");  // a directory, not a zone
  CHECK_FALSE(directory.ok());
}

TEST_CASE("time zone: without tzdata, Asia/Ho_Chi_Minh is +07:00 and UTC is 0") {
  const fs::path dir = zone_dir("empty");
  ScopedEnv tzdir("TZDIR", dir.string());
  auto hcm = TimeZone::from_name("Asia/Ho_Chi_Minh");
  REQUIRE(hcm.ok());
  CHECK(hcm->name() == "Asia/Ho_Chi_Minh");
  CHECK(hcm->offset_for_local(1960, 6, 1, 12, 0, 0) == 420);
  CHECK(hcm->offset_for_local(2024, 6, 1, 12, 0, 0) == 420);
  auto utc_zone = TimeZone::from_name("UTC");
  REQUIRE(utc_zone.ok());
  CHECK(utc_zone->offset_for_local(2024, 6, 1, 12, 0, 0) == 0);
  CHECK_FALSE(TimeZone::from_name("Europe/Paris").ok());
}

TEST_CASE("time zone: TZif version 1 (transitions only)") {
  const fs::path dir = zone_dir("v1");
  // +07:00, then +08:00 from 1960-01-01 00:00 local (+07), then +07:00 from
  // 1975-06-13 00:00 local (+08).
  write_file(dir / "Test/V1", tzif(0, {utc(1959, 12, 31, 17), utc(1975, 6, 12, 16)}, {1, 0},
                                   {{25200, false}, {28800, false}}));
  ScopedEnv tzdir("TZDIR", dir.string());
  auto zone = TimeZone::from_name("Test/V1");
  REQUIRE(zone.ok());
  CHECK(zone->name() == "Test/V1");
  CHECK(zone->offset_for_local(1955, 6, 1, 12, 0, 0) == 420);
  CHECK(zone->offset_for_local(1960, 6, 1, 12, 0, 0) == 480);
  CHECK(zone->offset_for_local(1980, 6, 1, 12, 0, 0) == 420);
  CHECK(zone->offset_for_local(2100, 6, 1, 12, 0, 0) == 420);  // after the last transition: its type
  // Exact edges: 23:59:59 (+07) is followed by 01:00:00 (+08).
  CHECK(zone->offset_for_local(1959, 12, 31, 23, 59, 59) == 420);
  CHECK(zone->offset_for_local(1960, 1, 1, 1, 0, 0) == 480);
  // 00:30 never happened: the offset before the change.
  CHECK(zone->offset_for_local(1960, 1, 1, 0, 30, 0) == 420);
  // 23:30 on 1975-06-12 happened twice (+08, then +07): the earlier one.
  CHECK(zone->offset_for_local(1975, 6, 12, 23, 30, 0) == 480);
  CHECK(zone->offset_for_local(1975, 6, 12, 22, 59, 59) == 480);
  CHECK(zone->offset_for_local(1975, 6, 13, 0, 0, 0) == 420);
}

TEST_CASE("time zone: TZif v2 footer without daylight saving") {
  const fs::path dir = zone_dir("v2-fixed-footer");
  // Local mean time +06:30 until 1911, then +07; the footer says +07 forever.
  write_file(dir / "Test/Plus7", tzif('2', {utc(1911, 4, 30, 17)}, {1}, {{23400, false}, {25200, false}}, "<+07>-7"));
  // A footer that differs from the last transition's type governs after it.
  write_file(dir / "Test/Plus9Later",
             tzif('3', {utc(1975, 6, 12, 16)}, {1}, {{28800, false}, {25200, false}}, "<+0930>-9:30"));
  // No transitions at all: the footer governs every time.
  write_file(dir / "Test/OnlyFooter", tzif('2', {}, {}, {{0, false}}, "<-0230>2:30"));
  ScopedEnv tzdir("TZDIR", dir.string());

  auto plus7 = TimeZone::from_name("Test/Plus7");
  REQUIRE(plus7.ok());
  CHECK(plus7->offset_for_local(1900, 1, 1, 12, 0, 0) == 390);
  CHECK(plus7->offset_for_local(2024, 1, 31, 14, 20, 0) == 420);
  CHECK(plus7->offset_for_local(2200, 1, 1, 0, 0, 0) == 420);

  auto later = TimeZone::from_name("Test/Plus9Later");
  REQUIRE(later.ok());
  CHECK(later->offset_for_local(1970, 1, 1, 0, 0, 0) == 480);
  CHECK(later->offset_for_local(2030, 1, 1, 0, 0, 0) == 570);

  auto only = TimeZone::from_name("Test/OnlyFooter");
  REQUIRE(only.ok());
  CHECK(only->offset_for_local(1800, 1, 1, 0, 0, 0) == -150);
  CHECK(only->offset_for_local(2024, 1, 1, 0, 0, 0) == -150);
}

TEST_CASE("time zone: TZif footer with M.m.w.d daylight-saving rules") {
  const fs::path dir = zone_dir("v2-dst-footer");
  // New York's shape: LMT, then EST, then the US rule from the footer.
  write_file(dir / "Test/East", tzif('2', {utc(1883, 11, 18, 17)}, {1}, {{-17762, false}, {-18000, false}},
                                     "EST5EDT,M3.2.0,M11.1.0"));
  // Southern hemisphere (Sydney's shape): daylight saving spans the new year.
  write_file(dir / "Test/South", tzif('2', {utc(1895, 1, 31, 14)}, {1}, {{36292, false}, {36000, false}},
                                      "AEST-10AEDT,M10.1.0,M4.1.0/3"));
  // Julian-day rules (Jn ignores 29 February; n counts it) and negative times.
  write_file(dir / "Test/Julian", tzif('2', {}, {}, {{-18000, false}}, "EST5EDT,J60/2,J300/2"));
  write_file(dir / "Test/ZeroBased", tzif('2', {}, {}, {{-18000, false}}, "EST5EDT,59/2,300/2"));
  write_file(dir / "Test/Negative", tzif('2', {}, {}, {{-7200, false}}, "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"));
  ScopedEnv tzdir("TZDIR", dir.string());

  auto east = TimeZone::from_name("Test/East");
  REQUIRE(east.ok());
  CHECK(east->offset_for_local(1850, 7, 1, 12, 0, 0) == -296);  // LMT -4:56:02, truncated like %z
  CHECK(east->offset_for_local(2030, 1, 15, 12, 0, 0) == -300);
  CHECK(east->offset_for_local(2030, 7, 1, 12, 0, 0) == -240);
  // 2030-03-10 (second Sunday of March): 02:00 EST -> 03:00 EDT.
  CHECK(east->offset_for_local(2030, 3, 10, 1, 59, 59) == -300);
  CHECK(east->offset_for_local(2030, 3, 10, 2, 30, 0) == -300);  // skipped: the earlier offset
  CHECK(east->offset_for_local(2030, 3, 10, 3, 0, 0) == -240);
  // 2030-11-03 (first Sunday of November): 02:00 EDT -> 01:00 EST.
  CHECK(east->offset_for_local(2030, 11, 3, 0, 59, 59) == -240);
  CHECK(east->offset_for_local(2030, 11, 3, 1, 30, 0) == -240);  // twice: the earlier one
  CHECK(east->offset_for_local(2030, 11, 3, 2, 0, 0) == -300);
  CHECK(east->offset_for_local(2300, 7, 1, 12, 0, 0) == -240);
  // offset_at: by instant (the ACK's MSH-7), on both sides of 2030-03-10 07:00 UTC.
  auto at = [](int y, int mo, int d, int h, int mi) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(utc(y, mo, d, h) + mi * 60));
  };
  CHECK(east->offset_at(at(2030, 3, 10, 6, 59)) == -300);
  CHECK(east->offset_at(at(2030, 3, 10, 7, 0)) == -240);
  CHECK(east->offset_at(at(1850, 7, 1, 12, 0)) == -296);

  auto south = TimeZone::from_name("Test/South");
  REQUIRE(south.ok());
  CHECK(south->offset_for_local(2031, 1, 15, 12, 0, 0) == 660);
  CHECK(south->offset_for_local(2031, 7, 15, 12, 0, 0) == 600);
  CHECK(south->offset_for_local(2031, 12, 31, 23, 59, 59) == 660);
  // 2031-04-06 (first Sunday of April): 03:00 AEDT -> 02:00 AEST.
  CHECK(south->offset_for_local(2031, 4, 6, 2, 30, 0) == 660);
  CHECK(south->offset_for_local(2031, 4, 6, 3, 0, 0) == 600);
  // 2031-10-05 (first Sunday of October): 02:00 AEST -> 03:00 AEDT.
  CHECK(south->offset_for_local(2031, 10, 5, 2, 30, 0) == 600);
  CHECK(south->offset_for_local(2031, 10, 5, 3, 0, 0) == 660);

  auto julian = TimeZone::from_name("Test/Julian");
  REQUIRE(julian.ok());
  // J60 is 1 March in every year; 2032 is a leap year.
  CHECK(julian->offset_for_local(2032, 2, 29, 12, 0, 0) == -300);
  CHECK(julian->offset_for_local(2032, 3, 1, 1, 0, 0) == -300);
  CHECK(julian->offset_for_local(2032, 3, 1, 3, 0, 0) == -240);
  CHECK(julian->offset_for_local(2031, 3, 1, 3, 0, 0) == -240);
  auto zero_based = TimeZone::from_name("Test/ZeroBased");
  REQUIRE(zero_based.ok());
  // Day 59 (zero-based) is 29 February in a leap year, 1 March otherwise.
  CHECK(zero_based->offset_for_local(2032, 2, 29, 3, 0, 0) == -240);
  CHECK(zero_based->offset_for_local(2031, 2, 28, 12, 0, 0) == -300);
  CHECK(zero_based->offset_for_local(2031, 3, 1, 3, 0, 0) == -240);

  auto negative = TimeZone::from_name("Test/Negative");
  REQUIRE(negative.ok());
  // Last Sunday of March 2030 is the 31st; the change is at 23:00 on the 30th.
  CHECK(negative->offset_for_local(2030, 3, 30, 22, 59, 59) == -120);
  CHECK(negative->offset_for_local(2030, 3, 31, 0, 0, 0) == -60);
  CHECK(negative->offset_for_local(2030, 7, 1, 12, 0, 0) == -60);
  CHECK(negative->offset_for_local(2030, 12, 1, 12, 0, 0) == -120);
}

TEST_CASE("time zone: malformed TZif files are errors naming the zone") {
  const fs::path dir = zone_dir("bad");
  const std::string good = tzif('2', {utc(1911, 4, 30, 17)}, {1}, {{23400, false}, {25200, false}}, "<+07>-7");
  write_file(dir / "Bad/Magic", "TZxf" + good.substr(4));
  write_file(dir / "Bad/Truncated", good.substr(0, good.size() - 20));
  write_file(dir / "Bad/Empty", "");
  write_file(dir / "Bad/Footer", tzif('2', {}, {}, {{0, false}}, "not a rule"));
  write_file(dir / "Bad/NoFooter", good.substr(0, good.size() - 9));
  write_file(dir / "Bad/TypeIndex", tzif('2', {utc(1911, 4, 30, 17)}, {7}, {{23400, false}, {25200, false}}, ""));
  write_file(dir / "Bad/Order",
             tzif('2', {utc(1960, 1, 1), utc(1950, 1, 1)}, {0, 0}, {{25200, false}}, "<+07>-7"));
  write_file(dir / "Bad/Version", "TZif9" + good.substr(5));
  ScopedEnv tzdir("TZDIR", dir.string());
  for (const char* name : {"Bad/Magic", "Bad/Truncated", "Bad/Empty", "Bad/Footer", "Bad/NoFooter", "Bad/TypeIndex",
                           "Bad/Order", "Bad/Version"}) {
    INFO(name);
    auto zone = TimeZone::from_name(name);
    REQUIRE_FALSE(zone.ok());
    CHECK(zone.error().where == name);
    CHECK(zone.error().message.rfind("not a valid TZif file: ", 0) == 0);
  }
}

TEST_CASE("time zone: the system's Asia/Ho_Chi_Minh (tzdata)") {
  if (!have_system_tzdata()) {
    WARN("no tzdata under /usr/share/zoneinfo; skipped");
    return;
  }
  const char* tzdir_env = std::getenv("TZDIR");
  if (tzdir_env != nullptr && *tzdir_env != '\0') {
    WARN("TZDIR is set; skipped");
    return;
  }
  const TimeZone& hcm = TimeZone::ho_chi_minh();
  CHECK(hcm.name() == "Asia/Ho_Chi_Minh");
  CHECK(hcm.offset_for_local(2024, 1, 31, 14, 20, 0) == 420);
  // +08:00 from 1960 to 1975 in tzdata 2025b; `TZ=Asia/Ho_Chi_Minh date -d
  // '1960-06-01 12:00' +%z` printed +0800 on the Debian 12 build machine.
  CHECK(hcm.offset_for_local(1960, 6, 1, 12, 0, 0) == 480);
  CHECK(hcm.offset_for_local(1945, 6, 1, 12, 0, 0) == 540);
  CHECK(hcm.offset_for_local(1980, 6, 1, 12, 0, 0) == 420);
  CHECK(hcm.offset_for_local(2060, 6, 1, 12, 0, 0) == 420);  // past 2038: the footer <+07>-7
  CHECK(hcm.offset_for_local(1960, 6, 1, 12, 0, 0) == libc_offset("Asia/Ho_Chi_Minh", 1960, 6, 1, 12, 0));
}

TEST_CASE("time zone: every system zone loads and agrees with the C library at local noon") {
  if (!have_system_tzdata()) {
    WARN("no tzdata under /usr/share/zoneinfo; skipped");
    return;
  }
  const char* tzdir_env = std::getenv("TZDIR");
  if (tzdir_env != nullptr && *tzdir_env != '\0') {
    WARN("TZDIR is set; skipped");
    return;
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(kSystemZoneinfo)) {
    const std::string rel = fs::relative(entry.path(), kSystemZoneinfo).string();
    if (rel.rfind("posix", 0) == 0 || rel.rfind("right", 0) == 0) {
      continue;
    }
    if (!entry.is_regular_file() || entry.is_symlink()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (std::string(magic, 4) != "TZif") continue;
    names.push_back(rel);
  }
  REQUIRE(names.size() > 300);
  int compared = 0;
  for (const std::string& name : names) {
    auto zone = TimeZone::from_name(name);
    INFO(name);
    REQUIRE(zone.ok());
    for (int year : {1900, 1942, 1950, 1960, 1970, 1985, 1996, 2005, 2016, 2024, 2037, 2040, 2075, 2100}) {
      for (int month : {1, 4, 7, 10}) {
        INFO(year << "-" << month << "-15 12:00");
        CHECK(zone->offset_for_local(year, month, 15, 12, 0, 0) == libc_offset(name, year, month, 15, 12, 0));
        ++compared;
      }
    }
  }
  CHECK(compared > 10000);
  ::tzset();
}
