#include "engine/core/route.h"

#include <algorithm>

#include "engine/core/destination.h"
#include "engine/mapping/select.h"

namespace lienthong::core {
namespace {

// The decoded texts the path selects (a whole field with components is its
// first component's text, as `PID-3` reads in the HL7 terser convention).
std::vector<std::string> texts_at(const hl7v2::Message& message, const hl7v2::Path& path) {
  std::vector<std::string> out;
  for (const hl7v2::Element& e : hl7v2::select(message, path)) {
    if (!e.empty()) out.push_back(e.text());
  }
  return out;
}

bool contains(const std::vector<std::string>& values, const std::string& text) {
  return std::find(values.begin(), values.end(), text) != values.end();
}

}  // namespace

bool RouteCondition::matches(const hl7v2::Message& message) const {
  if (op == Op::kMessage) {
    const std::string_view code = message.message_code();
    const std::string_view trigger = message.trigger_event();
    return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
      const auto caret = v.find('^');
      const std::string_view type = std::string_view(v).substr(0, caret);
      const std::string_view want = caret == std::string::npos ? std::string_view("*") : std::string_view(v).substr(caret + 1);
      return type == code && (want == "*" || want == trigger);
    });
  }
  const std::vector<std::string> texts = texts_at(message, path);
  switch (op) {
    case Op::kExists: return !texts.empty();
    case Op::kAbsent: return texts.empty();
    case Op::kEquals:
    case Op::kIn:
      return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return contains(values, t); });
    case Op::kNotEquals:
    case Op::kNotIn:
      // "not one of": nothing selected is not one of them either.
      return std::none_of(texts.begin(), texts.end(), [&](const std::string& t) { return contains(values, t); });
    case Op::kRegex:
      return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return regex->search(t); });
    case Op::kMessage:
      break;
  }
  return false;
}

std::string RouteTarget::key_of(const hl7v2::Message& message, const std::string& source) const {
  std::string key;
  bool any = false;
  for (std::size_t i = 0; i < key_paths.size(); ++i) {
    if (i > 0) key += '|';
    auto texts = texts_at(message, key_paths[i]);
    if (!texts.empty()) {
      key += texts.front();
      any = true;
    }
  }
  return any ? key : "source:" + source;
}

bool Route::takes(const std::string& source, const hl7v2::Message& message) const {
  if (!from.empty() && !contains(from, source)) return false;
  if (!plans_by_type.empty() && plan_for(message) == nullptr) return false;
  return std::all_of(when.begin(), when.end(), [&](const RouteCondition& c) { return c.matches(message); });
}

const mapping::MappingPlan* Route::plan_for(const hl7v2::Message& message) const {
  if (plan) return plan.get();
  if (plans_by_type.empty()) return nullptr;
  return mapping::select_mapping(plans_by_type, message.message_code(), message.trigger_event());
}

const char* Route::content_type() const { return mapping_name.empty() ? kContentHl7v2 : kContentFhirJson; }

std::vector<std::string> default_key_paths() { return {"PID-3[1].1", "PID-3[1].4.1"}; }

}  // namespace lienthong::core
