// Step order: which of an object's steps decide whether it is written at all,
// so a run can decide first and skip the rest when the answer is no
// (docs/mapping.md MAP-2: $let, $if, $unique).
//
// An object runs its $let and $if steps in order, then those of the file it
// merges (after binding that file's parameters), then claims its $unique key.
// Most of those $let values only feed the output; an $if false or a key some
// earlier element had discards them all. order_steps() gives each object
// whose steps allow it a StepOrder: `early` holds the $if steps and the steps
// they and the key read (a backward slice over the slots), `late` the rest, in
// their original order. A run does early, claims the key, then late: the same
// values, the same output, less work for the elements that are not written.
//
// Only when nothing can tell the difference: every step, condition and key
// of the object is free of side effects (no required(), error(), or time
// function that may warn), and no late step reads or writes a slot an early
// step that came after it writes (so moving the early ones ahead changes no
// value). Otherwise the object keeps its written order.
//
// Thread-safety: runs once inside compile(), before the plan is shared.
#pragma once

#include <vector>

namespace lienthong::mapping {

struct Step;
struct IncludeUse;
struct PlanBody;

// One step of an object's sequence: a $let or $if (`step`), or the binding of
// a merged file's parameters (`use`).
struct StepOp {
  const Step* step = nullptr;
  const IncludeUse* use = nullptr;
};

struct StepOrder {
  std::vector<StepOp> early;  // run first, then the key is claimed
  std::vector<StepOp> late;   // run once the object is known to be written
};

// Sets Node::order on every object of the plan where it applies.
void order_steps(PlanBody& body);

}  // namespace lienthong::mapping
