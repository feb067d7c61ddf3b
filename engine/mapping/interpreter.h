// Interpreter: walks a compiled plan once for one message (docs/mapping.md
// MAP-1, MAP-2, MAP-4).
//
// The output is written as compact JSON text straight into a JsonBuffer; every
// emit returns whether it wrote something non-empty, and what turns out empty
// is cut back off the end (MAP-1.6), so pruning needs no tree and no second
// pass. Skeleton values bound by $let are the exception: they are built as
// JSON trees in the run's memory pool (build_*), because `.key`, `[n]`, `in`
// and later loops read into them; strings in those trees point at memory that
// lives for the run (the pool, the plan), so copying a tree copies no text.
//
// $unique (MAP-2): an array whose elements carry keys keeps the set of keys
// it has output; emit_array/build_array hand it to each element through
// unique_, and the element's object takes it (so it never reaches deeper
// arrays or objects), claims its key after its steps, and gives the key back
// when it turns out empty.
//
// Thread-safety: one Interpreter per run.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/mapping/evaluate.h"
#include "engine/mapping/json_text.h"
#include "engine/mapping/plan_nodes.h"
#include "engine/mapping/run.h"
#include "engine/mapping/run_state.h"
#include "engine/mapping/text_table.h"

namespace lienthong::mapping {

class Interpreter {
 public:
  using Json = rapidjson::Value;

  Interpreter(RunState& run, JsonBuffer& out, std::vector<ExplainRecord>* records)
      : run_(run), out_(out), records_(records), scratch_(run.buffers().scratch), text_(run.buffers().template_text) {}

  // Writes `node`'s output; false (nothing written) when it is empty.
  bool emit(const Node& node);

 private:
  // Text output (interpreter.cc).
  bool emit_expression(const Node& node, const Expr& expr);
  bool emit_value(const Value& v);
  bool emit_template(const Node& node);
  // The text of `v` (MAP-3.6) escaped for JSON, without quotes; false when it is empty.
  bool append_text(const Value& v);
  bool emit_object(const Node& node);
  bool emit_members(const Node& node);
  bool emit_array(const Node& node);
  bool close(std::size_t start, bool any, char bracket);
  void record(const Node& node, bool written);  // with explain only

  // JSON trees for $let skeletons (build_tree.cc).
  bool build(const Node& node, Json& out);
  bool build_value(const Value& v, Json& out);
  bool build_object(const Node& node, Json& out);
  bool build_array(const Node& node, Json& out);

  // Shared by both.
  // $let and $if of an object, in order, then those of the included object it
  // merges (with that file's parameters bound); false when an $if is false or
  // the run was rejected.
  bool prepare(const Node& node);
  // One $let or $if step; false when an $if is false or the run was rejected.
  bool run_step(const Step& step);
  bool apply_steps(const Node& node);
  // Entering an included file: its parameters get the values of the names at the place.
  void bind(const IncludeUse& use) {
    for (const auto& [parameter, slot] : use.bindings) run_.slots[parameter] = run_.slots[slot];
  }

  // The keys an array has output (MAP-2 $unique), in the run's pool.
  using UniqueKeys = TextTable;
  // An element's claim on its key, given back (release) when the element is empty.
  struct KeyClaim {
    UniqueKeys* keys = nullptr;
    std::string_view key;
    void release() {
      if (keys != nullptr) keys->erase(key);
    }
  };
  // Claims `node`'s key in `keys` (null: the object is not an element of a
  // keyed array). False when an earlier element had the key or the run was rejected.
  bool claim_key(const Node& node, UniqueKeys* keys, KeyClaim& claim) {
    return node.unique == nullptr || keys == nullptr || claim_key_slow(*node.unique, *keys, claim);
  }
  bool claim_key_slow(const Node& key, UniqueKeys& keys, KeyClaim& claim);
  // prepare() then claim_key(), or, for an object with a StepOrder, its early
  // steps, the claim, then its late steps (step_order.h): false when the
  // object is not written.
  bool prepare_and_claim(const Node& node, UniqueKeys* keys, KeyClaim& claim);
  bool run_ops(const std::vector<StepOp>& ops);
  // MAP-2 $for: calls `each()` once per non-empty item with the item bound and,
  // for a segment item, the span narrowed to it (MAP-4.3).
  template <class Each>
  void for_each_item(const Node& node, Each&& each);
  void narrow_span(std::size_t first, const Loop& loop);
  Value binding(const Node& node);
  // The value of an included file bound by $let, from the run's IncludeMemo
  // when the file already ran for this span and these parameter values: a
  // file whose skeleton is {"$value": expr} (with $let, $if) gives the
  // expression's value as it is; any other, the JSON it builds.
  Value included_value(const IncludeUse& use);
  // The text of a template (MAP-1.3) into text_; false when any expression is empty.
  bool template_text(const Node& node);

  RunState& run_;
  JsonBuffer& out_;
  std::vector<ExplainRecord>* records_;
  std::string path_ = "$";  // the output path, maintained only for explain
  std::string& scratch_;
  std::string& text_;
  // The keys of the array whose element is about to be written, taken (and
  // cleared) by the element's object.
  UniqueKeys* unique_ = nullptr;
};

template <class Each>
void Interpreter::for_each_item(const Node& node, Each&& each) {
  const Loop& loop = *node.loop;
  run_.where = &loop.source;
  const Value items = evaluate(*loop.items, run_);
  if (run_.rejected()) return;
  auto one = [&](const Value& item) {
    if (is_empty(item)) return;
    const std::size_t saved_begin = run_.span_begin, saved_end = run_.span_end;
    if (item.kind() == ValueKind::kElement && item.as_element().is_segment()) {
      narrow_span(item.as_element().segment, loop);
    }
    run_.slots[loop.slot] = item;
    each();
    run_.span_begin = saved_begin;
    run_.span_end = saved_end;
  };
  if (items.kind() == ValueKind::kList) {
    for (const Value& item : items.as_list()) {
      one(item);
      if (run_.rejected()) return;
    }
  } else if (items.kind() == ValueKind::kJson && items.as_json().IsArray()) {
    for (const Json& item : items.as_json().GetArray()) {
      one(Value::json(&item));
      if (run_.rejected()) return;
    }
  } else {
    one(items);
  }
}

}  // namespace lienthong::mapping
