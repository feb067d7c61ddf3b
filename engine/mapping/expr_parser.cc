#include "engine/mapping/expr_parser.h"

#include <utility>

#include "engine/mapping/expr_lexer.h"
#include "engine/mapping/functions.h"
#include "engine/mapping/run_constants.h"

namespace lienthong::mapping {
namespace {

using ExprPtr = std::unique_ptr<Expr>;

// Recursive descent over the grammar of MAP-3, lowest precedence first. The
// first error is kept and every level returns nullptr from then on.
class Parser {
 public:
  Parser(std::string_view source, std::size_t offset, ExprScope& scope)
      : source_(source), lexer_(source, offset), scope_(scope) {
    advance();
  }

  ExprPtr expression() { return coalesce(); }

  const Token& current() const { return token_; }
  bool failed() const { return error_.has_value(); }
  ExprError take_error() { return std::move(*error_); }
  std::size_t position() const { return lexer_.position(); }

  ExprPtr fail(std::size_t offset, std::string message) {
    if (!error_) error_ = ExprError{std::move(message), offset + 1};
    return nullptr;
  }
  ExprPtr unexpected(std::string_view expected) {
    if (token_.kind == TokenKind::kError) return fail(token_.offset, token_.text);
    std::string found = token_.kind == TokenKind::kEnd ? "the end" : describe(token_);
    return fail(token_.offset, "expected " + std::string(expected) + ", found " + found);
  }

 private:
  static std::string describe(const Token& t) {
    if (t.kind == TokenKind::kString) return "the string '" + t.text + "'";
    return "'" + t.text + "'";
  }

  void advance() { token_ = lexer_.next(); }
  bool accept(TokenKind kind) {
    if (token_.kind != kind) return false;
    advance();
    return true;
  }

  static ExprPtr node(ExprKind kind, std::size_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->column = static_cast<std::uint32_t>(offset + 1);
    return e;
  }
  static ExprPtr binary(ExprKind kind, std::size_t offset, ExprPtr left, ExprPtr right) {
    ExprPtr e = node(kind, offset);
    e->operands.push_back(std::move(left));
    e->operands.push_back(std::move(right));
    return e;
  }

  ExprPtr coalesce() {
    ExprPtr first = or_expr();
    if (!first || token_.kind != TokenKind::kCoalesce) return first;
    ExprPtr e = node(ExprKind::kCoalesce, token_.offset);
    e->operands.push_back(std::move(first));
    while (accept(TokenKind::kCoalesce)) {
      ExprPtr next = or_expr();
      if (!next) return nullptr;
      e->operands.push_back(std::move(next));
    }
    return e;
  }

  ExprPtr or_expr() {
    ExprPtr left = and_expr();
    while (left && token_.kind == TokenKind::kOr) {
      const std::size_t at = token_.offset;
      advance();
      ExprPtr right = and_expr();
      if (!right) return nullptr;
      left = binary(ExprKind::kOr, at, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr and_expr() {
    ExprPtr left = not_expr();
    while (left && token_.kind == TokenKind::kAnd) {
      const std::size_t at = token_.offset;
      advance();
      ExprPtr right = not_expr();
      if (!right) return nullptr;
      left = binary(ExprKind::kAnd, at, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr not_expr() {
    if (token_.kind != TokenKind::kNot) return comparison();
    const std::size_t at = token_.offset;
    advance();
    ExprPtr operand = not_expr();
    if (!operand) return nullptr;
    ExprPtr e = node(ExprKind::kNot, at);
    e->operands.push_back(std::move(operand));
    return e;
  }

  ExprPtr comparison() {
    ExprPtr left = additive();
    if (!left) return nullptr;
    const std::size_t at = token_.offset;
    CompareOp op = CompareOp::kEq;
    switch (token_.kind) {
      case TokenKind::kEq: op = CompareOp::kEq; break;
      case TokenKind::kNe: op = CompareOp::kNe; break;
      case TokenKind::kLt: op = CompareOp::kLt; break;
      case TokenKind::kLe: op = CompareOp::kLe; break;
      case TokenKind::kGt: op = CompareOp::kGt; break;
      case TokenKind::kGe: op = CompareOp::kGe; break;
      case TokenKind::kIn: {
        advance();
        ExprPtr right = additive();
        if (!right) return nullptr;
        return binary(ExprKind::kIn, at, std::move(left), std::move(right));
      }
      case TokenKind::kMatches:
        advance();
        return matches(std::move(left), at);
      default:
        return left;
    }
    advance();
    ExprPtr right = additive();
    if (!right) return nullptr;
    ExprPtr e = binary(ExprKind::kCompare, at, std::move(left), std::move(right));
    e->compare = op;
    return e;
  }

  // The pattern must be a string literal so it is compiled (and checked) now.
  ExprPtr matches(ExprPtr left, std::size_t at) {
    if (token_.kind != TokenKind::kString) return unexpected("a regular expression in quotes after 'matches'");
    const Token pattern = token_;
    advance();
    ExprPtr e = node(ExprKind::kMatches, at);
    e->operands.push_back(std::move(left));
    auto compiled = scope_.regex(pattern.text);
    if (!compiled.ok()) {
      return fail(pattern.offset, "bad regular expression '" + pattern.text + "': " + compiled.error().message);
    }
    e->regex = *compiled;
    return e;
  }

  ExprPtr additive() {
    ExprPtr left = postfix();
    while (left && (token_.kind == TokenKind::kPlus || token_.kind == TokenKind::kMinus)) {
      const ExprKind kind = token_.kind == TokenKind::kPlus ? ExprKind::kAdd : ExprKind::kSubtract;
      const std::size_t at = token_.offset;
      advance();
      ExprPtr right = postfix();
      if (!right) return nullptr;
      left = binary(kind, at, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr postfix() {
    ExprPtr e = primary();
    while (e) {
      if (token_.kind == TokenKind::kDot) {
        const std::size_t at = token_.offset;
        advance();
        ExprPtr m = node(ExprKind::kMember, at);
        if (token_.kind == TokenKind::kNumber) {
          m->member_number = std::stoul(token_.text.substr(0, 5));
          if (m->member_number == 0) return fail(token_.offset, "positions count from 1");
        } else if (token_.kind == TokenKind::kName) {
          m->member = token_.text;
        } else {
          return unexpected("a key name or a component number after '.'");
        }
        advance();
        m->operands.push_back(std::move(e));
        e = std::move(m);
      } else if (token_.kind == TokenKind::kLBracket) {
        const std::size_t at = token_.offset;
        advance();
        ExprPtr index = expression();
        if (!index) return nullptr;
        if (!accept(TokenKind::kRBracket)) return unexpected("']'");
        e = binary(ExprKind::kIndex, at, std::move(e), std::move(index));
      } else {
        break;
      }
    }
    return e;
  }

  // A list of literals (`x in ['A', 'B']`) is one literal: built once here
  // instead of item by item into the run's memory at every evaluation. Its
  // items view the operands' texts, so the operands stay.
  static void fold_literal_list(Expr& list) {
    for (const auto& item : list.operands) {
      if (item->kind != ExprKind::kLiteral) return;
    }
    list.literal_items.reserve(list.operands.size());
    for (const auto& item : list.operands) list.literal_items.push_back(item->literal);
    list.kind = ExprKind::kLiteral;
    list.literal = Value::list(std::span<const Value>(list.literal_items.data(), list.literal_items.size()));
  }

  ExprPtr literal(Value v, std::size_t at) {
    ExprPtr e = node(ExprKind::kLiteral, at);
    e->literal = std::move(v);
    advance();
    return e;
  }

  ExprPtr primary() {
    const Token t = token_;
    switch (t.kind) {
      case TokenKind::kPath:
        advance();
        return path(t, false, t.offset);
      case TokenKind::kSlash:
        advance();
        if (token_.kind != TokenKind::kPath) return unexpected("a path such as PID-3 after '/'");
        {
          const Token p = token_;
          advance();
          return path(p, true, t.offset);
        }
      case TokenKind::kString: {
        ExprPtr e = literal(Value(), t.offset);
        e->literal_text = t.text;
        e->literal = json_plain(e->literal_text) ? Value::plain_text(e->literal_text) : Value::text(e->literal_text);
        return e;
      }
      case TokenKind::kNumber: {
        Value::Number n;
        if (!number_of(Value::text(t.text), n)) return fail(t.offset, "expected a number");
        return literal(Value::number(n.value, n.integer), t.offset);
      }
      case TokenKind::kTrue:
        return literal(Value::boolean(true), t.offset);
      case TokenKind::kFalse:
        return literal(Value::boolean(false), t.offset);
      case TokenKind::kNull:
        return literal(Value(), t.offset);
      case TokenKind::kName:
        advance();
        if (token_.kind == TokenKind::kLParen) return call(t);
        return name(t);
      case TokenKind::kLBracket: {
        advance();
        ExprPtr list = node(ExprKind::kList, t.offset);
        if (!arguments(list->operands, TokenKind::kRBracket)) return nullptr;
        fold_literal_list(*list);
        return list;
      }
      case TokenKind::kLParen: {
        advance();
        ExprPtr inner = expression();
        if (!inner) return nullptr;
        if (!accept(TokenKind::kRParen)) return unexpected("')'");
        return inner;
      }
      default:
        return unexpected("a value (a path, 'text', a number, a name or a function call)");
    }
  }

  ExprPtr path(const Token& t, bool absolute, std::size_t at) {
    if (!scope_.hl7_input()) {
      return fail(t.offset, "'" + t.text + "' is an HL7 v2 path, but this mapping's input is JSON: use select('...') (MAP-11)");
    }
    auto parsed = hl7v2::parse_path(t.text);
    if (!parsed.ok()) return fail(t.offset, "bad path '" + t.text + "': " + parsed.error().message);
    ExprPtr e = node(ExprKind::kPath, at);
    e->path = *parsed;
    e->absolute = absolute;
    e->occurrence_given = t.text.size() > 3 && t.text[3] == '[';
    return e;
  }

  ExprPtr name(const Token& t) {
    auto slot = scope_.find_name(t.text, t.offset);
    if (!slot) return fail(t.offset, "unknown name '" + t.text + "'");
    ExprPtr e = node(ExprKind::kName, t.offset);
    e->slot = *slot;
    e->member = t.text;
    return e;
  }

  // Comma-separated expressions up to `close` (already past the opening token).
  bool arguments(std::vector<ExprPtr>& out, TokenKind close) {
    if (accept(close)) return true;
    for (;;) {
      ExprPtr arg = expression();
      if (!arg) return false;
      out.push_back(std::move(arg));
      if (accept(close)) return true;
      if (!accept(TokenKind::kComma)) {
        unexpected(close == TokenKind::kRParen ? "',' or ')'" : "',' or ']'");
        return false;
      }
    }
  }

  ExprPtr call(const Token& t) {
    advance();  // '('
    const FunctionSpec* spec = find_function(t.text);
    if (spec == nullptr) return fail(t.offset, "unknown function '" + t.text + "'");
    ExprPtr e = node(ExprKind::kCall, t.offset);
    e->member = t.text;
    if (!arguments(e->operands, TokenKind::kRParen)) return nullptr;
    const std::size_t n = e->operands.size();
    if (n < spec->min_args || n > spec->max_args) {
      return fail(t.offset, "'" + t.text + "' " + describe_arity(*spec) + ", found " + std::to_string(n));
    }
    // coalesce(a, b, ...) is `a ?? b ?? ...`: later arguments run only when needed.
    if (spec->name == "coalesce") {
      e->kind = ExprKind::kCoalesce;
      return e;
    }
    e->function = spec;
    if (spec->bind != nullptr) {
      if (auto why = spec->bind(*e, scope_)) return fail(t.offset, *why);
    }
    return e;
  }

  std::string_view source_;
  Lexer lexer_;
  ExprScope& scope_;
  Token token_;
  std::optional<ExprError> error_;
};

// Sets Expr::first_operands in the whole tree (nothing changes operands after parsing).
void link_operands(Expr& e) {
  for (std::size_t i = 0; i < e.operands.size(); ++i) {
    link_operands(*e.operands[i]);
    if (i < 2) e.first_operands[i] = e.operands[i].get();
  }
}

}  // namespace

Result<std::unique_ptr<Expr>, ExprError> parse_expression(std::string_view source, ExprScope& scope) {
  Parser p(source, 0, scope);
  if (p.current().kind == TokenKind::kEnd) return ExprError{"empty expression", 1};
  ExprPtr e = p.expression();
  if (e && p.current().kind != TokenKind::kEnd) p.unexpected("an operator or the end of the expression");
  if (p.failed()) return p.take_error();
  wrap_run_constants(e, scope);
  link_operands(*e);
  return e;
}

Result<StringForm, ExprError> parse_string(std::string_view source, ExprScope& scope) {
  StringForm form;
  std::string text;
  std::size_t i = 0;
  bool expressions = false;
  while (i < source.size()) {
    if (source.compare(i, 3, "$${") == 0) {
      text += "${";
      i += 3;
      continue;
    }
    if (source.compare(i, 2, "${") != 0) {
      text.push_back(source[i++]);
      continue;
    }
    Parser p(source, i + 2, scope);
    if (p.current().kind == TokenKind::kRBrace) return ExprError{"empty expression in ${}", i + 1};
    if (p.current().kind == TokenKind::kEnd) return ExprError{"missing '}' after '${'", i + 1};
    ExprPtr e = p.expression();
    if (e && p.current().kind != TokenKind::kRBrace) {
      p.unexpected(p.current().kind == TokenKind::kEnd ? "'}' to close '${'" : "an operator or '}'");
    }
    if (p.failed()) return p.take_error();
    wrap_run_constants(e, scope);
    link_operands(*e);
    if (!text.empty()) form.pieces.push_back(TemplatePiece{std::move(text), nullptr, {}});
    text.clear();
    form.pieces.push_back(TemplatePiece{{}, std::move(e), {}});
    expressions = true;
    i = p.current().offset + 1;
  }
  if (!expressions) {
    form.kind = StringForm::Kind::kLiteral;
    form.literal = std::move(text);
    return form;
  }
  if (!text.empty()) form.pieces.push_back(TemplatePiece{std::move(text), nullptr, {}});
  if (form.pieces.size() == 1) {
    form.kind = StringForm::Kind::kExpression;
    form.expr = std::move(form.pieces.front().expr);
    form.pieces.clear();
  } else {
    form.kind = StringForm::Kind::kTemplate;
  }
  return form;
}

}  // namespace lienthong::mapping
