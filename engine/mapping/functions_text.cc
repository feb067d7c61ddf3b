// The general functions of MAP-5: text, lists, numbers, presence, rejection.
#include <cmath>

#include <rapidjson/document.h>

#include "engine/mapping/functions.h"
#include "engine/mapping/plan_nodes.h"
#include "engine/mapping/run_state.h"
#include "engine/mapping/text_utils.h"

namespace lienthong::mapping {
namespace {

using Args = FunctionArgs;

// Calls `f` with each item of a list value; any other non-empty value is a list of itself.
template <class F>
void each_item(const Value& v, F&& f) {
  if (v.kind() == ValueKind::kList) {
    for (const Value& item : v.as_list()) f(item);
  } else if (v.kind() == ValueKind::kJson && v.as_json().IsArray()) {
    for (const rapidjson::Value& item : v.as_json().GetArray()) f(Value::json(&item));
  } else if (!is_empty(v)) {
    f(v);
  }
}

// A text made here: into the run's pool, or empty.
Value made_text(RunState& run, std::string_view t) { return t.empty() ? Value() : run.text_value(t); }

Value fn_text(RunState& run, const Expr&, Args a) {
  std::string scratch;
  return run.kept_text(run.text(*a[0], scratch), scratch);
}

Value fn_upper(RunState& run, const Expr&, Args a) {
  std::string scratch;
  return made_text(run, to_upper(run.text(*a[0], scratch)));
}

// RFC 4648 base64 of `in`'s bytes.
std::string base64_of(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const auto n = (std::uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                   (std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) | static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  if (const std::size_t rest = in.size() - i; rest > 0) {
    std::uint32_t n = std::uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (rest == 2) n |= std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// RFC 4648 base64 of the text's UTF-8 bytes (FHIR Attachment.data, base64Binary).
Value fn_base64(RunState& run, const Expr&, Args a) {
  std::string scratch;
  return made_text(run, base64_of(run.text(*a[0], scratch)));
}

// The base64 of the bytes a hexadecimal text stands for (an ED with encoding Hex: "FFD8FF");
// empty when the text is not pairs of hex digits (whitespace between them is allowed).
Value fn_base64_hex(RunState& run, const Expr&, Args a) {
  std::string scratch;
  const std::string_view in = run.text(*a[0], scratch);
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string bytes;
  bytes.reserve(in.size() / 2);
  int high = -1;
  for (char c : in) {
    if (c == ' ' || c == '\r' || c == '\n' || c == '\t') continue;
    const int d = digit(c);
    if (d < 0) return Value();
    if (high < 0) {
      high = d;
    } else {
      bytes.push_back(static_cast<char>(high << 4 | d));
      high = -1;
    }
  }
  if (high >= 0) return Value();  // an odd number of digits
  return made_text(run, base64_of(bytes));
}

// A value for a FHIR search URL (conditional create/update): FHIR's search
// escapes (\ , $ | get a backslash), then every byte outside RFC 3986's
// unreserved set percent-encoded, so no value can break the query.
Value fn_search_token(RunState& run, const Expr&, Args a) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string scratch;
  const std::string_view in = run.text(*a[0], scratch);
  std::string out;
  out.reserve(in.size() + 8);
  auto encoded = [&](unsigned char c) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  };
  for (const char ch : in) {
    if (ch == '\\' || ch == ',' || ch == '$' || ch == '|') encoded('\\');
    encoded(static_cast<unsigned char>(ch));
  }
  return made_text(run, out);
}

Value fn_lower(RunState& run, const Expr&, Args a) {
  std::string scratch;
  return made_text(run, to_lower(run.text(*a[0], scratch)));
}

Value fn_trim(RunState& run, const Expr&, Args a) {
  std::string scratch;
  return run.kept_text(trim_spaces(run.text(*a[0], scratch)), scratch);
}

// A position or length argument: a whole number >= `min`.
bool whole_number(const Value& v, double min, std::size_t& out) {
  Value::Number n;
  if (!number_of(v, n) || n.value < min || n.value != std::floor(n.value) || n.value > 1e9) return false;
  out = static_cast<std::size_t>(n.value);
  return true;
}

Value fn_substr(RunState& run, const Expr&, Args a) {
  std::size_t start = 0, length = std::string_view::npos;
  if (!whole_number(*a[1], 1, start)) return Value();
  if (a.size() > 2 && !whole_number(*a[2], 0, length)) return Value();
  std::string scratch;
  return run.kept_text(substr_chars(run.text(*a[0], scratch), start, length), scratch);
}

Value fn_replace(RunState& run, const Expr&, Args a) {
  std::string s_scratch, from_scratch, to_scratch;
  const std::string_view s = run.text(*a[0], s_scratch);
  const std::string_view from = run.text(*a[1], from_scratch);
  const std::string_view to = run.text(*a[2], to_scratch);
  if (s.empty() || from.empty()) return run.kept_text(s, s_scratch);
  std::string& out = run.text_buffer();
  std::size_t pos = 0;
  for (std::size_t hit; (hit = s.find(from, pos)) != std::string_view::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out += to;
  }
  out.append(s, pos);
  return made_text(run, out);
}

Value fn_split(RunState& run, const Expr&, Args a) {
  std::string scratch, sep_scratch;
  // The parts are views of the text, which is kept for the run.
  const Value whole = run.kept_text(run.text(*a[0], scratch), scratch);
  if (is_empty(whole)) return Value();
  const std::string_view s = whole.as_text();
  const std::string_view sep = run.text(*a[1], sep_scratch);
  ListBuilder parts(run);
  if (sep.empty()) {
    parts.push(whole);
    return parts.finish();
  }
  std::size_t pos = 0;
  for (;;) {
    const std::size_t hit = s.find(sep, pos);
    parts.push(Value::text(s.substr(pos, hit == std::string_view::npos ? std::string_view::npos : hit - pos)));
    if (hit == std::string_view::npos) break;
    pos = hit + sep.size();
  }
  return parts.finish();
}

Value fn_join(RunState& run, const Expr&, Args a) {
  std::string sep_scratch, scratch;
  const std::string_view sep = run.text(*a[1], sep_scratch);
  std::string& out = run.text_buffer();
  bool first = true;
  each_item(*a[0], [&](const Value& item) {
    const std::string_view t = run.text(item, scratch);
    if (t.empty()) return;
    if (!first) out += sep;
    out += t;
    first = false;
  });
  return made_text(run, out);
}

Value fn_number(RunState& run, const Expr&, Args a) {
  run.note((*a[0]));
  Value::Number n;
  if (!number_of((*a[0]), n)) return Value();
  return Value::number(n.value, n.integer);
}

// The integer part (toward zero): "12.7" -> 12.
Value fn_integer(RunState& run, const Expr&, Args a) {
  run.note((*a[0]));
  Value::Number n;
  if (!number_of((*a[0]), n) || std::fabs(n.value) >= 9.0e18) return Value();
  return Value::number(std::trunc(n.value), true);
}

Value fn_exists(RunState& run, const Expr&, Args a) {
  run.note((*a[0]));
  return Value::boolean(!is_empty((*a[0])));
}

// Counts non-empty items; the one function that gives 0 rather than empty.
Value fn_count(RunState& run, const Expr&, Args a) {
  run.note((*a[0]));
  std::int64_t n = 0;
  each_item(*a[0], [&](const Value& item) {
    if (!is_empty(item)) ++n;
  });
  return Value::integer(n);
}

Value fn_first(RunState&, const Expr&, Args a) {
  if ((*a[0]).kind() == ValueKind::kList) return (*a[0]).as_list().empty() ? Value() : (*a[0]).as_list().front();
  if ((*a[0]).kind() == ValueKind::kJson && (*a[0]).as_json().IsArray()) {
    const rapidjson::Value& j = (*a[0]).as_json();
    return j.Empty() ? Value() : Value::json(&j[0]);
  }
  return (*a[0]);
}

// A list without its first item (FHIRPath's tail()); a single value is a list of one.
Value fn_tail(RunState& run, const Expr&, Args a) {
  const Value& v = *a[0];
  if (v.kind() == ValueKind::kList) {
    const auto items = v.as_list();
    return items.size() < 2 ? Value() : Value::list(items.subspan(1));
  }
  if (v.kind() == ValueKind::kJson && v.as_json().IsArray()) {
    const rapidjson::Value& j = v.as_json();
    if (j.Size() < 2) return Value();
    ListBuilder items(run);
    for (rapidjson::SizeType i = 1; i < j.Size(); ++i) items.push(Value::json(&j[i]));
    return items.finish();
  }
  return Value();
}

Value fn_last(RunState&, const Expr&, Args a) {
  if ((*a[0]).kind() == ValueKind::kList) return (*a[0]).as_list().empty() ? Value() : (*a[0]).as_list().back();
  if ((*a[0]).kind() == ValueKind::kJson && (*a[0]).as_json().IsArray()) {
    const rapidjson::Value& j = (*a[0]).as_json();
    return j.Empty() ? Value() : Value::json(&j[j.Size() - 1]);
  }
  return (*a[0]);
}

Value fn_concat(RunState& run, const Expr&, Args a) {
  std::string scratch;
  std::string& out = run.text_buffer();
  for (const Value* v : a) out += run.text(*v, scratch);
  return made_text(run, out);
}

Value fn_required(RunState& run, const Expr&, Args a) {
  run.note((*a[0]));
  if (is_empty((*a[0]))) run.reject(text_of((*a[1])));
  return (*a[0]);
}

Value fn_error(RunState& run, const Expr&, Args a) {
  run.reject(text_of((*a[0])));
  return Value();
}

Value fn_segment_index(RunState& run, const Expr&, Args a) {
  const ElementRef* e = element_of((*a[0]));
  if (e == nullptr) return Value();
  run.note((*a[0]));
  return Value::integer(static_cast<std::int64_t>(e->segment) + 1);
}

// MSH-17 when the message has one, else the configured country (MAP-5).
Value fn_country(RunState& run, const Expr&, Args) {
  constexpr std::uint16_t kCountry = 17;
  if (run.segment_count() > 0 && run.segment_id(0) == pack_segment_id("MSH")) {
    const hl7v2::Element field = run.field(0, kCountry);
    Value sent = Value::element(field, 0, kCountry, 0, 0, 0);
    if (!is_empty(sent)) return sent;
  }
  if (run.default_country.empty()) return Value();
  return Value::plain_text(run.default_country);
}

// coalesce never runs from here: the parser makes it the lazy `??` node.
Value fn_coalesce(RunState&, const Expr&, Args a) {
  for (const Value* v : a) {
    if (!is_empty(*v)) return *v;
  }
  return Value();
}

constexpr std::size_t kMany = FunctionSpec::kVariadic;

const FunctionSpec kTextFunctions[] = {
    {"text", 1, 1, fn_text, nullptr},
    {"upper", 1, 1, fn_upper, nullptr},
    {"lower", 1, 1, fn_lower, nullptr},
    {"trim", 1, 1, fn_trim, nullptr},
    {"base64", 1, 1, fn_base64, nullptr},
    {"base64_hex", 1, 1, fn_base64_hex, nullptr},
    {"search_token", 1, 1, fn_search_token, nullptr},
    {"substr", 2, 3, fn_substr, nullptr},
    {"replace", 3, 3, fn_replace, nullptr},
    {"split", 2, 2, fn_split, nullptr},
    {"join", 2, 2, fn_join, nullptr},
    {"number", 1, 1, fn_number, nullptr},
    {"integer", 1, 1, fn_integer, nullptr},
    {"exists", 1, 1, fn_exists, nullptr},
    {"count", 1, 1, fn_count, nullptr},
    {"first", 1, 1, fn_first, nullptr},
    {"tail", 1, 1, fn_tail, nullptr},
    {"last", 1, 1, fn_last, nullptr},
    {"coalesce", 1, kMany, fn_coalesce, nullptr},
    {"concat", 1, kMany, fn_concat, nullptr},
    {"required", 2, 2, fn_required, nullptr},
    {"error", 1, 1, fn_error, nullptr},
    {"segment_index", 1, 1, fn_segment_index, nullptr},
    {"country", 0, 0, fn_country, nullptr},
};

}  // namespace

std::span<const FunctionSpec> text_functions() { return kTextFunctions; }

}  // namespace lienthong::mapping
