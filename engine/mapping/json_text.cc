#include "engine/mapping/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "engine/mapping/run.h"

namespace lienthong::mapping {
namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Eight bytes at a time: is any of them below 0x20, a quote or a backslash?
// (Bit tricks on a 64-bit word; bytes >= 0x80 never match.)
bool word_needs_escape(const char* p) {
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const auto below = [&](std::uint64_t v, std::uint64_t n) { return (v - kOnes * n) & ~v & kHigh; };
  const auto zero = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return (below(x, 0x20) | zero(x ^ (kOnes * '"')) | zero(x ^ (kOnes * '\\'))) != 0;
}

}  // namespace

void append_json_escaped(JsonBuffer& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    // Copy the run of characters that need nothing in one go.
    const char* run = p;
    while (end - p >= 8 && !word_needs_escape(p)) p += 8;
    while (p < end && !needs_escape(static_cast<unsigned char>(*p))) ++p;
    out.append(run, p);
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
