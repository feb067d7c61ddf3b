// The expression tree of the mapping language (docs/mapping.md MAP-3), as the
// parser builds it: paths already parsed into hl7v2::Path, names already
// resolved to binding slots, functions bound to their implementation, code
// tables loaded and regular expressions compiled. Nothing is looked up by name
// or re-parsed when it runs.
//
// Thread-safety: immutable after compile; shared by concurrent runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/regex.h"
#include "engine/hl7v2/path.h"
#include "engine/mapping/value.h"

namespace lienthong::mapping {

class CodeTable;
class JsonPath;
struct FunctionSpec;

enum class ExprKind : std::uint8_t {
  kLiteral,   // literal
  kPath,      // path (absolute: resolved in the whole message, MAP-4)
  kName,      // slot
  kMember,    // operands[0] '.' member (member_number > 0 for `.4`)
  kIndex,     // operands[0] '[' operands[1] ']'
  kNot,       // 'not' operands[0]
  kAnd,       // operands[0] and operands[1]
  kOr,        // operands[0] or operands[1]
  kCoalesce,  // first non-empty of operands (`??`, coalesce())
  kCompare,   // operands[0] compare operands[1]
  kIn,        // operands[0] in operands[1]
  kMatches,   // operands[0] matches regex
  kAdd,       // operands[0] + operands[1]
  kSubtract,  // operands[0] - operands[1]
  kCall,      // function(operands...)
  kList,      // [operands...] (a list of literals only is parsed as one kLiteral)
  kConstant,  // operands[0], a part that reads only the message: computed once per run (slot; run_constants.h)
};

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// What evaluating reads of every node comes first (kind, slot, function,
// operands, member number, the first two operands: one cache line, which the
// alignment makes a whole line), then what some kinds read (literal, path),
// then what only compile, lookups and errors use: a run walks thousands of
// these, rarely in cache.
struct alignas(64) Expr {
  ExprKind kind = ExprKind::kLiteral;
  CompareOp compare = CompareOp::kEq;
  bool absolute = false;
  bool occurrence_given = false;  // "OBR[2]" / "OBR[*]" as opposed to "OBR"
  std::uint32_t slot = 0;
  const FunctionSpec* function = nullptr;
  std::vector<std::unique_ptr<Expr>> operands;
  std::size_t member_number = 0;
  // operands[0] and [1] again (null when absent), set by the parser once the
  // tree is whole: most nodes have one or two operands, and reading them here
  // saves a miss on the operands' own array.
  const Expr* first_operands[2] = {nullptr, nullptr};

  // Operand i, read from this node's first line when it can be.
  const Expr& operand(std::size_t i) const { return i < 2 ? *first_operands[i] : *operands[i]; }

  Value literal;
  hl7v2::Path path;
  std::vector<Value> literal_items;  // the items `literal` views, for a list of literals

  std::uint32_t column = 0;  // 1-based position in the source string, for errors
  std::string literal_text;  // the text `literal` views, for a string literal
  std::string member;
  std::shared_ptr<const CodeTable> table;    // lookup / coding: bound at compile time
  std::shared_ptr<const Regex> regex;        // matches: compiled at compile time
  std::shared_ptr<const JsonPath> json_path;  // select: compiled at compile time
};

// One piece of a template string (MAP-1.3): literal text or an expression.
struct TemplatePiece {
  std::string text;            // when expr is null
  std::unique_ptr<Expr> expr;
  std::string json;            // `text` escaped for a JSON string (set by the compiler)
};

// A JSON string of the skeleton, classified by MAP-1.1..1.4.
struct StringForm {
  enum class Kind : std::uint8_t { kLiteral, kExpression, kTemplate };
  Kind kind = Kind::kLiteral;
  std::string literal;                // kLiteral (with `$${` already turned into `${`)
  std::unique_ptr<Expr> expr;         // kExpression: the string is exactly "${expr}"
  std::vector<TemplatePiece> pieces;  // kTemplate
};

}  // namespace lienthong::mapping
