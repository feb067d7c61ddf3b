// Code tables for mappings (docs/mapping.md MAP-6): JSON files under
// mappings/tables/ that translate codes of one system (e.g. HL7 v2 table 0001)
// into another (FHIR administrative-gender), loaded once when mappings compile.
//
// Thread-safety: a loaded CodeTable / CodeTables is immutable and may be read
// from any thread; loading happens at start-up.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/result.h"

namespace lienthong::mapping {

struct CodeEntry {
  std::string code;     // the output code
  std::string display;  // optional
  std::string system;   // optional: overrides the table's target_system for this entry
};

class CodeTable {
 public:
  // Parses a table file's text (JSON with comments). Errors name `file_name`,
  // the JSON path and what was expected, one per line in Error::message.
  static Result<CodeTable> parse(std::string_view json, std::string file_name);

  const std::string& name() const { return name_; }
  const std::string& source_system() const { return source_system_; }
  const std::string& target_system() const { return target_system_; }

  // The entry for `code` (case-insensitively when the table says so), else the
  // default entry if the table has one, else nullopt.
  const CodeEntry* find(std::string_view code) const;

 private:
  std::string name_;
  std::string source_system_, target_system_;
  bool case_insensitive_ = false;
  // Hashed, with lookups by view: a run looks codes up thousands of times.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, CodeEntry, TextHash, std::equal_to<>> entries_;
  std::optional<CodeEntry> default_;
};

// Every table of a directory, loaded on first use by name ("v2-0001" ->
// <dir>/v2-0001.json).
class CodeTables {
 public:
  explicit CodeTables(std::filesystem::path dir);
  // The table, or an error (missing file, does not parse) naming the file.
  Result<std::shared_ptr<const CodeTable>> get(std::string_view name);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::shared_ptr<const CodeTable>, std::less<>> loaded_;
};

}  // namespace lienthong::mapping
