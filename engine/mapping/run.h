// Running a compiled mapping on one HL7 v2 message (docs/mapping.md MAP-1..MAP-10):
// the skeleton is walked once, expressions evaluated against the message
// (paths in the current span, MAP-4), empty values pruned on the way up
// (MAP-1.6), and the output written as compact (or pretty) JSON.
//
// Expected failures are values: a rejection by the mapping (required(),
// error()) is an Error whose message is the author's reason and whose `where`
// is the mapping file and skeleton JSON path; invalid input times are not
// failures but warnings (MAP-7.4).
//
// Thread-safety: run() only reads the plan and the message; any number of
// runs may share one plan concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/fwd.h>

#include "engine/base/result.h"
#include "engine/hl7v2/message.h"
#include "engine/mapping/fhir_time.h"
#include "engine/mapping/plan.h"

namespace lienthong::mapping {

struct RunOptions {
  // The zone for times without an offset (MAP-7.2).
  TimeZone zone = TimeZone::ho_chi_minh();
  // The country of a sender whose MSH-17 is empty (MAP-5 country()): an ISO
  // 3166 code such as "VNM", or empty for none.
  std::string country;
  // Collect an ExplainRecord for each value computed by an expression (MAP-10).
  bool explain = false;
  // Indented output (two spaces) instead of compact.
  bool pretty = false;
};

// One output value and where it came from (MAP-10). Literal skeleton values
// are not recorded: they come from nowhere but the mapping.
struct ExplainRecord {
  std::string output_path;   // "$.entry[0].resource.identifier[1].value"
  std::string mapping_file;  // "mappings/hl7v2/adt_a01.json"
  std::string mapping_path;  // "$.entry[0].resource.identifier[0].value" (the skeleton value)
  std::string expression;    // as written: "${it.1}"
  std::vector<std::string> inputs;  // elements read, occurrences as used: "PID-3[2].1", "OBX[3]-5"
};

struct MappingOutput {
  std::string json;
  std::vector<std::string> warnings;   // "FILE: $.path: PID-7: why"
  std::vector<ExplainRecord> explain;  // only with RunOptions::explain
};

// A plan whose $mapping.input is "hl7v2" (the default) runs on a message; one
// whose input is "fhir" or "json" (MAP-11) on a JSON document, which must
// outlive the call. The other pairing is an Error.
Result<MappingOutput> run(const MappingPlan& plan, const hl7v2::Message& message, const RunOptions& options = {});
Result<MappingOutput> run(const MappingPlan& plan, const rapidjson::Value& input, const RunOptions& options = {});

// Why `code` cannot be RunOptions::country (an ISO 3166-1 code: 2 or 3 capital
// letters, "VNM" or "VN"), or nothing when it can; empty is allowed (no default).
std::optional<std::string> country_code_error(std::string_view code);

// The explain records as a JSON array of objects with the keys output,
// mapping, path, expression, inputs.
std::string explain_json(const std::vector<ExplainRecord>& records, bool pretty);

// Compact JSON text re-indented with two spaces (for people reading it).
std::string pretty_json(std::string_view compact);

}  // namespace lienthong::mapping
