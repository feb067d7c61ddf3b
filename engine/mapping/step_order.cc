#include "engine/mapping/step_order.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string_view>

#include "engine/mapping/functions.h"
#include "engine/mapping/plan_nodes.h"

namespace lienthong::mapping {
namespace {

using Slots = std::set<std::uint32_t>;

// What running a piece of the plan may touch: the slots it reads, the slots
// it may write, and whether it can reject or warn.
struct Effects {
  Slots reads;
  Slots writes;
  bool pure = true;

  void add(const Effects& other) {
    reads.insert(other.reads.begin(), other.reads.end());
    writes.insert(other.writes.begin(), other.writes.end());
    pure = pure && other.pure;
  }
};

bool intersects(const Slots& a, const Slots& b) {
  for (std::uint32_t s : a) {
    if (b.count(s) != 0) return true;
  }
  return false;
}

class Analysis {
 public:
  void expr(const Expr& e, Effects& out) {
    if (e.kind == ExprKind::kName) out.reads.insert(e.slot);
    if (e.kind == ExprKind::kCall && has_side_effect(e.function)) out.pure = false;
    for (const auto& operand : e.operands) expr(*operand, out);
  }

  // Everything running `node` (emitting or building it) may touch.
  const Effects& node(const Node& n) {
    auto found = memo_.find(&n);
    if (found != memo_.end()) return found->second;
    // A file that (wrongly) reaches itself is seen as impure rather than walked forever.
    memo_[&n].pure = false;
    Effects e;
    if (n.expr) expr(*n.expr, e);
    for (const TemplatePiece& piece : n.pieces) {
      if (piece.expr) expr(*piece.expr, e);
    }
    if (n.loop) {
      expr(*n.loop->items, e);
      e.writes.insert(n.loop->slot);
    }
    for (const Step& step : n.steps) e.add(this->step(step));
    if (n.include) e.add(use(*n.include));
    if (n.unique) e.add(node(*n.unique));
    if (n.value) e.add(node(*n.value));
    for (const Member& m : n.members) {
      if (m.value) e.add(node(*m.value));
    }
    for (const auto& item : n.items) e.add(node(*item));
    Effects& kept = memo_[&n];
    kept = std::move(e);
    return kept;
  }

  Effects step(const Step& s) {
    Effects e;
    if (s.kind == Step::Kind::kLet) {
      e.writes.insert(s.slot);
      if (s.value) e.add(node(*s.value));
    } else if (s.condition) {
      expr(*s.condition, e);
    }
    return e;
  }

  // Binding a file's parameters, then running it.
  Effects use(const IncludeUse& u) {
    Effects e = binding(u);
    if (u.root != nullptr) e.add(node(*u.root));
    return e;
  }

  // Only the binding of a file's parameters (the copy at its entry).
  static Effects binding(const IncludeUse& u) {
    Effects e;
    for (const auto& [parameter, slot] : u.bindings) {
      e.writes.insert(parameter);
      e.reads.insert(slot);
    }
    return e;
  }

 private:
  std::map<const Node*, Effects> memo_;
};

struct Op {
  StepOp op;
  Effects effects;
  Slots must_write;  // written whatever happens: a $let's own slot, a file's parameters
  bool gate = false;  // an $if
};

// The object's steps in the order prepare() runs them (interpreter.cc).
void flatten(const Node& n, Analysis& analysis, std::vector<Op>& ops) {
  for (const Step& s : n.steps) {
    Op op;
    op.op.step = &s;
    op.effects = analysis.step(s);
    if (s.kind == Step::Kind::kLet) {
      op.must_write.insert(s.slot);
    } else {
      op.gate = true;
    }
    ops.push_back(std::move(op));
  }
  if (!n.include) return;
  Op bind;
  bind.op.use = n.include.get();
  bind.effects = Analysis::binding(*n.include);
  bind.must_write = bind.effects.writes;
  ops.push_back(std::move(bind));
  if (n.include->root != nullptr) flatten(*n.include->root, analysis, ops);
}

std::unique_ptr<StepOrder> order_of(const Node& n, Analysis& analysis) {
  std::vector<Op> ops;
  flatten(n, analysis, ops);
  std::size_t gates_end = 0;  // one past the last $if
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].gate) gates_end = i + 1;
  }
  if (n.unique == nullptr && gates_end == 0) return nullptr;
  // With a key, the original order runs every step before learning the
  // element is a duplicate: all must be pure. Without one, a step after the
  // last $if runs in both orders exactly when every $if holds (it stays late).
  const std::size_t must_be_pure = n.unique != nullptr ? ops.size() : gates_end;
  for (std::size_t i = 0; i < must_be_pure; ++i) {
    if (!ops[i].effects.pure) return nullptr;
  }
  Slots needed;
  if (n.unique != nullptr) {
    const Effects& key = analysis.node(*n.unique);
    if (!key.pure) return nullptr;
    needed = key.reads;
  }
  // Backward slice: an op is early when it is a gate or may write a slot an
  // early op after it (or the key) reads.
  std::vector<bool> early(ops.size(), false);
  for (std::size_t i = ops.size(); i-- > 0;) {
    const Op& op = ops[i];
    if (!op.gate && !intersects(op.effects.writes, needed)) continue;
    early[i] = true;
    for (std::uint32_t s : op.must_write) needed.erase(s);
    needed.insert(op.effects.reads.begin(), op.effects.reads.end());
  }
  if (std::find(early.begin(), early.end(), false) == early.end()) return nullptr;  // nothing to put off
  // A late op that came before an early one now runs after it: it must not
  // see or overwrite what that early op writes (nor write what it reads).
  for (std::size_t r = 0; r < ops.size(); ++r) {
    if (early[r]) continue;
    for (std::size_t u = r + 1; u < ops.size(); ++u) {
      if (!early[u]) continue;
      const Effects& a = ops[r].effects;
      const Effects& b = ops[u].effects;
      if (intersects(b.writes, a.reads) || intersects(b.writes, a.writes) || intersects(a.writes, b.reads)) return nullptr;
    }
  }
  auto order = std::make_unique<StepOrder>();
  for (std::size_t i = 0; i < ops.size(); ++i) (early[i] ? order->early : order->late).push_back(ops[i].op);
  return order;
}

void visit(Node& n, Analysis& analysis) {
  if (n.kind == NodeKind::kObject) n.order = order_of(n, analysis);
  for (Step& s : n.steps) {
    if (s.value) visit(*s.value, analysis);
  }
  if (n.unique_owned) visit(*n.unique_owned, analysis);
  if (n.value) visit(*n.value, analysis);
  for (Member& m : n.members) {
    if (m.owned) visit(*m.owned, analysis);
  }
  for (auto& item : n.items) visit(*item, analysis);
}

}  // namespace

void order_steps(PlanBody& body) {
  Analysis analysis;
  if (body.root) visit(*body.root, analysis);
  for (auto& included : body.included) visit(*included, analysis);
}

}  // namespace lienthong::mapping
