// MappingPlan: a mapping file (docs/mapping.md) compiled once into a tree of
// plan nodes that run() (run.h) executes per message without parsing anything
// again: expressions parsed, paths parsed, names bound to slots, functions
// bound, code tables loaded, regular expressions compiled, each $include file
// compiled once and shared by the places that include it (plan_nodes.h
// IncludeUse).
//
// compile() reports every mistake it finds, not only the first (MAP-9): each
// line is "FILE: $.json.path: what was expected" (or "FILE: line L, column C:
// why" for JSON syntax), joined by '\n' in Error::message.
//
// Thread-safety: a plan is immutable after compile(); any number of threads may
// run it at the same time. compile() itself is start-up work: a CodeTables
// object passed in CompileOptions must not be shared with a concurrent compile.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace lienthong::mapping {

class CodeTables;
struct PlanBody;

struct CompileOptions {
  // The mappings directory: $include names and tables/ are relative to it.
  std::filesystem::path root = "mappings";
  // Code tables to use (shared between the mappings of one load); when null,
  // tables are read from root / "tables".
  std::shared_ptr<CodeTables> tables;
};

// The top-level "$mapping" object (MAP-2).
struct MappingInfo {
  std::string input = "hl7v2";  // or "fhir" / "json" (MAP-11): run with a JSON document
  std::string description;
  std::vector<std::string> messages;  // "ADT^A01", "ADT^*"
};

class MappingPlan {
 public:
  static Result<std::shared_ptr<const MappingPlan>> compile(const std::filesystem::path& file,
                                                            const CompileOptions& options = {});

  // The file as named in messages (as given to compile()).
  const std::string& file() const { return file_; }
  const MappingInfo& info() const { return info_; }
  const std::vector<std::string>& messages() const { return info_.messages; }

  // The compiled tree (plan_nodes.h), for the interpreter.
  const PlanBody& body() const { return *body_; }

  MappingPlan(std::string file, MappingInfo info, std::unique_ptr<const PlanBody> body);
  ~MappingPlan();
  MappingPlan(const MappingPlan&) = delete;
  MappingPlan& operator=(const MappingPlan&) = delete;

 private:
  std::string file_;
  MappingInfo info_;
  std::unique_ptr<const PlanBody> body_;
};

}  // namespace lienthong::mapping
