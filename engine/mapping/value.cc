#include "engine/mapping/value.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <rapidjson/document.h>

#include "engine/charset/charset.h"
#include "engine/hl7v2/message.h"

namespace lienthong::mapping {
namespace {

using hl7v2::Level;

// A value made only of separators ("^^^", "~") carries nothing.
bool only_delimiters(const hl7v2::Element& e) {
  const hl7v2::Delimiters& d = e.syntax().delimiters;
  for (char c : e.raw()) {
    if (c != d.component && c != d.repetition && c != d.subcomponent) return false;
  }
  return true;
}

bool element_empty(const ElementRef& ref) {
  const hl7v2::Element& e = ref.element;
  if (e.empty() || e.is_null()) return true;
  if (e.level() == Level::kOpaque) return false;
  return only_delimiters(e);
}

std::string_view element_text(const ElementRef& ref, std::string& scratch) {
  const hl7v2::Element& e = ref.element;
  if (e.level() == Level::kOpaque) return e.raw();
  // The first leaf (MAP-3.6) is everything up to the first separator of a
  // level below this one. The same pass notes what decoding needs, so plain
  // ASCII and already-composed text come back as a view of the message.
  const hl7v2::Delimiters& d = e.syntax().delimiters;
  const int none = -1;
  auto code = [](char c) { return c == '\0' ? -1 : static_cast<int>(static_cast<unsigned char>(c)); };
  const int rep = e.level() == Level::kField ? code(d.repetition) : none;
  const int comp = e.level() == Level::kField || e.level() == Level::kRepetition ? code(d.component) : none;
  const int sub = e.level() == Level::kSubcomponent ? none : code(d.subcomponent);
  const int esc = code(d.escape);
  std::string_view raw = e.raw();
  bool escaped = false, high = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const int c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x80) {
      high = true;
    } else if (c == rep || c == comp || c == sub) {
      raw = raw.substr(0, i);
      break;
    } else if (c == esc) {
      escaped = true;
    }
  }
  if (raw == "\"\"") return {};  // HL7's explicit null
  if (!escaped && (!high || !charset::may_need_nfc(raw))) return raw;
  return hl7v2::Element(raw, e.syntax(), Level::kSubcomponent).text(scratch);
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

ElementRef ElementRef::child(std::size_t n) const {
  ElementRef out = *this;
  const auto n16 = static_cast<std::uint16_t>(n);
  if (is_segment()) {
    // A segment's field comes from the segment view; the raw includes the id.
    hl7v2::Segment seg(element.raw(), element.syntax());
    out.element = seg.field(n);
    out.field = n16;
    out.repetition = 0;
    return out;
  }
  switch (element.level()) {
    case Level::kField:
      out.element = element.component(n);
      out.repetition = 1;
      out.component = n16;
      break;
    case Level::kRepetition:
      out.element = element.component(n);
      out.component = n16;
      break;
    case Level::kComponent:
      out.element = element.subcomponent(n);
      out.subcomponent = n16;
      break;
    case Level::kSubcomponent:
    case Level::kOpaque:
      out.element = n == 1 ? element : hl7v2::Element({}, element.syntax(), element.level());
      break;
  }
  return out;
}

ElementRef ElementRef::repetition_at(std::size_t n) const {
  ElementRef out = *this;
  if (!is_segment() && element.level() == Level::kField) {
    out.element = element.repetition(n);
    out.repetition = static_cast<std::uint16_t>(n);
  } else if (n != 1) {
    out.element = hl7v2::Element({}, element.syntax(), element.level());
  }
  return out;
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
