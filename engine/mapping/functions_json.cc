// The functions of MAP-11 for mappings whose input is JSON (FHIR resources,
// Bundles, any JSON): input() and select() with a FHIRPath-subset or $ path
// compiled when the mapping loads (json_path.h).
#include <rapidjson/document.h>

#include "engine/mapping/expr_parser.h"
#include "engine/mapping/functions.h"
#include "engine/mapping/json_path.h"
#include "engine/mapping/run_state.h"

namespace lienthong::mapping {
namespace {

using Args = FunctionArgs;

// The path is the last argument, a literal, so it is compiled (and its
// mistakes reported with their column) when the mapping loads.
std::optional<std::string> bind_path(Expr& call, ExprScope& scope) {
  if (scope.hl7_input()) {
    return "select() reads JSON input: set \"$mapping\": {\"input\": \"fhir\"} or \"json\" (MAP-11)";
  }
  const Expr& text = *call.operands.back();
  if (text.kind != ExprKind::kLiteral || text.literal.kind() != ValueKind::kText) {
    return "the last argument of select() must be a path in quotes, such as 'Patient.name.family'";
  }
  auto path = JsonPath::compile(text.literal.as_text());
  if (!path.ok()) return "select(): " + path.error().message;
  call.json_path = std::make_shared<const JsonPath>(std::move(path).value());
  return std::nullopt;
}

std::optional<std::string> bind_input(Expr&, ExprScope& scope) {
  if (scope.hl7_input()) return "input() is the JSON input: set \"$mapping\": {\"input\": \"fhir\"} or \"json\" (MAP-11)";
  return std::nullopt;
}

void select_into(ListBuilder& out, const JsonPath& path, const Value& from) {
  if (from.kind() == ValueKind::kJson) {
    for (const JsonNode& n : path.select(from.as_json())) out.push(Value::json(n.value));
  } else if (from.kind() == ValueKind::kList) {
    for (const Value& item : from.as_list()) select_into(out, path, item);
  }
}

// MAP-11: nothing selected is empty, one node is that node, more are a list.
Value fn_select(RunState& run, const Expr& call, Args a) {
  ListBuilder out(run);
  if (a.size() == 2) {
    select_into(out, *call.json_path, *a[0]);
  } else if (const rapidjson::Value* input = run.json_input()) {
    select_into(out, *call.json_path, Value::json(input));
  }
  if (out.size() == 0) return Value();
  Value list = out.finish();
  return list.as_list().size() == 1 ? list.as_list().front() : list;
}

Value fn_input(RunState& run, const Expr&, Args) {
  const rapidjson::Value* input = run.json_input();
  return input != nullptr ? Value::json(input) : Value();
}

const FunctionSpec kJsonFunctions[] = {
    {"select", 1, 2, fn_select, bind_path},
    {"input", 0, 0, fn_input, bind_input},
};

}  // namespace

std::span<const FunctionSpec> json_functions() { return kJsonFunctions; }

}  // namespace lienthong::mapping
