// Evaluating an expression tree (expr.h) against one run (docs/mapping.md MAP-3,
// MAP-4): paths resolve in the run's current span (or the whole message for
// `/PATH`), names read the run's slots, functions run with evaluated arguments.
//
// A rejection (required/error) is recorded in the RunState; evaluation then
// keeps returning values, and the interpreter stops at its next check.
//
// Thread-safety: touches only the RunState given.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

#include "engine/hl7v2/path.h"
#include "engine/mapping/expr.h"
#include "engine/mapping/run_state.h"
#include "engine/mapping/value.h"

namespace lienthong::mapping {

Value evaluate(const Expr& expr, RunState& run);

// The value of `expr` without copying a binding or a literal: a name gives its
// slot itself, a literal the plan's value; anything else is evaluated into
// `holder`. Valid until the slot or holder changes.
inline const Value& evaluate_ref(const Expr& expr, RunState& run, Value& holder) {
  if (expr.kind == ExprKind::kName) return run.slots[expr.slot];
  if (expr.kind == ExprKind::kLiteral) return expr.literal;
  // Built in the holder itself, not copied there (see Value::element_made).
  new (&holder) Value(evaluate(expr, run));
  return holder;
}

// The elements `path` selects in segments [begin, end), in message order, as
// one element (or empty) for a path without [*], else a list (in the run's pool).
Value select_path(RunState& run, const hl7v2::Path& path, std::size_t begin, std::size_t end);

// MAP-3.4: compares numbers when one side is a number and the other reads as one, else text.
int compare_values(RunState& run, const Value& a, const Value& b);
bool equal_values(RunState& run, const Value& a, const Value& b);

}  // namespace lienthong::mapping
