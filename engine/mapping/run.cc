#include "engine/mapping/run.h"

#include <algorithm>
#include <cassert>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "engine/hl7v2/parser.h"
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

Result<MappingOutput> run_with(const MappingPlan& plan, const hl7v2::Message& message, const rapidjson::Value* json,
                               const RunOptions& options, RunBuffers& buffers, JsonAllocator& allocator) {
  const PlanBody& body = plan.body();
  RunState state(message, body.slot_count, options.zone, allocator, options.explain, buffers);
  state.set_json_input(json);
  state.default_country = options.country;
  MappingOutput output;
  JsonBuffer& out = buffers.out;
  out.truncate(0);
  out.reserve(message.text().size() * 3 + 256);
  buffers.includes.reset(body.included.size());
  state.reset_constants(body.constant_count);
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

// The run's pool starts in a block the thread keeps, grown after a run that
// needed more, so the next runs of the thread need no more pool memory.
Result<MappingOutput> run_in_pool(const MappingPlan& plan, const hl7v2::Message& message,
                                  const rapidjson::Value* json, const RunOptions& options) {
  RunBuffers& buffers = RunBuffers::of_this_thread();
  constexpr std::size_t kFirstBlock = 16 * 1024;
  if (!buffers.pool) {
    buffers.pool.reset(new char[kFirstBlock]);
    buffers.pool_size = kFirstBlock;
  }
  std::size_t needed = 0;
  Result<MappingOutput> output = Error{};
  {
    // Everything in the pool ($let skeletons, codings, computed texts and
    // lists, the slots' values) is dead when the run returns.
    JsonAllocator allocator(buffers.pool.get(), buffers.pool_size);
    output = run_with(plan, message, json, options, buffers, allocator);
    needed = allocator.Capacity();
  }
  if (needed > buffers.pool_size) {
    buffers.pool.reset(new char[needed]);
    buffers.pool_size = needed;
  }
  return output;
}

// The message a JSON-input run stands on: its mapping has no HL7 paths (the
// compiler refuses them), so nothing reads it.
const hl7v2::Message& no_message() {
  static const hl7v2::Message message = [] {
    auto parsed = hl7v2::parse(std::string("MSH|^~\\&|||||||JSON^INPUT|0|P|2.5\r"));
    assert(parsed.ok());
    return std::move(parsed).value();
  }();
  return message;
}

}  // namespace

Result<MappingOutput> run(const MappingPlan& plan, const hl7v2::Message& message, const RunOptions& options) {
  if (plan.info().input != "hl7v2") {
    return Error{"this mapping's input is " + plan.info().input + " (MAP-11), not an HL7 v2 message", plan.file()};
  }
  return run_in_pool(plan, message, nullptr, options);
}

Result<MappingOutput> run(const MappingPlan& plan, const rapidjson::Value& input, const RunOptions& options) {
  if (plan.info().input == "hl7v2") {
    return Error{"this mapping's input is an HL7 v2 message, not JSON", plan.file()};
  }
  return run_in_pool(plan, no_message(), &input, options);
}

std::optional<std::string> country_code_error(std::string_view code) {
  const bool letters = std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (code.empty() || ((code.size() == 2 || code.size() == 3) && letters)) return std::nullopt;
  return "expected an ISO 3166-1 country code such as \"VNM\" (3 capital letters, or 2: \"VN\"), found \"" +
         std::string(code) + "\"";
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
