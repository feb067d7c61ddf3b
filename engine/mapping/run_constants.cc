#include "engine/mapping/run_constants.h"

#include <cstddef>
#include <utility>
#include <vector>

#include "engine/mapping/functions.h"

namespace lienthong::mapping {
namespace {

void wrap(std::unique_ptr<Expr>& e, ExprScope& scope) {
  if (e->kind == ExprKind::kLiteral || e->kind == ExprKind::kPath) return;
  const std::optional<std::uint32_t> slot = scope.constant_slot();
  if (!slot) return;
  auto constant = std::make_unique<Expr>();
  constant->kind = ExprKind::kConstant;
  constant->slot = *slot;
  constant->column = e->column;
  constant->operands.push_back(std::move(e));
  e = std::move(constant);
}

// Whether `e` is a run constant; when it is not, its constant operands are wrapped.
bool visit(std::unique_ptr<Expr>& e, ExprScope& scope) {
  std::vector<bool> constant_operand(e->operands.size());
  bool all = true;
  for (std::size_t i = 0; i < e->operands.size(); ++i) {
    constant_operand[i] = visit(e->operands[i], scope);
    all = all && constant_operand[i];
  }
  bool constant = all;
  switch (e->kind) {
    case ExprKind::kPath:
      constant = e->absolute;
      break;
    case ExprKind::kName:
    case ExprKind::kConstant:
      constant = false;
      break;
    case ExprKind::kCall:
      constant = all && !has_side_effect(e->function);
      break;
    default:
      break;
  }
  if (!constant) {
    for (std::size_t i = 0; i < e->operands.size(); ++i) {
      if (constant_operand[i]) wrap(e->operands[i], scope);
    }
  }
  return constant;
}

}  // namespace

void wrap_run_constants(std::unique_ptr<Expr>& root, ExprScope& scope) {
  if (root && visit(root, scope)) wrap(root, scope);
}

}  // namespace lienthong::mapping
