#include "engine/hl7v2/parser.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/charset/charset.h"

namespace lienthong::hl7v2 {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_upper(c) || is_digit(c) || (c >= 'a' && c <= 'z'); }
bool is_eol(char c) { return c == '\r' || c == '\n'; }

// First CR or LF at or after p. Segment boundaries are the only thing parsing
// looks for in the whole message, so this scans 16 bytes at a time with SSE2
// (every x86-64 has it) and 8 at a time elsewhere.
const char* find_eol(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, lf)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#else
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    const std::uint64_t cr = x ^ (kOnes * '\r');
    const std::uint64_t lf = x ^ (kOnes * '\n');
    const std::uint64_t hits = ((cr - kOnes) & ~cr & kHigh) | ((lf - kOnes) & ~lf & kHigh);
    if (hits != 0) return p + (__builtin_ctzll(hits) >> 3);
    p += 8;
  }
#endif
  while (p < end && !is_eol(*p)) ++p;
  return p;
}

ParseError make_error(std::string message, std::size_t offset, ErrorCode code,
                      std::string_view segment_id = {}, std::size_t segment_index = 0,
                      std::size_t field = 0) {
  ParseError e;
  e.message = std::move(message);
  e.offset = offset;
  e.code = code;
  e.segment_id = std::string(segment_id);
  e.segment_index = segment_index;
  e.field = field;
  return e;
}

std::string hex_byte(unsigned char c) {
  static const char* kDigits = "0123456789ABCDEF";
  return std::string("0x") + kDigits[c >> 4] + kDigits[c & 15];
}

// True if every byte is printable ASCII, TAB, CR or LF. VISCII and TCVN3 give
// some other C0 bytes letters, so only these are safe to pass through.
bool is_plain_ascii(std::string_view s) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    // Any byte >= 0x80, or any byte < 0x20 (then x - 0x20.. borrows into bit 7).
    if (((x | (x - 0x2020202020202020ULL)) & kHigh) != 0) break;
  }
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || (c < 0x20 && c != '\t' && c != '\r' && c != '\n')) return false;
  }
  return true;
}

bool is_supported_version(std::string_view v) {
  static constexpr std::string_view kVersions[] = {"2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5",
                                                   "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1",
                                                   "2.8.2", "2.9", "2.9.1"};
  for (std::string_view k : kVersions) {
    if (v == k) return true;
  }
  return false;
}

// Reads MSH-1 and MSH-2 at `msh` (which starts with "MSH").
Result<Delimiters, ParseError> read_delimiters(std::string_view text, std::size_t msh) {
  Delimiters d;
  if (text.size() < msh + 4 || is_eol(text[msh + 3])) {
    return make_error("MSH has no field separator (MSH-1)", msh + 3, ErrorCode::kRequiredFieldMissing,
                      "MSH", 1, 1);
  }
  d.field = text[msh + 3];
  if (is_alnum(d.field) || d.field == ' ') {
    return make_error("MSH-1 field separator " + hex_byte(static_cast<unsigned char>(d.field)) +
                          " is a letter, digit or space",
                      msh + 3, ErrorCode::kDataType, "MSH", 1, 1);
  }
  std::size_t start = msh + 4;
  std::size_t end = start;
  while (end < text.size() && text[end] != d.field && !is_eol(text[end])) ++end;
  std::string enc(text.substr(start, end - start));
  // Senders that stored MSH-2 in a source-code string sometimes double the
  // escape character ("^~\\&"); read it as the four characters they meant.
  if (enc.size() == 5 && enc[2] == enc[3] && enc[2] == '\\') enc.erase(3, 1);
  if (enc.empty()) {
    return make_error("MSH-2 (encoding characters) is empty", start, ErrorCode::kRequiredFieldMissing,
                      "MSH", 1, 2);
  }
  if (enc.size() > 5) {
    return make_error("MSH-2 has " + std::to_string(enc.size()) + " characters; at most 5 are allowed",
                      start, ErrorCode::kDataType, "MSH", 1, 2);
  }
  for (std::size_t i = 0; i < enc.size(); ++i) {
    char c = enc[i];
    bool clash = is_alnum(c) || c == ' ' || c == d.field;
    for (std::size_t j = 0; j < i; ++j) clash = clash || enc[j] == c;
    if (clash) {
      return make_error("MSH-2 character " + std::to_string(i + 1) +
                            " repeats another delimiter or is a letter, digit or space",
                        start + i, ErrorCode::kDataType, "MSH", 1, 2);
    }
  }
  d.component = enc[0];
  d.repetition = enc.size() > 1 ? enc[1] : '\0';
  d.escape = enc.size() > 2 ? enc[2] : '\0';
  d.subcomponent = enc.size() > 3 ? enc[3] : '\0';
  d.truncation = enc.size() > 4 ? enc[4] : '\0';
  return d;
}

bool is_segment_id(std::string_view line) {
  return line.size() >= 3 && is_upper(line[0]) && (is_upper(line[1]) || is_digit(line[1])) &&
         (is_upper(line[2]) || is_digit(line[2]));
}

}  // namespace

std::string ParseError::to_string() const {
  std::string s = "byte " + std::to_string(offset);
  if (segment_index != 0) {
    s += ", segment " + std::to_string(segment_index);
    if (!segment_id.empty()) s += " (" + segment_id + ")";
  } else if (!segment_id.empty()) {
    s += ", " + segment_id;
  }
  if (field != 0) s += ", field " + std::to_string(field);
  return s + ": " + message;
}

class MessageParser {
 public:
  // Parses `input` into `m`. When `input` is not UTF-8 it is converted into
  // m.owned_; otherwise m.text_ views `input` (which may itself be m.owned_).
  static Result<Message, ParseError> run(Message& m, std::string_view input, const ParseOptions& options);

  // As run(), for bytes the message takes over.
  static Result<Message, ParseError> run_owned(std::string bytes, const ParseOptions& options) {
    Message m;
    m.owned_ = std::move(bytes);
    std::string_view view = m.owned_;
    // run() replaces owned_ only after it has finished reading the original.
    return run(m, view, options);
  }

 private:
  static std::optional<ParseError> split_segments(Message& m, std::size_t pos, bool strict);
  static std::optional<ParseError> check_header(const Message& m, bool strict);
  static std::size_t input_offset(std::string_view converted, std::size_t offset, charset::Charset cs);
};

Result<Message, ParseError> MessageParser::run(Message& m, std::string_view input,
                                               const ParseOptions& options) {
  std::size_t pos = input.substr(0, 3) == kBom ? 3 : 0;
  if (!options.strict) {
    while (pos < input.size() && (is_eol(input[pos]) || input[pos] == ' ' || input[pos] == '\t')) ++pos;
  }
  if (pos >= input.size()) return make_error("the message is empty", pos, ErrorCode::kRequiredFieldMissing);
  std::string_view head = input.substr(pos, 3);
  if (head != "MSH") {
    if (head == "FHS" || head == "BHS") {
      return make_error("this is a batch (" + std::string(head) + "); split it into messages first", pos,
                        ErrorCode::kSegmentSequence, head, 1);
    }
    return make_error("a message must start with an MSH segment", pos, ErrorCode::kSegmentSequence);
  }
  Result<Delimiters, ParseError> delims = read_delimiters(input, pos);
  if (!delims.ok()) return delims.error();
  m.syntax_.delimiters = *delims;

  // MSH is ASCII in every charset we read, so MSH-18 can be read before converting.
  std::string_view msh_line = input.substr(pos, static_cast<std::size_t>(
      find_eol(input.data() + pos, input.data() + input.size()) - (input.data() + pos)));
  Syntax probe{*delims, charset::Charset::kUtf8};
  std::string_view declared = Segment(msh_line, probe).field(18).repetition(1).raw();
  charset::Charset cs = charset::Charset::kUtf8;
  if (options.charset) {
    cs = *options.charset;
  } else if (auto c = charset::from_msh18(declared)) {
    cs = *c;
  } else {
    return make_error("MSH-18 character set '" + std::string(declared.substr(0, 40)) +
                          "' is not supported; set the listener's encoding to override it",
                      pos, ErrorCode::kTableValueNotFound, "MSH", 1, 18);
  }
  m.syntax_.charset = cs;

  if (cs == charset::Charset::kUtf8 || cs == charset::Charset::kAscii) {
    if (auto bad = charset::find_invalid_utf8(input)) {
      return make_error("byte " + hex_byte(static_cast<unsigned char>(input[*bad])) +
                            " is not valid UTF-8; if the sender uses a legacy encoding, set it "
                            "(cp1258, tcvn3, viscii, vni, latin1)",
                        *bad, ErrorCode::kDataType);
    }
    if (cs == charset::Charset::kAscii && options.strict) {
      for (std::size_t i = 0; i < input.size(); ++i) {
        if (static_cast<unsigned char>(input[i]) >= 0x80) {
          return make_error("MSH-18 says ASCII but byte " + hex_byte(static_cast<unsigned char>(input[i])) +
                                " is not ASCII",
                            i, ErrorCode::kDataType);
        }
      }
    }
    m.text_ = input;
  } else if (is_plain_ascii(input)) {
    // Printable ASCII means the same in every charset we read: no conversion.
    m.text_ = input;
  } else {
    Result<std::string> utf8 = charset::to_utf8(input, cs);
    if (!utf8.ok()) {
      ParseError e = make_error(utf8.error().message, 0, ErrorCode::kDataType);
      std::string_view where = utf8.error().where;
      if (where.substr(0, 5) == "byte ") {
        std::size_t off = 0;
        for (char c : where.substr(5)) {
          if (!is_digit(c)) break;
          off = off * 10 + static_cast<std::size_t>(c - '0');
        }
        e.offset = off;
      }
      return e;
    }
    m.owned_ = std::move(*utf8);
    m.text_ = m.owned_;
    pos = 0;
    while (pos < m.text_.size() && (is_eol(m.text_[pos]) || m.text_[pos] == ' ' || m.text_[pos] == '\t')) ++pos;
  }

  std::optional<ParseError> err = split_segments(m, pos, options.strict);
  if (!err) err = check_header(m, options.strict);
  if (!err) return std::move(m);
  if (m.text_.data() != input.data()) err->offset = input_offset(m.text_, err->offset, cs);
  return *err;
}

std::size_t MessageParser::input_offset(std::string_view converted, std::size_t offset, charset::Charset cs) {
  // Errors are found in the UTF-8 conversion, but callers point at the bytes
  // they received. Re-encoding the prefix gives its length in the sender's
  // charset exactly (the conversions round-trip); error offsets always fall on
  // an ASCII byte, so the prefix never splits a character.
  Result<std::string> prefix = charset::from_utf8(converted.substr(0, offset), cs);
  return prefix.ok() ? prefix->size() : 0;
}

std::optional<ParseError> MessageParser::split_segments(Message& m, std::size_t pos, bool strict) {
  const std::string_view text = m.text_;
  const char sep = m.syntax_.delimiters.field;
  m.segments_.clear();
  m.segments_.reserve(text.size() / 32 + 8);
  const char* base = text.data();
  const char* end = base + text.size();
  while (pos < text.size()) {
    const char* eol = find_eol(base + pos, end);
    const std::size_t stop = static_cast<std::size_t>(eol - base);
    std::string_view line = text.substr(pos, stop - pos);
    if (!line.empty()) {
      const bool has_sep_at_3 = line.size() > 3 && line[3] == sep;
      if (is_segment_id(line) && (has_sep_at_3 || line.size() == 3)) {
        if (line.substr(0, 3) == "MSH" && !m.segments_.empty()) {
          return make_error("a second MSH segment: this is a batch of messages; split it first", pos,
                            ErrorCode::kSegmentSequence, "MSH", m.segments_.size() + 1);
        }
        m.segments_.push_back({static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(stop)});
      } else if (has_sep_at_3 || strict || m.segments_.empty()) {
        return make_error("segment " + std::to_string(m.segments_.size() + 1) +
                              " does not start with a segment id (three capital letters or digits)",
                          pos, ErrorCode::kSegmentSequence, {}, m.segments_.size() + 1);
      } else {
        // A line break inside a value (free text pasted into OBX-5): keep it
        // as data of the segment it belongs to.
        m.segments_.back().end = static_cast<std::uint32_t>(stop);
      }
    }
    if (stop >= text.size()) break;
    if (text[stop] == '\n' && strict) {
      return make_error("LF is not a segment terminator in strict mode (HL7 requires CR)", stop,
                        ErrorCode::kSegmentSequence, {}, m.segments_.size());
    }
    pos = stop + 1;
  }
  return std::nullopt;
}

std::optional<ParseError> MessageParser::check_header(const Message& m, bool strict) {
  const Segment msh = m.msh();
  const std::size_t msh_offset = m.segments_.front().begin;
  auto missing = [&](std::size_t field, std::string_view what) {
    return make_error("MSH-" + std::to_string(field) + " (" + std::string(what) + ") is required", msh_offset,
                      ErrorCode::kRequiredFieldMissing, "MSH", 1, field);
  };
  if (msh.field(9).component(1).empty()) return missing(9, "message type");
  if (msh.field(10).empty()) return missing(10, "message control id");
  if (strict) {
    if (msh.field(7).empty()) return missing(7, "date/time of message");
    if (msh.field(11).empty()) return missing(11, "processing id");
    if (msh.field(12).empty()) return missing(12, "version id");
    std::string_view version = m.version();
    if (!is_supported_version(version)) {
      return make_error("MSH-12 version '" + std::string(version.substr(0, 20)) + "' is not 2.1 to 2.9",
                        msh_offset, ErrorCode::kUnsupportedVersion, "MSH", 1, 12);
    }
  }
  return std::nullopt;
}

Result<Message, ParseError> parse_view(std::string_view bytes, const ParseOptions& options) {
  if (bytes.size() > UINT32_MAX) {
    return make_error("the message is larger than 4 GiB", 0, ErrorCode::kApplicationInternal);
  }
  Message m;
  return MessageParser::run(m, bytes, options);
}

Result<Message, ParseError> parse(std::string bytes, const ParseOptions& options) {
  if (bytes.size() > UINT32_MAX) {
    return make_error("the message is larger than 4 GiB", 0, ErrorCode::kApplicationInternal);
  }
  return MessageParser::run_owned(std::move(bytes), options);
}

}  // namespace lienthong::hl7v2
