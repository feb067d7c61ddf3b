#include "engine/hl7v2/ack.h"

#include <atomic>
#include <cstdio>
#include <ctime>

#include "engine/hl7v2/escape.h"

namespace lienthong::hl7v2 {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Component `n` (1-based) of a raw field, split on `sep`.
std::string_view component_of(std::string_view raw, char sep, std::size_t n) {
  std::size_t begin = 0;
  for (std::size_t i = 1; i < n; ++i) {
    std::size_t p = raw.find(sep, begin);
    if (p == std::string_view::npos) return {};
    begin = p + 1;
  }
  std::size_t end = raw.find(sep, begin);
  return raw.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

// "2.1" .. "2.9" with an optional ".n" (2.3.1, 2.5.1, 2.8.2, 2.9.1).
bool is_known_version(std::string_view v) {
  if (v.size() < 3 || v[0] != '2' || v[1] != '.' || v[2] < '1' || v[2] > '9') return false;
  if (v.size() == 3) return true;
  if (v[3] != '.' || v.size() == 4) return false;
  for (std::size_t i = 4; i < v.size(); ++i) {
    if (!is_digit(v[i])) return false;
  }
  return true;
}

int minor_version(std::string_view version) { return version[2] - '0'; }

std::string number(std::size_t n) { return n == 0 ? std::string() : std::to_string(n); }

// Joins parts with `sep`, dropping empty trailing parts.
std::string join_trimmed(const std::vector<std::string>& parts, char sep) {
  std::size_t n = parts.size();
  while (n > 0 && parts[n - 1].empty()) --n;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back(sep);
    out += parts[i];
  }
  return out;
}

int local_utc_offset_minutes(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  if (localtime_r(&t, &local) == nullptr) return 0;
  return static_cast<int>(local.tm_gmtoff / 60);
}

std::string make_control_id(std::chrono::system_clock::time_point time, int offset) {
  static std::atomic<unsigned> counter{0};
  std::string ts = hl7_timestamp(time, offset).substr(0, 14);
  std::string seq = std::to_string(counter.fetch_add(1, std::memory_order_relaxed) % 1000000);
  return ts + std::string(6 - seq.size(), '0') + seq;  // 20 characters: MSH-10's limit before v2.7
}

// Position of every segment start in `bytes` (after CR/LF or at 0) with this id.
std::size_t occurrence_at(std::string_view bytes, std::string_view id, std::size_t offset) {
  std::size_t count = 0;
  std::size_t pos = 0;
  std::size_t start = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  pos = start;
  while (pos <= offset && pos < bytes.size()) {
    bool line_start = pos == start || bytes[pos - 1] == '\r' || bytes[pos - 1] == '\n';
    if (line_start && bytes.compare(pos, id.size(), id) == 0 &&
        (pos + id.size() >= bytes.size() || !is_alnum(bytes[pos + id.size()]))) {
      ++count;
    }
    std::size_t eol = bytes.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return count;
}

}  // namespace

std::string_view to_string(AckCode code) {
  switch (code) {
    case AckCode::kAA: return "AA";
    case AckCode::kAE: return "AE";
    case AckCode::kAR: return "AR";
    case AckCode::kCA: return "CA";
    case AckCode::kCE: return "CE";
    case AckCode::kCR: return "CR";
  }
  return "AR";
}

std::optional<AckCode> parse_ack_code(std::string_view text) {
  if (text.size() != 2) return std::nullopt;
  auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  const char a = up(text[0]);
  const char b = up(text[1]);
  const AckCode all[] = {AckCode::kAA, AckCode::kAE, AckCode::kAR, AckCode::kCA, AckCode::kCE, AckCode::kCR};
  for (AckCode c : all) {
    std::string_view s = to_string(c);
    if (s[0] == a && s[1] == b) return c;
  }
  return std::nullopt;
}

bool is_enhanced_mode(const MshHeader& original) {
  return !original.accept_ack_type.empty() || !original.application_ack_type.empty();
}

AckCode ack_code_for(const MshHeader& original, AckOutcome outcome) {
  const bool enhanced = is_enhanced_mode(original);
  switch (outcome) {
    case AckOutcome::kAccept: return enhanced ? AckCode::kCA : AckCode::kAA;
    case AckOutcome::kError: return enhanced ? AckCode::kCE : AckCode::kAE;
    case AckOutcome::kReject: return enhanced ? AckCode::kCR : AckCode::kAR;
  }
  return AckCode::kAR;
}

namespace {

// MSH-15 (table 0155) as written, trimmed and upper-cased: "NE", "ER", "SU", "AL" or other.
std::string accept_condition(const MshHeader& original) {
  std::string_view v = original.accept_ack_type;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  std::string up(v);
  for (char& c : up) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return up;
}

}  // namespace

bool answer_requested(const MshHeader& original, AckCode code) {
  const bool commit = code == AckCode::kCA || code == AckCode::kCE || code == AckCode::kCR;
  if (!commit) return true;
  const std::string condition = accept_condition(original);
  if (condition == "NE") return false;
  if (condition == "ER") return code != AckCode::kCA;
  if (condition == "SU") return code == AckCode::kCA;
  return true;
}


std::string_view hl7_error_text(int code) {
  switch (code) {
    case 0: return "Message accepted";
    case 100: return "Segment sequence error";
    case 101: return "Required field missing";
    case 102: return "Data type error";
    case 103: return "Table value not found";
    case 104: return "Value too long";
    case 200: return "Unsupported message type";
    case 201: return "Unsupported event code";
    case 202: return "Unsupported processing id";
    case 203: return "Unsupported version id";
    case 204: return "Unknown key identifier";
    case 205: return "Duplicate key identifier";
    case 206: return "Application record locked";
    case 207: return "Application internal error";
    default: return {};
  }
}

std::string hl7_timestamp(std::chrono::system_clock::time_point time, int utc_offset_minutes) {
  using namespace std::chrono;
  auto local = floor<seconds>(time) + minutes(utc_offset_minutes);
  auto day = floor<days>(local);
  year_month_day ymd(day);
  hh_mm_ss hms(local - day);
  const int off = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  // Written digit by digit: every ACK carries two of these, and snprintf was a
  // visible part of answering under load.
  std::string out(19, '0');
  auto put = [&](std::size_t at, long long value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10) out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<int>(ymd.year()), 4);
  put(4, static_cast<unsigned>(ymd.month()), 2);
  put(6, static_cast<unsigned>(ymd.day()), 2);
  put(8, hms.hours().count(), 2);
  put(10, hms.minutes().count(), 2);
  put(12, hms.seconds().count(), 2);
  out[14] = utc_offset_minutes < 0 ? '-' : '+';
  put(15, off / 60, 2);
  put(17, off % 60, 2);
  return out;
}

std::string ack_version(const MshHeader& original) {
  std::string_view v = component_of(original.version, original.delimiters.component, 1);
  return is_known_version(v) ? std::string(v) : std::string("2.5.1");
}

std::string ack_timestamp(const AckOptions& options) {
  const auto now = options.time.value_or(std::chrono::system_clock::now());
  return hl7_timestamp(now, options.utc_offset_minutes.value_or(local_utc_offset_minutes(now)));
}

std::string build_ack(const MshHeader& original, AckCode code, const std::vector<AckError>& errors,
                      const AckOptions& options) {
  const Delimiters& d = original.delimiters;
  const char fs = d.field;
  const std::string version = ack_version(original);
  const int minor = minor_version(version);
  const bool version_kept = version == component_of(original.version, d.component, 1);

  const auto now = options.time.value_or(std::chrono::system_clock::now());
  const int offset = options.utc_offset_minutes.value_or(local_utc_offset_minutes(now));

  std::string out;
  out.reserve(256);
  char enc_buf[5];
  auto field = [&](std::string_view value) {
    out.push_back(fs);
    out.append(value);
  };

  // MSH
  out += "MSH";
  out.push_back(fs);
  out.append(d.encoding_characters(enc_buf));
  field(original.receiving_application);
  field(original.receiving_facility);
  field(original.sending_application);
  field(original.sending_facility);
  field(hl7_timestamp(now, offset));
  field("");
  std::string type = "ACK";
  std::string_view trigger = component_of(original.message_type, d.component, 2);
  if (minor >= 4) {
    type = type + d.component + std::string(trigger) + d.component + "ACK";
  } else if (minor == 3 && !trigger.empty()) {
    type = type + d.component + std::string(trigger);
  }
  field(type);
  field(options.control_id.empty() ? make_control_id(now, offset) : escape(options.control_id, d));
  // A strict reader needs MSH-11; "P" (production) is what an answer without one means.
  field(original.processing_id.empty() ? std::string_view("P") : std::string_view(original.processing_id));
  field(version_kept ? std::string_view(original.version) : std::string_view(version));
  if (!original.character_set.empty()) {
    for (int n = 13; n <= 17; ++n) field("");
    field(original.character_set);
  }
  out.push_back('\r');

  // MSA
  out += "MSA";
  field(to_string(code));
  field(original.control_id);
  if (minor < 5 && !errors.empty()) {
    const AckError& first = errors.front();
    field(escape(first.message.empty() ? hl7_error_text(first.code) : std::string_view(first.message), d));
  }
  out.push_back('\r');

  // ERR, one per error
  for (const AckError& e : errors) {
    const ErrorLocation& at = e.location;
    std::string code_text = std::to_string(e.code);
    std::string_view table_text = hl7_error_text(e.code);
    out += "ERR";
    if (minor >= 5) {
      field("");  // ERR-1 is for versions before 2.5
      field(join_trimmed({escape(at.segment_id, d), number(at.segment_sequence), number(at.field),
                          number(at.field_repetition), number(at.component), number(at.subcomponent)},
                         d.component));
      field(join_trimmed({code_text, escape(table_text, d), "HL70357"}, d.component));
      field(std::string(1, static_cast<char>(e.severity)));
      field("");
      field("");
      field("");
      field(escape(e.message, d));
    } else {
      std::string coded = code_text;
      if (d.subcomponent != '\0') {
        coded = join_trimmed({code_text, escape(table_text, d), "HL70357"}, d.subcomponent);
      }
      field(join_trimmed({escape(at.segment_id, d), number(at.segment_sequence), number(at.field), coded},
                         d.component));
    }
    while (out.back() == fs) out.pop_back();
    out.push_back('\r');
  }
  return out;
}

AckError ack_error_from(const ParseError& error, std::string_view bytes) {
  AckError e;
  e.code = static_cast<int>(error.code);
  e.severity = Severity::kError;
  e.message = error.to_string();
  e.location.segment_id = error.segment_id;
  e.location.field = error.field;
  if (error.segment_id == "MSH") {
    e.location.segment_sequence = 1;
  } else if (!error.segment_id.empty() && !bytes.empty()) {
    e.location.segment_sequence = occurrence_at(bytes, error.segment_id, error.offset);
  }
  return e;
}

std::string build_reject_ack(std::string_view bytes, const ParseError& error, const AckOptions& options) {
  MshHeader header = read_header(bytes);
  return build_ack(header, ack_code_for(header, AckOutcome::kReject), {ack_error_from(error, bytes)}, options);
}

}  // namespace lienthong::hl7v2
