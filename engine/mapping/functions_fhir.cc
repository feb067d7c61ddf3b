// The FHIR-facing functions of MAP-5: code tables (MAP-6), times (MAP-7) and
// deterministic ids (MAP-8).
#include <rapidjson/document.h>

#include "engine/mapping/code_table.h"
#include "engine/mapping/expr_parser.h"
#include "engine/mapping/fhir_time.h"
#include "engine/mapping/functions.h"
#include "engine/mapping/run_state.h"
#include "engine/mapping/text_utils.h"
#include "engine/mapping/uuid5.h"

namespace lienthong::mapping {
namespace {

using Args = FunctionArgs;

// lookup/coding name their table with a literal, so it is loaded (and its
// absence reported) when the mapping compiles (MAP-6.2).
std::optional<std::string> bind_table(Expr& call, ExprScope& scope) {
  const Expr& name = *call.operands[0];
  if (name.kind != ExprKind::kLiteral || name.literal.kind() != ValueKind::kText) {
    return "the first argument of " + call.member + "() must be a table name in quotes, such as 'v2-0001'";
  }
  auto table = scope.table(name.literal.as_text());
  if (!table.ok()) return table.error().message;
  call.table = *table;
  return std::nullopt;
}

// The code a table is asked for: blanks around it are padding (MAP-6.4).
std::string_view code_text(RunState& run, const Value& v, std::string& scratch) {
  return trim_spaces(run.text(v, scratch));
}

// MAP-6: the table's entry for code (its own default included), the
// argument's default, else the code unchanged.
Value fn_lookup(RunState& run, const Expr& call, Args a) {
  std::string scratch;
  const std::string_view code = code_text(run, *a[1], scratch);
  if (code.empty()) return Value();
  // Table entries live in the plan: the value is a view of them.
  if (const CodeEntry* entry = call.table->find(code)) return Value::text(entry->code);
  if (a.size() > 2 && !is_empty(*a[2])) {
    std::string default_scratch;
    return run.kept_text(run.text(*a[2], default_scratch), default_scratch);
  }
  return run.kept_text(code, scratch);
}

void add_text(rapidjson::Value& object, const char* key, std::string_view text, JsonAllocator& alloc) {
  if (text.empty()) return;
  rapidjson::Value v;
  v.SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
  object.AddMember(rapidjson::StringRef(key), v, alloc);
}

// A FHIR Coding. Unknown codes keep the source system (MAP-6.3) so nothing is
// dropped and the receiver can still tell where the code came from.
Value fn_coding(RunState& run, const Expr& call, Args a) {
  std::string scratch, display_scratch;
  const std::string_view code = code_text(run, *a[1], scratch);
  if (code.empty()) return Value();
  const std::string_view display = a.size() > 2 ? run.text(*a[2], display_scratch) : std::string_view();
  const CodeTable& table = *call.table;
  JsonAllocator& alloc = run.allocator();
  rapidjson::Value coding(rapidjson::kObjectType);
  if (const CodeEntry* entry = table.find(code)) {
    add_text(coding, "system", entry->system.empty() ? table.target_system() : entry->system, alloc);
    add_text(coding, "code", entry->code, alloc);
    add_text(coding, "display", entry->display.empty() ? display : entry->display, alloc);
  } else {
    add_text(coding, "system", table.source_system(), alloc);
    add_text(coding, "code", code, alloc);
    add_text(coding, "display", display, alloc);
  }
  return Value::json(run.keep(std::move(coding)));
}

// MAP-7.4: an invalid time rejects nothing; it is left out with a warning.
Value fhir_time(RunState& run, const Value& ts, FhirTimeType type) {
  std::string scratch;
  const std::string_view text = run.text(ts, scratch);
  if (text.empty()) return Value();
  char converted[kFhirTimeMaxSize];
  auto written = hl7_to_fhir_time(text, type, run.zone(), converted);
  if (!written.ok()) {
    run.warn(element_of(ts), written.error().message);
    return Value();
  }
  return Value::plain_text(run.store(std::string_view(converted, *written)));
}

Value fn_date(RunState& run, const Expr&, Args a) { return fhir_time(run, (*a[0]), FhirTimeType::kDate); }
Value fn_date_time(RunState& run, const Expr&, Args a) { return fhir_time(run, (*a[0]), FhirTimeType::kDateTime); }
Value fn_instant(RunState& run, const Expr&, Args a) { return fhir_time(run, (*a[0]), FhirTimeType::kInstant); }

// MAP-8. Every part must be present: an id made from a partial identifier
// ("Patient|") would be shared by unrelated records.
Value fn_uuid(RunState& run, const Expr&, Args a) {
  std::string scratch;
  std::string& name = run.text_buffer();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string_view part = run.text(*a[i], scratch);
    if (part.empty()) return Value();
    if (i > 0) name.push_back('|');
    name += part;
  }
  if (const TextTable::Entry* known = run.uuids().find(name)) return Value::plain_text(known->value);
  char id[kUuidTextSize];
  uuid5(kLienthongNamespace, name, id);
  const std::string_view kept = run.store(std::string_view(id, kUuidTextSize));
  run.uuids().insert(run.store(name), kept);
  return Value::plain_text(kept);
}

const FunctionSpec kFhirFunctions[] = {
    {"lookup", 2, 3, fn_lookup, bind_table},
    {"coding", 2, 3, fn_coding, bind_table},
    {"date", 1, 1, fn_date, nullptr},
    {"dateTime", 1, 1, fn_date_time, nullptr},
    {"instant", 1, 1, fn_instant, nullptr},
    {"uuid", 1, FunctionSpec::kVariadic, fn_uuid, nullptr},
};

}  // namespace

std::span<const FunctionSpec> fhir_functions() { return kFhirFunctions; }

}  // namespace lienthong::mapping
