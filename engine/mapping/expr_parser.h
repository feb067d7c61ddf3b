// Parsing expressions (docs/mapping.md MAP-3) and skeleton strings (MAP-1:
// literals, "${expr}", templates, "$${") into the tree of expr.h.
//
// Everything that can be checked before a message arrives is checked here:
// paths (hl7v2::parse_path), names (through the compiler's scope), functions
// and their argument counts, code tables, regular expressions. The first
// mistake in a string stops its parse; the error carries the 1-based column
// inside the string so the compiler can point at it.
//
// Thread-safety: stateless functions; the scope is the caller's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/result.h"
#include "engine/mapping/expr.h"

namespace lienthong::mapping {

struct ExprError {
  std::string message;
  std::size_t column = 0;  // 1-based, in the string given to the parser
};

// What the compiler knows at the place of an expression.
class ExprScope {
 public:
  virtual ~ExprScope() = default;
  // The slot of a binding (`it`, a $let name, a $as name) visible here;
  // `offset`: where the name starts in the string being parsed.
  virtual std::optional<std::uint32_t> find_name(std::string_view name, std::size_t offset) = 0;
  // A code table by name (MAP-6.2: a missing or broken table is an error).
  virtual Result<std::shared_ptr<const CodeTable>> table(std::string_view name) = 0;
  // A compiled regular expression (engine/base/regex.h); an error says why it does not compile.
  virtual Result<std::shared_ptr<const Regex>> regex(const std::string& pattern) = 0;
  // False when the mapping's input is JSON (MAP-11): HL7 paths are then errors.
  virtual bool hl7_input() const { return true; }
  // A new slot for a run constant (run_constants.h), or none: then nothing is wrapped.
  virtual std::optional<std::uint32_t> constant_slot() { return std::nullopt; }
};

// A bare expression: the value of $if, $for, and of $let/$value strings without "${".
Result<std::unique_ptr<Expr>, ExprError> parse_expression(std::string_view source, ExprScope& scope);

// A skeleton string: literal, exactly one "${expr}", or a template.
Result<StringForm, ExprError> parse_string(std::string_view source, ExprScope& scope);

}  // namespace lienthong::mapping
