// Run constants (docs/mapping.md MAP-3.9): a part of an expression that reads
// only the message and literals (`/MSH-17 in ['VNM', 'VN']`, a list of
// literals, `lookup('v2-0203', /MSH-9.1)`) has one value for a whole run.
// Parsing ends by wrapping each largest such part, unless it is a literal or
// a lone path (nothing to save), in a kConstant node with a slot of its own;
// a run computes it when first asked and reads the slot after
// (RunState::constant). Included files are compiled once, so a part written
// in one is computed once per run wherever the file is included.
//
// Not constant: names (bindings and loop items differ from place to place),
// paths without '/' (they read the current span, MAP-4), and calls of
// functions with an effect besides their value (a rejection or a warning:
// has_side_effect()).
//
// Thread-safety: compile time only.
#pragma once

#include <memory>

#include "engine/mapping/expr.h"
#include "engine/mapping/expr_parser.h"

namespace lienthong::mapping {

// Wraps the run constants of a parsed tree (before link_operands); slots come
// from scope.constant_slot(), and none are wrapped when it gives none.
void wrap_run_constants(std::unique_ptr<Expr>& root, ExprScope& scope);

}  // namespace lienthong::mapping
