#include "engine/mapping/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "engine/mapping/run.h"

namespace lienthong::mapping {
namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The length of the run at the start of [p, end) that needs no escape: 16
// bytes at a time with SSE2 (every x86-64), else 8 with bit tricks on a word.
std::size_t plain_run(const char* p, const char* end) {
  const char* const start = p;
#if defined(__SSE2__)
  const __m128i control = _mm_set1_epi8(0x1F);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // x <= 0x1F unsigned exactly when max(x, 0x1F) == 0x1F.
    const __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, control), control),
                                      _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return static_cast<std::size_t>(p - start + __builtin_ctz(static_cast<unsigned>(mask)));
    p += 16;
  }
#else
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    const auto below = [&](std::uint64_t v, std::uint64_t n) { return (v - kOnes * n) & ~v & kHigh; };
    const auto zero = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    if ((below(x, 0x20) | zero(x ^ (kOnes * '"')) | zero(x ^ (kOnes * '\\'))) != 0) break;
    p += 8;
  }
#endif
  while (p < end && !needs_escape(static_cast<unsigned char>(*p))) ++p;
  return static_cast<std::size_t>(p - start);
}

}  // namespace

void append_json_escaped(JsonBuffer& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    // Copy the run of characters that need nothing in one go.
    const std::size_t plain = plain_run(p, end);
    out.append(p, p + plain);
    p += plain;
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        out.append("\\u00");
        out.put(kHex[c >> 4]);
        out.put(kHex[c & 0xF]);
    }
  }
}

void append_json_string(JsonBuffer& out, std::string_view text) {
  out.put('"');
  append_json_escaped(out, text);
  out.put('"');
}

bool append_json_number(JsonBuffer& out, const Value::Number& n) {
  if (!std::isfinite(n.value)) return false;
  char buf[64];
  if (n.integer && std::fabs(n.value) < 9.0e18) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(n.value));
    out.append(buf, r.ptr);
    return true;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, n.value);
  const std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
  out.append(text);
  if (text.find_first_of(".e") == std::string_view::npos) out.append(".0");
  return true;
}

bool append_json_value(JsonBuffer& out, const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return false;
    case rapidjson::kFalseType:
      out.append("false");
      return true;
    case rapidjson::kTrueType:
      out.append("true");
      return true;
    case rapidjson::kStringType:
      if (v.GetStringLength() == 0) return false;
      append_json_string(out, std::string_view(v.GetString(), v.GetStringLength()));
      return true;
    case rapidjson::kNumberType:
      return append_json_number(out, Value::Number{v.GetDouble(), v.IsInt64() || v.IsUint64()});
    case rapidjson::kObjectType: {
      const std::size_t start = out.size();
      out.put('{');
      bool any = false;
      for (const auto& m : v.GetObject()) {
        const std::size_t before = out.size();
        if (any) out.put(',');
        append_json_string(out, std::string_view(m.name.GetString(), m.name.GetStringLength()));
        out.put(':');
        if (append_json_value(out, m.value)) {
          any = true;
        } else {
          out.truncate(before);
        }
      }
      if (!any) {
        out.truncate(start);
        return false;
      }
      out.put('}');
      return true;
    }
    case rapidjson::kArrayType: {
      const std::size_t start = out.size();
      out.put('[');
      bool any = false;
      for (const auto& item : v.GetArray()) {
        const std::size_t before = out.size();
        if (any) out.put(',');
        if (append_json_value(out, item)) {
          any = true;
        } else {
          out.truncate(before);
        }
      }
      if (!any) {
        out.truncate(start);
        return false;
      }
      out.put(']');
      return true;
    }
  }
  return false;
}

std::string pretty_json(std::string_view compact) {
  rapidjson::Document d;
  d.Parse(compact.data(), compact.size());
  if (d.HasParseError()) return std::string(compact);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  d.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lienthong::mapping
