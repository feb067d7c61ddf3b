// The nodes of a compiled mapping (docs/mapping.md MAP-1, MAP-2): one node per
// skeleton value, each remembering where it was written so explain records and
// rejections can name the mapping file and JSON path.
//
// Thread-safety: immutable after compile; shared by concurrent runs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/mapping/expr.h"
#include "engine/mapping/step_order.h"
#include "engine/mapping/value.h"

namespace lienthong::mapping {

// Where a node was written: "mappings/hl7v2/adt_a01.json", "$.entry[0].resource.gender".
struct SourceRef {
  std::shared_ptr<const std::string> file;
  std::string json_path;
  std::string text;  // the expression or string as written (for explain)

  std::string where() const { return (file ? *file : std::string()) + ": " + json_path; }
};

enum class NodeKind : std::uint8_t {
  kLiteral,     // literal: text, number, boolean, or empty for null
  kExpression,  // expr: "${expr}" or a bare expression; output with its type
  kTemplate,    // pieces: text joined, empty when any expression is empty
  kObject,      // steps (then those of a merged include), then value or members
  kArray,       // items (an item with a loop contributes one element per iteration)
  kInclude,     // include: an included file whose skeleton is not an object, in place of a value
};

struct Node;

// $let and $if, in the order they apply (MAP-2: $let before $if; an included
// object's own steps follow the including object's).
struct Step {
  enum class Kind : std::uint8_t { kLet, kIf };
  Kind kind = Kind::kLet;
  std::uint32_t slot = 0;            // kLet
  std::unique_ptr<Node> value;       // kLet
  std::unique_ptr<Expr> condition;   // kIf
  // value->expr when the value is an expression (most are): evaluated
  // without reading its node, one miss fewer per $let.
  const Expr* value_expr = nullptr;
  SourceRef source;
};

// $for / $as / $until on an element of an array.
struct Loop {
  std::unique_ptr<Expr> items;
  std::uint32_t slot = 0;                 // where the current item is bound ($as, default `it`)
  std::vector<std::uint32_t> until;       // packed segment ids that also end an item's span
  SourceRef source;
};

// What writing a member reads first: its node, its expression, its key.
struct Member {
  const Node* value = nullptr;
  // value->expr when the value is an expression: written without reading its node.
  const Expr* value_expr = nullptr;
  std::string json_key;  // the key as written out: "\"key\":"
  std::string key;
  std::unique_ptr<Node> owned;  // null for a member of an included file (that file's plan owns it)
};

// One place where a file is included (MAP-2 $include). Each file is compiled
// once, whatever the number of places that include it: the names it uses but
// does not bind are its parameters, with slots of their own, and a run copies
// into them the values those names have at the place (`bindings`: parameter
// slot <- slot at the place) when it enters the file.
// What a file reads besides its parameters (include_reads.h).
struct IncludeReads {
  bool span = false;      // a relative path somewhere
  bool position = false;  // segment_index() or a function with an effect somewhere
};

struct IncludeUse {
  const Node* root = nullptr;  // owned by PlanBody::included
  std::uint32_t file = 0;      // root's index in PlanBody::included (IncludeMemo)
  IncludeReads reads;          // the file's
  // Compiled for this place alone, in its scope (Compiler::merge_include): the
  // file reads the place's names directly, so it has no parameters to key an
  // IncludeMemo entry by, and its value is never looked up there.
  bool private_copy = false;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> bindings;
};

// Fields a run reads first, what explain and errors read last: a run walks
// thousands of nodes, and the first cache line of each serves most visits.
struct Node {
  NodeKind kind = NodeKind::kLiteral;
  bool items_unique = false;  // some item carries a $unique key: the array keeps a set
  std::unique_ptr<Expr> expr;
  std::unique_ptr<Loop> loop;  // only on elements of arrays
  // An included object merged into this one: its steps follow this object's,
  // its members are in `members` (overridden by this object's own keys).
  std::unique_ptr<IncludeUse> include;
  // $unique: the element's key (an expression or a template node), checked
  // after the steps against the keys the enclosing array has output (MAP-2);
  // this object's own (unique_owned) or that of the object it merges.
  const Node* unique = nullptr;
  std::unique_ptr<Node> value;  // $value, or an included skeleton that is not an object
  // The steps (with the merged file's) split into those that decide whether
  // the object is written and the rest (step_order.h); null: in written order.
  std::unique_ptr<const StepOrder> order;
  std::vector<Step> steps;
  std::vector<Member> members;
  std::vector<std::unique_ptr<Node>> items;
  std::vector<TemplatePiece> pieces;
  std::string literal_json;  // the literal as written out; empty when it is pruned (null, "")
  Value literal;

  std::unique_ptr<Node> unique_owned;
  std::string literal_text;  // the text `literal` views, for a string literal
  SourceRef source;
};

// The expression `node` is, when it is one (Step::value_expr, Member::value_expr).
inline const Expr* expression_of(const Node* node) {
  return node != nullptr && node->kind == NodeKind::kExpression ? node->expr.get() : nullptr;
}

// Whether `node`, as an element of an array, carries a $unique key (its own,
// or that of the included file its $value stands for).
inline bool carries_unique_key(const Node& node) {
  if (node.unique != nullptr) return true;
  if (!node.value) return false;
  if (node.value->kind == NodeKind::kInclude) return carries_unique_key(*node.value->include->root);
  return node.value->kind == NodeKind::kObject && carries_unique_key(*node.value);
}

struct PlanBody {
  std::unique_ptr<Node> root;
  std::vector<std::unique_ptr<Node>> included;  // each included file's skeleton, once
  std::uint32_t slot_count = 0;
  std::uint32_t constant_count = 0;  // run constants (run_constants.h)
};

// A segment id as one number, for fast comparisons at run time.
inline std::uint32_t pack_segment_id(const char* id) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(id[0])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(id[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(id[2]));
}

}  // namespace lienthong::mapping
