#include "engine/mapping/value.h"

#include <charconv>
#include <cmath>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <rapidjson/document.h>

#include "engine/hl7v2/escape.h"
#include "engine/hl7v2/message.h"

namespace lienthong::mapping {
namespace {

using hl7v2::Level;

// A value made only of separators and blanks ("^^^", "~", "   " where a
// fixed-width export pads an empty field) carries nothing (MAP-3.6).
// The same holds for escape sequences that decode to line breaks or to nothing
// (`\.br\`, `\.sp\`, `\H\`, `\X0D0A\`...): a code field holding only `\.br\`
// says nothing either, and FHIR wants no string of whitespace only. Each
// sequence is decoded by the codec itself (hl7v2::unescape), one at a time so
// that `\S\` stays text ("^") instead of becoming a separator.
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool only_blanks(std::string_view text) {
  for (char c : text) {
    if (!is_blank(c)) return false;
  }
  return true;
}

bool only_separators_or_blanks(const hl7v2::Element& e) {
  const hl7v2::Delimiters& d = e.syntax().delimiters;
  const std::string_view raw = e.raw();
  std::string decoded;  // allocates only for a sequence in a value blank so far
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == d.component || c == d.repetition || c == d.subcomponent || c == ' ' || c == '\t') continue;
    if (c != d.escape || d.escape == '\0') return false;
    const std::size_t close = raw.find(d.escape, i + 1);
    if (close == std::string_view::npos) return false;
    decoded.clear();
    hl7v2::unescape(raw.substr(i, close - i + 1), e.syntax(), decoded);
    if (!only_blanks(decoded)) return false;
    i = close;
  }
  return true;
}

bool element_empty(const ElementRef& ref) {
  const hl7v2::Element& e = ref.element;
  if (e.empty() || e.is_null()) return true;
  if (e.level() == Level::kOpaque) return false;
  return only_separators_or_blanks(e);
}

// Where the first leaf of `raw` ends and what decoding it needs, 16 bytes at
// a time with SSE2 (every x86-64): `stops` are the separators of the levels
// below the element's, `escape` the escape character ('\0' when none).
struct LeafScan {
  std::size_t length = 0;
  bool escaped = false;
  bool compose = false;  // UTF-8 that may need composing (charset::may_need_nfc)
  bool special = false;  // bytes JSON escapes: below 0x20, '"', '\\'
};

// What each byte is to an element scan, for one set of delimiters.
enum : std::uint8_t {
  kRepetition = 1,
  kComponent = 2,
  kSubcomponent = 4,
  kEscape = 8,
  kSpecial = 16,
  // What charset::may_need_nfc looks for: 0xCC / 0xCD lead combining marks;
  // 0xE1 followed by 0x85..0x87 leads Hangul jamo (0xE1 alone also leads the
  // precomposed Vietnamese letters, which need nothing).
  kCompose = 32,
  kE1 = 64,
};

struct ByteClasses {
  hl7v2::Delimiters delimiters;
  std::uint8_t of[256] = {};

  explicit ByteClasses(const hl7v2::Delimiters& d) : delimiters(d) {
    for (int c = 0; c < 256; ++c) {
      std::uint8_t f = 0;
      if (c == 0xCC || c == 0xCD) f |= kCompose;
      if (c == 0xE1) f |= kE1;
      if (c < 0x20 || c == '"' || c == '\\') f |= kSpecial;
      of[c] = f;
    }
    // '\0' means "not declared" (MSH-2 may omit the last ones).
    auto mark = [&](char c, std::uint8_t f) {
      if (c != '\0') of[static_cast<unsigned char>(c)] |= f;
    };
    mark(d.repetition, kRepetition);
    mark(d.component, kComponent);
    mark(d.subcomponent, kSubcomponent);
    mark(d.escape, kEscape);
  }
};

bool same_delimiters(const hl7v2::Delimiters& a, const hl7v2::Delimiters& b) {
  return a.repetition == b.repetition && a.component == b.component && a.subcomponent == b.subcomponent &&
         a.escape == b.escape;
}

// The table for `d`: the thread keeps the last one (a run reads one message,
// whose delimiters rarely change from message to message).
const ByteClasses& byte_classes(const hl7v2::Delimiters& d) {
  thread_local ByteClasses last(hl7v2::Delimiters{});
  if (!same_delimiters(last.delimiters, d)) last = ByteClasses(d);
  return last;
}

// Where the first leaf of `raw` ends (the first byte of class `stop`) and
// what decoding and JSON need; blocks of 16 plain ASCII bytes are skipped
// with SSE2 (every x86-64), the rest is looked up byte by byte.
LeafScan scan_leaf(std::string_view raw, const hl7v2::Delimiters& d, std::uint8_t stop) {
  LeafScan out;
  const ByteClasses& classes = byte_classes(d);
  const char* p = raw.data();
  const char* const end = p + raw.size();
  std::uint8_t seen = 0;
#if defined(__SSE2__)
  if (end - p >= 16) {
    // Stops not in `stop` are replaced by a byte class that is looked for anyway.
    auto stop_byte = [&](std::uint8_t f, char c) { return (stop & f) != 0 && c != '\0' ? c : '"'; };
    const __m128i s0 = _mm_set1_epi8(stop_byte(kRepetition, d.repetition));
    const __m128i s1 = _mm_set1_epi8(stop_byte(kComponent, d.component));
    const __m128i s2 = _mm_set1_epi8(stop_byte(kSubcomponent, d.subcomponent));
    const __m128i esc = _mm_set1_epi8(d.escape != '\0' ? d.escape : '"');
    const __m128i control = _mm_set1_epi8(0x1F);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // A block with any byte of interest (or any byte >= 0x80) is left to the byte loop below.
      const __m128i interesting = _mm_or_si128(
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, s0), _mm_cmpeq_epi8(x, s1)),
                       _mm_or_si128(_mm_cmpeq_epi8(x, s2), _mm_cmpeq_epi8(x, esc))),
          _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, control), control),
                       _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash))));
      if ((_mm_movemask_epi8(interesting) | _mm_movemask_epi8(x)) != 0) break;
      p += 16;
    }
  }
#endif
  for (; p < end; ++p) {
    const std::uint8_t f = classes.of[static_cast<unsigned char>(*p)];
    if ((f & stop) != 0) break;
    seen |= f;
    if ((f & kE1) != 0 && end - p > 1) {
      const auto next = static_cast<unsigned char>(p[1]);
      if (next >= 0x85 && next <= 0x87) seen |= kCompose;
    }
  }
  out.length = static_cast<std::size_t>(p - raw.data());
  out.escaped = (seen & kEscape) != 0;
  out.compose = (seen & kCompose) != 0;
  out.special = (seen & kSpecial) != 0;
  return out;
}

// The first leaf (MAP-3.6) is everything up to the first separator of a
// level below the element's. The same pass notes what decoding needs, so
// plain ASCII and already-composed text come back as a view of the message.
LeafScan scan_element(const hl7v2::Element& e) {
  std::uint8_t stop = kSubcomponent;
  if (e.level() == Level::kField) stop = kRepetition | kComponent | kSubcomponent;
  if (e.level() == Level::kRepetition) stop = kComponent | kSubcomponent;
  if (e.level() == Level::kSubcomponent) stop = 0;
  return scan_leaf(e.raw(), e.syntax().delimiters, stop);
}

// HL7's explicit null "", or blanks only (MAP-3.6): a leaf with no text.
bool leaf_says_nothing(std::string_view leaf) {
  if (leaf == "\"\"") return true;
  if (leaf.empty() || (leaf.front() != ' ' && leaf.front() != '\t')) return false;
  return leaf.find_first_not_of(" \t") == std::string_view::npos;
}

std::string_view element_text(const ElementRef& ref, std::string& scratch) {
  const hl7v2::Element& e = ref.element;
  if (e.level() == Level::kOpaque) return e.raw();
  const LeafScan leaf = scan_element(e);
  const std::string_view raw = e.raw().substr(0, leaf.length);
  if (leaf_says_nothing(raw)) return {};
  if (!leaf.escaped && !leaf.compose) return raw;
  const std::string_view text = hl7v2::Element(raw, e.syntax(), Level::kSubcomponent).text(scratch);
  // `\.br\` alone decodes to a line break: blank, so it says nothing (MAP-3.6).
  return leaf.escaped && only_blanks(text) ? std::string_view() : text;
}

bool json_empty(const rapidjson::Value& j) {
  if (j.IsNull()) return true;
  if (j.IsString()) return j.GetStringLength() == 0;
  if (j.IsObject()) return j.MemberCount() == 0;
  if (j.IsArray()) return j.Empty();
  return false;
}

std::string_view json_text(const rapidjson::Value& j, std::string& scratch) {
  if (j.IsString()) return std::string_view(j.GetString(), j.GetStringLength());
  if (j.IsBool()) return j.GetBool() ? "true" : "false";
  if (j.IsNumber()) {
    scratch.clear();
    Value::Number n{j.GetDouble(), j.IsInt64() || j.IsUint64()};
    append_number(scratch, n);
    return scratch;
  }
  if (j.IsArray() && !j.Empty()) return json_text(j[0], scratch);
  return {};
}

}  // namespace

// Built whole, not written field by field into a copy (see select_in_segment).
ElementRef ElementRef::child(std::size_t n) const {
  const auto n16 = static_cast<std::uint16_t>(n);
  if (is_segment()) {
    // A segment's field comes from the segment view; the raw includes the id.
    return ElementRef{hl7v2::Segment(element.raw(), element.syntax()).field(n), segment, n16, 0, 0, 0};
  }
  switch (element.level()) {
    case Level::kField:
      return ElementRef{element.component(n), segment, field, 1, n16, 0};
    case Level::kRepetition:
      return ElementRef{element.component(n), segment, field, repetition, n16, 0};
    case Level::kComponent:
      return ElementRef{element.subcomponent(n), segment, field, repetition, component, n16};
    case Level::kSubcomponent:
    case Level::kOpaque:
      break;
  }
  return ElementRef{n == 1 ? element : hl7v2::Element({}, element.syntax(), element.level()), segment, field,
                    repetition, component, subcomponent};
}

ElementRef ElementRef::repetition_at(std::size_t n) const {
  if (!is_segment() && element.level() == Level::kField) {
    return ElementRef{element.repetition(n), segment, field, static_cast<std::uint16_t>(n), component, subcomponent};
  }
  if (n == 1) return *this;
  return ElementRef{hl7v2::Element({}, element.syntax(), element.level()), segment, field, repetition, component,
                    subcomponent};
}

bool is_empty(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kEmpty:
      return true;
    case ValueKind::kBool:
    case ValueKind::kNumber:
      return false;
    case ValueKind::kText:
      return v.as_text().empty();
    case ValueKind::kElement:
      return element_empty(v.as_element());
    case ValueKind::kList:
      for (const Value& item : v.as_list()) {
        if (!is_empty(item)) return false;
      }
      return true;
    case ValueKind::kJson:
      return json_empty(v.as_json());
  }
  return true;
}

bool is_truthy(const Value& v) {
  if (v.kind() == ValueKind::kBool) return v.as_bool();
  if (is_empty(v)) return false;
  if (v.kind() == ValueKind::kNumber) return true;
  std::string scratch;
  return text_of(v, scratch) != "false";
}

std::string_view text_of(const Value& v, std::string& scratch) {
  switch (v.kind()) {
    case ValueKind::kEmpty:
      return {};
    case ValueKind::kBool:
      return v.as_bool() ? "true" : "false";
    case ValueKind::kNumber:
      scratch.clear();
      append_number(scratch, v.as_number());
      return scratch;
    case ValueKind::kText:
      return v.as_text();
    case ValueKind::kElement:
      // No separate emptiness check: an empty or separators-only value has an
      // empty first leaf, and "" is caught on the leaf.
      return element_text(v.as_element(), scratch);
    case ValueKind::kList:
      return v.as_list().empty() ? std::string_view() : text_of(v.as_list().front(), scratch);
    case ValueKind::kJson:
      return json_text(v.as_json(), scratch);
  }
  return {};
}

std::string text_of(const Value& v) {
  std::string scratch;
  std::string_view t = text_of(v, scratch);
  if (t.data() == scratch.data()) return scratch;
  return std::string(t);
}

bool json_plain(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') return false;
  }
  return true;
}

bool plain_element_text(const ElementRef& ref, std::string_view& text) {
  const hl7v2::Element& e = ref.element;
  if (e.level() == Level::kOpaque) return false;
  const LeafScan leaf = scan_element(e);
  if (leaf.escaped || leaf.special || leaf.compose) return false;
  const std::string_view raw = e.raw().substr(0, leaf.length);
  text = leaf_says_nothing(raw) ? std::string_view() : raw;
  return true;
}

const ElementRef* element_of(const Value& v) {
  if (v.kind() == ValueKind::kElement) return &v.as_element();
  if (v.kind() == ValueKind::kList && !v.as_list().empty()) return element_of(v.as_list().front());
  return nullptr;
}

bool number_of(const Value& v, Value::Number& out) {
  if (v.kind() == ValueKind::kNumber) {
    out = v.as_number();
    return true;
  }
  if (v.kind() == ValueKind::kBool || is_empty(v)) return false;
  std::string scratch;
  std::string_view t = text_of(v, scratch);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  if (t.empty()) return false;
  // Decimal only: digits with at most one '.', an optional leading '-'.
  std::size_t i = t.front() == '-' ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < t.size(); ++i) {
    if (t[i] >= '0' && t[i] <= '9') {
      digits = true;
    } else if (t[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  if (!digits) return false;
  double d = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(d)) return false;
  out = Value::Number{d, !dot};
  return true;
}

void append_number(std::string& out, const Value::Number& n) {
  char buf[64];
  std::to_chars_result r{};
  if (n.integer && std::fabs(n.value) < 9.0e18) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(n.value));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, n.value);
  }
  out.append(buf, r.ptr);
}

}  // namespace lienthong::mapping
