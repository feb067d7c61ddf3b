#include "engine/mapping/include_reads.h"

#include <set>
#include <string_view>

#include "engine/mapping/functions.h"

namespace lienthong::mapping {
namespace {

class Walk {
 public:
  IncludeReads reads;

  void expr(const Expr* e) {
    if (e == nullptr) return;
    if (e->kind == ExprKind::kPath && !e->absolute) reads.span = true;
    if (e->kind == ExprKind::kCall &&
        (e->function == nullptr || e->function->name == "segment_index" || has_side_effect(e->function))) {
      reads.position = true;
    }
    for (const auto& operand : e->operands) expr(operand.get());
  }

  void node(const Node* n) {
    if (n == nullptr || !seen_.insert(n).second) return;
    expr(n->expr.get());
    for (const TemplatePiece& piece : n->pieces) expr(piece.expr.get());
    if (n->loop) expr(n->loop->items.get());
    for (const Step& step : n->steps) {
      expr(step.condition.get());
      node(step.value.get());
    }
    if (n->include) node(n->include->root);
    node(n->unique);
    node(n->value.get());
    for (const Member& m : n->members) node(m.value);
    for (const auto& item : n->items) node(item.get());
  }

 private:
  std::set<const Node*> seen_;
};

}  // namespace

IncludeReads include_reads(const Node& root) {
  Walk walk;
  walk.node(&root);
  return walk.reads;
}

}  // namespace lienthong::mapping
