#include "engine/mapping/run.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "engine/mapping/interpreter.h"

namespace lienthong::mapping {
namespace {

template <class Writer>
void write_explain(Writer& w, const std::vector<ExplainRecord>& records) {
  w.StartArray();
  for (const ExplainRecord& r : records) {
    w.StartObject();
    w.Key("output");
    w.String(r.output_path.data(), static_cast<rapidjson::SizeType>(r.output_path.size()));
    w.Key("mapping");
    w.String(r.mapping_file.data(), static_cast<rapidjson::SizeType>(r.mapping_file.size()));
    w.Key("path");
    w.String(r.mapping_path.data(), static_cast<rapidjson::SizeType>(r.mapping_path.size()));
    w.Key("expression");
    w.String(r.expression.data(), static_cast<rapidjson::SizeType>(r.expression.size()));
    w.Key("inputs");
    w.StartArray();
    for (const std::string& in : r.inputs) w.String(in.data(), static_cast<rapidjson::SizeType>(in.size()));
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

Result<MappingOutput> run(const MappingPlan& plan, const hl7v2::Message& message, const RunOptions& options) {
  // JSON values made during the run ($let skeletons, codings) live here; most
  // runs make few or none, so the first block on the stack is usually enough.
  alignas(8) char first_block[4096];
  JsonAllocator allocator(first_block, sizeof first_block);
  const PlanBody& body = plan.body();
  RunState state(message, body.slot_count, options.zone, allocator, options.explain);
  MappingOutput output;
  JsonBuffer out(message.text().size() * 3 + 256);
  Interpreter interpreter(state, out, options.explain ? &output.explain : nullptr);
  const bool written = interpreter.emit(*body.root);
  if (state.rejected()) return *state.rejection();
  // The root is never pruned (MAP-1.6).
  if (!written) out.append(body.root->kind == NodeKind::kArray ? "[]" : "{}");
  output.json = out.str();
  if (options.pretty) output.json = pretty_json(output.json);
  output.warnings = std::move(state.warnings());
  return output;
}

std::string explain_json(const std::vector<ExplainRecord>& records, bool pretty) {
  rapidjson::StringBuffer buffer;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    write_explain(writer, records);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    write_explain(writer, records);
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lienthong::mapping
