#include "engine/mapping/evaluate.h"

#include <charconv>
#include <cmath>
#include <new>
#include <string_view>

#include "engine/mapping/functions.h"
#include "engine/mapping/plan_nodes.h"

namespace lienthong::mapping {
namespace {

using hl7v2::Element;
using hl7v2::Level;
using hl7v2::Path;

// One segment's share of a path (field / repetition / component / subcomponent),
// with the codec's conventions (docs/hl7v2.md "Paths"): PID-3 is the first
// repetition. Positions past the end read as empty elements, which is what an
// absent position means to a mapping, so nothing is counted first (each count
// would be one more scan of the segment).
//
// Each element selected is given to `each(element, field, repetition,
// component, subcomponent)` so the caller builds its value where it goes: a
// value built in one place and copied right away stalls the processor (the
// copy reads, in wide loads, what narrow stores have just written).
template <class Each>
void select_in_segment(RunState& run, std::size_t index, const Path& path, Each&& each) {
  const hl7v2::Segment seg = run.segment(index);
  if (path.field == 0) {
    each(Element(seg.raw(), seg.syntax(), Level::kOpaque), 0, 0, 0, 0);
    return;
  }
  const Element field = run.field(index, path.field);
  const auto field_number = static_cast<std::uint16_t>(path.field);
  if (field.level() == Level::kOpaque) {  // MSH-1, MSH-2
    if (path.repetition == 1 || path.repetition == Path::kAll) each(field, field_number, 0, 0, 0);
    return;
  }
  auto narrow = [&](const Element& repetition, std::size_t r) {
    const auto rep = static_cast<std::uint16_t>(r);
    if (path.component == 0) {
      each(repetition, field_number, rep, 0, 0);
      return;
    }
    const auto component = static_cast<std::uint16_t>(path.component);
    if (path.subcomponent == 0) {
      each(repetition.component(path.component), field_number, rep, component, 0);
      return;
    }
    each(repetition.component(path.component).subcomponent(path.subcomponent), field_number, rep, component,
         static_cast<std::uint16_t>(path.subcomponent));
  };
  if (path.repetition != Path::kAll) {
    narrow(field.repetition(path.repetition), path.repetition);
    return;
  }
  // Every repetition: split the field once instead of asking for each by number.
  const char sep = seg.syntax().delimiters.repetition;
  std::string_view rest = field.raw();
  for (std::size_t r = 1; !rest.empty(); ++r) {
    const std::size_t cut = sep == '\0' ? std::string_view::npos : rest.find(sep);
    narrow(Element(rest.substr(0, cut), seg.syntax(), Level::kRepetition), r);
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
    if (rest.empty()) narrow(Element({}, seg.syntax(), Level::kRepetition), r + 1);
  }
}

Value member(RunState& run, const Value& base, const Expr& e) {
  switch (base.kind()) {
    case ValueKind::kElement: {
      if (e.member_number == 0) return Value();
      const ElementRef& b = base.as_element();
      if (!b.is_segment()) return Value::element_made([&] { return b.child(e.member_number); });
      // A segment's field, through the run's index of the segment.
      return Value::element_made([&] {
        return ElementRef{run.field(b.segment, e.member_number), b.segment,
                          static_cast<std::uint16_t>(e.member_number), 0, 0, 0};
      });
    }
    case ValueKind::kList: {
      // `.x` on a list reads it from every item (a list of elements, of codings).
      ListBuilder items(run);
      for (const Value& item : base.as_list()) {
        const Value v = member(run, item, e);
        if (!is_empty(v)) items.push(v);
      }
      return items.finish();
    }
    case ValueKind::kJson: {
      const rapidjson::Value& j = base.as_json();
      if (!j.IsObject()) return Value();
      // The name as written, or `.4` as "4": no copy of the name per lookup.
      std::string_view key = e.member;
      char digits[24] = {};
      if (e.member_number != 0) {
        const auto written = std::to_chars(digits, digits + sizeof digits, e.member_number);
        key = std::string_view(digits, static_cast<std::size_t>(written.ptr - digits));
      }
      auto it = j.FindMember(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
      if (it == j.MemberEnd()) return Value();
      return Value::json(&it->value);
    }
    default:
      return Value();
  }
}

Value index(RunState& run, const Value& base, const Value& at) {
  Value::Number n;
  if (!number_of(at, n) || n.value < 1 || n.value != std::floor(n.value) || n.value > 65535) return Value();
  (void)run;
  const auto i = static_cast<std::size_t>(n.value);
  switch (base.kind()) {
    case ValueKind::kList:
      return i <= base.as_list().size() ? base.as_list()[i - 1] : Value();
    case ValueKind::kElement:
      return Value::element_made([&] { return base.as_element().repetition_at(i); });
    case ValueKind::kJson: {
      const rapidjson::Value& j = base.as_json();
      if (!j.IsArray() || i > j.Size()) return Value();
      return Value::json(&j[static_cast<rapidjson::SizeType>(i - 1)]);
    }
    default:
      return i == 1 ? base : Value();
  }
}

bool in_values(RunState& run, const Value& needle, const Value& haystack) {
  if (haystack.kind() == ValueKind::kList) {
    for (const Value& item : haystack.as_list()) {
      if (equal_values(run, needle, item)) return true;
    }
    return false;
  }
  if (haystack.kind() == ValueKind::kJson && haystack.as_json().IsArray()) {
    for (const rapidjson::Value& item : haystack.as_json().GetArray()) {
      if (equal_values(run, needle, Value::json(&item))) return true;
    }
    return false;
  }
  return !is_empty(haystack) && equal_values(run, needle, haystack);
}

Value add(RunState& run, const Value& a, const Value& b) {
  if (a.kind() == ValueKind::kNumber && b.kind() == ValueKind::kNumber) {
    return Value::number(a.as_number().value + b.as_number().value, a.as_number().integer && b.as_number().integer);
  }
  if (is_empty(a)) return b;
  if (is_empty(b)) return a;
  std::string scratch;
  std::string joined(run.text(a, scratch));
  joined += run.text(b, scratch);
  return run.text_value(joined);
}

Value subtract(RunState& run, const Value& a, const Value& b) {
  Value::Number x, y;
  run.note(a);
  run.note(b);
  if (!number_of(a, x) || !number_of(b, y)) return Value();
  return Value::number(x.value - y.value, x.integer && y.integer);
}

Value call(const Expr& e, RunState& run) {
  const std::size_t n = e.operands.size();
  // Most calls have a few arguments: their values live on the stack.
  constexpr std::size_t kInline = 4;
  // Holders are written before they are read (evaluate_ref), so they start
  // uninitialised: Values are trivial.
  alignas(Value) unsigned char inline_holders[kInline * sizeof(Value)];
  Value* holders = n > kInline ? run.values(n) : reinterpret_cast<Value*>(inline_holders);
  const Value* args[FunctionSpec::kVariadic];
  for (std::size_t i = 2; i < n; ++i) __builtin_prefetch(e.operands[i].get());
  for (std::size_t i = 0; i < n; ++i) args[i] = &evaluate_ref(e.operand(i), run, holders[i]);
  return e.function->impl(run, e, FunctionArgs(args, n));
}

}  // namespace

Value select_path(RunState& run, const Path& path, std::size_t begin, std::size_t end) {
  const std::uint32_t id = pack_segment_id(path.segment);
  auto scan = [&](auto&& each) {
    std::size_t seen = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (run.segment_id(i) != id) continue;
      ++seen;
      if (path.segment_occurrence != Path::kAll && path.segment_occurrence != seen) continue;
      const auto segment = static_cast<std::uint32_t>(i);
      select_in_segment(run, i, path, [&](const Element& e, std::uint16_t f, std::uint16_t r, std::uint16_t c,
                                           std::uint16_t s) { each(e, segment, f, r, c, s); });
      if (path.segment_occurrence != Path::kAll) break;
    }
  };
  if (path.segment_occurrence != Path::kAll && path.repetition != Path::kAll) {
    Value single;
    scan([&](const Element& e, std::uint32_t segment, std::uint16_t f, std::uint16_t r, std::uint16_t c,
             std::uint16_t s) { new (&single) Value(Value::element(e, segment, f, r, c, s)); });
    return single;
  }
  ListBuilder found(run);  // in the run's pool
  scan([&](const Element& e, std::uint32_t segment, std::uint16_t f, std::uint16_t r, std::uint16_t c,
           std::uint16_t s) { new (&found.next()) Value(Value::element(e, segment, f, r, c, s)); });
  return found.finish();
}

int compare_values(RunState& run, const Value& a, const Value& b) {
  // A number written into a built object ($let skeleton, included file) is still one.
  auto is_number = [](const Value& v) {
    return v.kind() == ValueKind::kNumber || (v.kind() == ValueKind::kJson && v.as_json().IsNumber());
  };
  const bool a_number = is_number(a);
  const bool b_number = is_number(b);
  if (a_number || b_number) {
    Value::Number x, y;
    if (number_of(a, x) && number_of(b, y)) {
      run.note(a);
      run.note(b);
      return x.value < y.value ? -1 : (x.value > y.value ? 1 : 0);
    }
  }
  std::string sa, sb;
  const std::string_view ta = run.text(a, sa);
  const std::string_view tb = run.text(b, sb);
  const int c = ta.compare(tb);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool equal_values(RunState& run, const Value& a, const Value& b) { return compare_values(run, a, b) == 0; }

Value evaluate(const Expr& e, RunState& run) {
  // Operands are nodes of their own, rarely in cache (a plan is several MB):
  // asking for all of them now overlaps their misses instead of queuing them.
  __builtin_prefetch(e.first_operands[0]);
  __builtin_prefetch(e.first_operands[1]);
  switch (e.kind) {
    case ExprKind::kLiteral:
      return e.literal;
    case ExprKind::kPath:
      if (e.absolute) return select_path(run, e.path, 0, run.segment_count());
      return select_path(run, e.path, run.span_begin, run.span_end);
    case ExprKind::kName:
      return run.slots[e.slot];
    case ExprKind::kMember:
      // `it.1` and friends: read the binding in place instead of copying it first.
      if (e.first_operands[0]->kind == ExprKind::kName) return member(run, run.slots[e.first_operands[0]->slot], e);
      return member(run, evaluate(*e.first_operands[0], run), e);
    case ExprKind::kIndex: {
      Value h0, h1;
      const Value& base = evaluate_ref(*e.first_operands[0], run, h0);
      return index(run, base, evaluate_ref(*e.first_operands[1], run, h1));
    }
    case ExprKind::kNot: {
      Value h;
      return Value::boolean(!is_truthy(evaluate_ref(*e.first_operands[0], run, h)));
    }
    case ExprKind::kAnd: {
      Value h;
      if (!is_truthy(evaluate_ref(*e.first_operands[0], run, h))) return Value::boolean(false);
      return Value::boolean(is_truthy(evaluate_ref(*e.first_operands[1], run, h)));
    }
    case ExprKind::kOr: {
      Value h;
      if (is_truthy(evaluate_ref(*e.first_operands[0], run, h))) return Value::boolean(true);
      return Value::boolean(is_truthy(evaluate_ref(*e.first_operands[1], run, h)));
    }
    case ExprKind::kCoalesce:
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        Value h;
        const Value& v = evaluate_ref(e.operand(i), run, h);
        if (!is_empty(v)) return v;
      }
      return Value();
    case ExprKind::kCompare: {
      Value h0, h1;
      const Value& a = evaluate_ref(*e.first_operands[0], run, h0);
      const Value& b = evaluate_ref(*e.first_operands[1], run, h1);
      const int c = compare_values(run, a, b);
      switch (e.compare) {
        case CompareOp::kEq: return Value::boolean(c == 0);
        case CompareOp::kNe: return Value::boolean(c != 0);
        case CompareOp::kLt: return Value::boolean(c < 0);
        case CompareOp::kLe: return Value::boolean(c <= 0);
        case CompareOp::kGt: return Value::boolean(c > 0);
        case CompareOp::kGe: return Value::boolean(c >= 0);
      }
      return Value();
    }
    case ExprKind::kIn: {
      Value h0, h1;
      const Value& a = evaluate_ref(*e.first_operands[0], run, h0);
      return Value::boolean(in_values(run, a, evaluate_ref(*e.first_operands[1], run, h1)));
    }
    case ExprKind::kMatches: {
      Value h;
      const Value& a = evaluate_ref(*e.first_operands[0], run, h);
      if (is_empty(a)) return Value::boolean(false);
      std::string scratch;
      return Value::boolean(e.regex->full_match(run.text(a, scratch)));
    }
    case ExprKind::kAdd: {
      Value h0, h1;
      const Value& a = evaluate_ref(*e.first_operands[0], run, h0);
      return add(run, a, evaluate_ref(*e.first_operands[1], run, h1));
    }
    case ExprKind::kSubtract: {
      Value h0, h1;
      const Value& a = evaluate_ref(*e.first_operands[0], run, h0);
      return subtract(run, a, evaluate_ref(*e.first_operands[1], run, h1));
    }
    case ExprKind::kCall:
      return call(e, run);
    case ExprKind::kConstant: {
      // With explain, computed every time so that each record names its inputs.
      if (run.explain()) return evaluate(*e.first_operands[0], run);
      if (const Value* known = run.constant(e.slot)) return *known;
      Value v = evaluate(*e.first_operands[0], run);
      run.set_constant(e.slot, v);
      return v;
    }
    case ExprKind::kList: {
      Value* items = run.values(e.operands.size());
      for (std::size_t i = 0; i < e.operands.size(); ++i) new (&items[i]) Value(evaluate(*e.operands[i], run));
      return Value::list(std::span<const Value>(items, e.operands.size()));
    }
  }
  return Value();
}

}  // namespace lienthong::mapping
