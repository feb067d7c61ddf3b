// TimeZone: fixed offsets and IANA zones read from TZif files (RFC 8536,
// versions 1 to 4); the footer's POSIX TZ string (posix_tz.h) extends a zone
// past its last transition.
#include "engine/mapping/fhir_time.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "engine/mapping/civil_date.h"
#include "engine/mapping/posix_tz.h"

namespace lienthong::mapping {

namespace {

std::string format_offset(int offset_minutes) {
  const char sign = offset_minutes < 0 ? '-' : '+';
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  const int h = magnitude / 60, m = magnitude % 60;
  std::string out(1, sign);
  out += static_cast<char>('0' + h / 10);
  out += static_cast<char>('0' + h % 10);
  out += ':';
  out += static_cast<char>('0' + m / 10);
  out += static_cast<char>('0' + m % 10);
  return out;
}

// ---- TZif ----------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view bytes) : b_(bytes) {}
  bool has(std::size_t n) const { return n <= b_.size() - pos_; }
  std::size_t pos() const { return pos_; }
  void skip(std::size_t n) { pos_ += n; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(b_[pos_++]); }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
    return v;
  }
  std::int64_t i32() { return static_cast<std::int32_t>(u32()); }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return static_cast<std::int64_t>(v);
  }
  std::string_view rest() const { return b_.substr(pos_); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

struct Counts {
  std::uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

}  // namespace

struct TimeZone::Data {
  struct Type {
    std::int32_t utoff = 0;  // seconds east of UTC
    bool is_dst = false;
  };

  std::string name;
  std::vector<std::int64_t> transitions;  // UTC seconds, ascending
  std::vector<std::uint8_t> type_of;      // type index after each transition
  std::vector<Type> types;                // at least one
  std::optional<PosixTz> footer;          // for times after the last transition

  // The footer's two changes in `year` (UTC), each with the offset it starts.
  void footer_changes(std::int64_t year, std::vector<std::pair<std::int64_t, std::int32_t>>& out) const {
    const PosixTz& tz = *footer;
    out.emplace_back(tz.start.local_seconds(year) - tz.std_offset, tz.dst_offset);
    out.emplace_back(tz.end.local_seconds(year) - tz.dst_offset, tz.std_offset);
  }

  std::vector<std::pair<std::int64_t, std::int32_t>> footer_changes_around(std::int64_t utc) const {
    std::vector<std::pair<std::int64_t, std::int32_t>> changes;
    const std::int64_t year = year_from_days(floor_div(utc, kSecondsPerDay));
    for (std::int64_t y = year - 1; y <= year + 1; ++y) footer_changes(y, changes);
    std::sort(changes.begin(), changes.end());
    return changes;
  }

  bool footer_applies(std::int64_t utc) const {
    return footer && (transitions.empty() || utc >= transitions.back());
  }

  std::int32_t offset_at_utc(std::int64_t utc) const {
    if (footer_applies(utc)) {
      if (!footer->has_dst) return footer->std_offset;
      std::int32_t offset = footer->std_offset;
      for (const auto& [at, off] : footer_changes_around(utc)) {
        if (at > utc) break;
        offset = off;
      }
      return offset;
    }
    auto it = std::upper_bound(transitions.begin(), transitions.end(), utc);
    if (it == transitions.begin()) return types[0].utoff;  // before the first transition: type 0
    return types[type_of[static_cast<std::size_t>(it - transitions.begin() - 1)]].utoff;
  }

  std::optional<std::int64_t> next_change_after(std::int64_t utc) const {
    if (!footer_applies(utc)) {
      auto it = std::upper_bound(transitions.begin(), transitions.end(), utc);
      if (it != transitions.end()) return *it;
    }
    if (!footer || !footer->has_dst) return std::nullopt;
    for (const auto& [at, off] : footer_changes_around(utc)) {
      if (at > utc) return at;
    }
    return std::nullopt;
  }

  // RFC 8536 §3.1/§3.2.
  static Result<std::shared_ptr<Data>> parse_tzif(std::string_view bytes, std::string name) {
    auto fail = [&](const std::string& why) {
      return Error{"not a valid TZif file: " + why, name};
    };
    Reader r(bytes);
    auto header = [&](Counts& c, char& version) -> bool {
      if (!r.has(44) || r.rest().substr(0, 4) != "TZif") return false;
      r.skip(4);
      version = static_cast<char>(r.u8());
      r.skip(15);
      c.isut = r.u32();
      c.isstd = r.u32();
      c.leap = r.u32();
      c.time = r.u32();
      c.type = r.u32();
      c.chars = r.u32();
      return true;
    };
    auto block_size = [](const Counts& c, std::size_t time_size) {
      return std::size_t{c.time} * time_size + c.time + std::size_t{c.type} * 6 + c.chars +
             std::size_t{c.leap} * (time_size + 4) + c.isstd + c.isut;
    };

    Counts c;
    char version = 0;
    if (!header(c, version)) return fail("missing TZif header");
    if (version != 0 && version != '2' && version != '3' && version != '4') return fail("unknown version");
    std::size_t time_size = 4;
    if (version != 0) {
      // Skip the 32-bit block; the 64-bit one follows with its own header.
      if (!r.has(block_size(c, 4))) return fail("truncated");
      r.skip(block_size(c, 4));
      char version2 = 0;
      if (!header(c, version2)) return fail("missing second TZif header");
      time_size = 8;
    }
    if (c.type == 0 || c.type > 256) return fail("bad number of local time types");
    if ((c.isut != 0 && c.isut != c.type) || (c.isstd != 0 && c.isstd != c.type)) {
      return fail("bad indicator counts");
    }
    if (!r.has(block_size(c, time_size))) return fail("truncated");

    auto data = std::make_shared<Data>();
    data->name = name;
    data->transitions.reserve(c.time);
    for (std::uint32_t i = 0; i < c.time; ++i) {
      const std::int64_t t = time_size == 8 ? r.i64() : r.i32();
      if (!data->transitions.empty() && t <= data->transitions.back()) return fail("transitions out of order");
      data->transitions.push_back(t);
    }
    data->type_of.reserve(c.time);
    for (std::uint32_t i = 0; i < c.time; ++i) {
      const std::uint8_t idx = r.u8();
      if (idx >= c.type) return fail("transition to an undefined type");
      data->type_of.push_back(idx);
    }
    for (std::uint32_t i = 0; i < c.type; ++i) {
      Type t;
      t.utoff = static_cast<std::int32_t>(r.u32());
      t.is_dst = r.u8() != 0;
      r.skip(1);  // abbreviation index
      if (t.utoff <= -89999 || t.utoff >= 93600) return fail("offset out of range");
      data->types.push_back(t);
    }
    r.skip(c.chars + std::size_t{c.leap} * (time_size + 4) + c.isstd + c.isut);

    if (version != 0) {
      std::string_view footer = r.rest();
      if (footer.size() < 2 || footer[0] != '\n') return fail("missing footer");
      const std::size_t end = footer.find('\n', 1);
      if (end == std::string_view::npos) return fail("unterminated footer");
      footer = footer.substr(1, end - 1);
      if (!footer.empty()) {
        data->footer = parse_posix_tz(footer);
        if (!data->footer) return fail("unsupported TZ string in the footer");
      }
    }
    return data;
  }
};

namespace {

std::shared_ptr<const TimeZone::Data> fixed_data(int offset_minutes, std::string name) {
  auto data = std::make_shared<TimeZone::Data>();
  data->name = std::move(name);
  data->types.push_back({static_cast<std::int32_t>(offset_minutes * 60), false});
  return data;
}

// "+07:00", "+0700", "-05:30", "+07", "Z": minutes east of UTC.
std::optional<int> parse_fixed_offset(std::string_view s) {
  if (s == "Z" || s == "z") return 0;
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] == ':' && i == 3) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    digits += s[i];
  }
  if (s.size() > 3 && s[3] == ':' && s.size() != 6) return std::nullopt;
  if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
  const int h = (digits[0] - '0') * 10 + (digits[1] - '0');
  const int m = digits.size() == 4 ? (digits[2] - '0') * 10 + (digits[3] - '0') : 0;
  if (m > 59 || h > 14 || (h == 14 && m != 0)) return std::nullopt;
  return sign * (h * 60 + m);
}

bool is_safe_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part.front() == '.') return false;
    for (char c : part) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '+';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

std::filesystem::path zoneinfo_dir() {
  const char* env = std::getenv("TZDIR");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::path("/usr/share/zoneinfo");
}

}  // namespace

Result<TimeZone> TimeZone::from_name(std::string_view name) {
  if (!name.empty() && (name[0] == '+' || name[0] == '-' || name == "Z" || name == "z")) {
    auto offset = parse_fixed_offset(name);
    if (!offset) {
      return Error{"malformed UTC offset; expected +HH:MM or +HHMM between -14:00 and +14:00, or Z",
                   std::string(name)};
    }
    return fixed(*offset);
  }
  if (!is_safe_zone_name(name)) {
    return Error{"not a time zone name; expected an IANA name such as Asia/Ho_Chi_Minh or an offset such as +07:00",
                 std::string(name)};
  }
  const std::filesystem::path dir = zoneinfo_dir();
  const std::filesystem::path file = dir / std::string(name);
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(file, ec)) {
    // Without tzdata, the two zones the engine cannot do without stay usable.
    if (name == "Asia/Ho_Chi_Minh" || name == "Asia/Saigon") {
      return TimeZone(fixed_data(7 * 60, std::string(name)));
    }
    if (name == "UTC" || name == "Etc/UTC") return TimeZone(fixed_data(0, std::string(name)));
    return Error{"unknown time zone: no such file under " + dir.string() +
                     " (is tzdata installed?); expected an IANA name such as Asia/Ho_Chi_Minh or an offset such as +07:00",
                 std::string(name)};
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto data = Data::parse_tzif(bytes, std::string(name));
  if (!data.ok()) return data.error();
  return TimeZone(std::move(data).value());
}

TimeZone TimeZone::fixed(int offset_minutes) {
  return TimeZone(fixed_data(offset_minutes, format_offset(offset_minutes)));
}

const TimeZone& TimeZone::ho_chi_minh() {
  static const TimeZone zone = [] {
    auto loaded = from_name("Asia/Ho_Chi_Minh");
    return loaded.ok() ? std::move(loaded).value() : TimeZone(fixed_data(7 * 60, "Asia/Ho_Chi_Minh"));
  }();
  return zone;
}

const std::string& TimeZone::name() const { return data_->name; }

int TimeZone::offset_at(std::chrono::system_clock::time_point instant) const {
  const std::int64_t utc = std::chrono::duration_cast<std::chrono::seconds>(instant.time_since_epoch()).count();
  return data_->offset_at_utc(utc) / 60;
}

int TimeZone::offset_for_local(int year, int month, int day, int hour, int minute, int second) const {
  const Data& d = *data_;
  const std::int64_t local = days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;

  // The pieces of UTC time with one offset each, over a window wide enough
  // (offsets stay within ±26 h) to hold every instant whose local clock could
  // read `local`. The first piece whose local span holds it is the answer (the
  // earlier one when a wall time occurs twice); a wall time skipped by a
  // change gets the offset in force before the change.
  constexpr std::int64_t kWindow = 2 * kSecondsPerDay;
  std::int64_t piece_start = local - kWindow;
  std::int32_t offset = d.offset_at_utc(piece_start);
  std::int32_t previous = offset;
  for (;;) {
    if (local < piece_start + offset) return previous / 60;  // skipped: the offset before the change
    const std::optional<std::int64_t> next = d.next_change_after(piece_start);
    const bool last_piece = !next || *next > local + kWindow;
    if (last_piece || local < *next + offset) return offset / 60;
    piece_start = *next;
    previous = offset;
    offset = d.offset_at_utc(piece_start);
  }
}

}  // namespace lienthong::mapping
