// The mapping compiler behind MappingPlan::compile (plan.h): walks a mapping
// file's skeleton (docs/mapping.md MAP-1, MAP-2) into plan nodes
// (plan_nodes.h), collecting every mistake (MAP-9) as "FILE: $.json.path: what
// was expected".
//
// compiler.cc walks skeletons; compiler_scope.cc resolves names, code tables,
// regular expressions and $include files. Each included file is compiled once,
// detached from the places that include it: a name it uses without binding it
// becomes one of its parameters (a slot of its own), and each place that
// includes the file resolves the parameters in its own scope into the
// bindings a run copies on entry (IncludeUse). An unknown name is therefore
// reported where the place cannot resolve it, at the uses inside the file.
//
// Thread-safety: a Compiler serves one compile() call on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "engine/mapping/code_table.h"
#include "engine/mapping/expr_parser.h"
#include "engine/mapping/json_source.h"
#include "engine/mapping/plan.h"
#include "engine/mapping/plan_nodes.h"

namespace lienthong::mapping {

class Compiler final : public ExprScope {
 public:
  using Json = rapidjson::Value;
  using NodePtr = std::unique_ptr<Node>;

  explicit Compiler(const CompileOptions& options);

  Result<std::shared_ptr<const MappingPlan>> compile(const std::filesystem::path& path);

  // ExprScope (compiler_scope.cc).
  std::optional<std::uint32_t> find_name(std::string_view name, std::size_t offset) override;
  Result<std::shared_ptr<const Regex>> regex(const std::string& pattern) override;
  Result<std::shared_ptr<const CodeTable>> table(std::string_view name) override;
  bool hl7_input() const override { return input_ == "hl7v2"; }
  std::optional<std::uint32_t> constant_slot() override { return constants_++; }

 private:
  struct Binding {
    std::string name;
    std::uint32_t slot;
  };
  struct Place {
    bool array_element = false;
    bool top = false;
    // The top-level object of an included file: it may carry $unique (which
    // applies where the file is included as an element of an array) but not $for.
    bool element_root = false;
    // The value of a $let: an object that is only an $include (with $if or
    // $let) stands for the file's value instead of merging its members, so
    // the run can take it from IncludeMemo.
    bool binding = false;
  };
  struct ObjectKeys {
    const Json* for_items = nullptr;
    const Json* as = nullptr;
    const Json* until = nullptr;
    const Json* let = nullptr;
    const Json* condition = nullptr;
    const Json* include = nullptr;
    const Json* value = nullptr;
    const Json* unique = nullptr;
    std::vector<const Json::Member*> outputs;
  };
  // Where a name is written inside an included file, to report it there.
  struct NameUse {
    std::shared_ptr<const std::string> file;
    std::string path;
    std::string text;
    std::size_t column = 0;
  };
  // A name an included file uses without binding it.
  struct Parameter {
    std::string name;
    std::uint32_t slot = 0;
    std::vector<NameUse> uses;
  };
  // An included file being compiled, or compiled: its parameters.
  struct Unit {
    std::vector<Parameter> parameters;
  };
  struct CompiledInclude {
    const Node* root = nullptr;  // owned by included_
    std::uint32_t file = 0;      // its index in included_
    IncludeReads reads;
    std::vector<Parameter> parameters;
  };
  struct Included {
    std::string key;
    std::string shown;
  };

  // Skeletons (compiler.cc).
  void error(const std::string& path, const std::string& what);
  void expr_error(const std::string& path, const ExprError& e, std::string_view text);
  SourceRef source(const std::string& path, std::string text = {}) const;
  NodePtr compile_value(const Json& v, const std::string& path, Place place);
  NodePtr compile_string(std::string_view text, const std::string& path, bool bare);
  std::unique_ptr<Expr> compile_expression(const Json& v, const std::string& path);
  NodePtr compile_array(const Json& v, const std::string& path);
  ObjectKeys sort_keys(const Json& v, const std::string& path, Place place);
  NodePtr compile_object(const Json& v, const std::string& path, Place place);
  void merge_include(Node& node, const ObjectKeys& k, const std::string& path, Place place);
  NodePtr compile_unique(const Json& v, const std::string& path, Place place);
  std::unique_ptr<Loop> compile_loop(const ObjectKeys& k, const std::string& path, Place place);
  void compile_lets(const Json& lets, const std::string& path, Node& node);
  MappingInfo read_info(const Json& v, const std::string& path);

  // Names and includes (compiler_scope.cc).
  struct IncludedFile {
    std::filesystem::path full;
    std::string shown;
    std::string key;
  };
  // The file `name` (relative to the mappings directory) names, its key cached.
  IncludedFile included_file(std::string_view name);
  // The file `v` names; none (with the error) when `v` is not a file name or
  // including it here would be a cycle.
  std::optional<IncludedFile> include_target(const Json& v, const std::string& path);
  // MAP-2 splice: when `element` (at `path`, an element of `array`) is an
  // $include of a file whose skeleton is an array, that array's elements are
  // compiled here, as if written in its place, into `array`; true then. False:
  // an ordinary element, for the caller to compile.
  bool splice_include(const Json& element, const std::string& path, Node& array);
  // The slot `name` has here: a binding in scope, else (inside an included
  // file) a parameter of that file, made on first use and noting `uses`.
  std::optional<std::uint32_t> resolve(std::string_view name, const std::vector<NameUse>& uses);
  // The file `v` names, compiled (once), with its parameters bound in the
  // current scope; nullptr when it cannot be included. `private_copy`: compile
  // it again, in the current scope, for this place alone (see merge_include).
  std::unique_ptr<IncludeUse> compile_include(const Json& v, const std::string& path, Place place,
                                              bool private_copy);

  CompileOptions options_;
  std::shared_ptr<CodeTables> tables_;
  JsonSources sources_;
  std::vector<std::string> errors_;
  std::vector<Binding> scope_;  // of the file being compiled
  std::vector<Unit> units_;     // the included files being compiled, innermost last
  std::vector<Included> include_stack_;
  std::map<std::string, CompiledInclude> includes_;  // by file_key
  std::map<std::string, std::string> file_keys_;     // shown name -> file_key
  std::vector<NodePtr> included_;                   // their skeletons, for the plan
  int private_depth_ = 0;                           // > 0 while compiling a private copy
  std::set<std::string> broken_tables_;
  std::uint32_t slots_ = 0;
  std::uint32_t constants_ = 0;  // run-constant slots (run_constants.h)
  std::shared_ptr<const std::string> file_;
  // The string being parsed, for parameters' uses.
  const std::string* parsing_path_ = nullptr;
  std::string_view parsing_text_;
  std::string input_ = "hl7v2";  // $mapping.input of the file being compiled (MAP-11)
};

}  // namespace lienthong::mapping
