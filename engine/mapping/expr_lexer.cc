#include "engine/mapping/expr_lexer.h"

namespace lienthong::mapping {
namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return is_upper(c) || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Keyword {
  std::string_view word;
  TokenKind kind;
};

constexpr Keyword kKeywords[] = {
    {"true", TokenKind::kTrue}, {"false", TokenKind::kFalse}, {"null", TokenKind::kNull},
    {"and", TokenKind::kAnd},   {"or", TokenKind::kOr},       {"not", TokenKind::kNot},
    {"in", TokenKind::kIn},     {"matches", TokenKind::kMatches},
};

}  // namespace

bool is_segment_id(std::string_view text) {
  return text.size() == 3 && is_upper(text[0]) && (is_upper(text[1]) || is_digit(text[1])) &&
         (is_upper(text[2]) || is_digit(text[2]));
}

Token Lexer::make(TokenKind kind, std::size_t start, std::size_t length) {
  pos_ = start + length;
  previous_ = kind;
  return Token{kind, std::string(source_.substr(start, length)), start};
}

Token Lexer::error(std::size_t at, std::string why) {
  previous_ = TokenKind::kError;
  return Token{TokenKind::kError, std::move(why), at};
}

Token Lexer::next() {
  while (pos_ < source_.size() && is_space(source_[pos_])) ++pos_;
  const std::size_t start = pos_;
  if (pos_ >= source_.size()) {
    previous_ = TokenKind::kEnd;
    return Token{TokenKind::kEnd, {}, start};
  }
  const char c = source_[pos_];
  const char c2 = pos_ + 1 < source_.size() ? source_[pos_ + 1] : '\0';
  if (is_digit(c)) {
    // After a '.', digits are a component number (`it.4.1`), never a decimal.
    if (previous_ == TokenKind::kDot) {
      std::size_t end = pos_;
      while (end < source_.size() && is_digit(source_[end])) ++end;
      return make(TokenKind::kNumber, start, end - start);
    }
    return number(start);
  }
  if (is_name_start(c)) return path_or_name(start);
  switch (c) {
    case '\'':
      return string_literal(start);
    case '}':
      return make(TokenKind::kRBrace, start, 1);
    case '/':
      return make(TokenKind::kSlash, start, 1);
    case '+':
      return make(TokenKind::kPlus, start, 1);
    case '-':
      return minus(start);
    case '.':
      return make(TokenKind::kDot, start, 1);
    case ',':
      return make(TokenKind::kComma, start, 1);
    case '(':
      return make(TokenKind::kLParen, start, 1);
    case ')':
      return make(TokenKind::kRParen, start, 1);
    case '[':
      return make(TokenKind::kLBracket, start, 1);
    case ']':
      return make(TokenKind::kRBracket, start, 1);
    case '?':
      if (c2 == '?') return make(TokenKind::kCoalesce, start, 2);
      return error(start, "expected '?" "?'");  // split: '??' + quote is a trigraph
    case '=':
      if (c2 == '=') return make(TokenKind::kEq, start, 2);
      return error(start, "use '==' to compare");
    case '!':
      if (c2 == '=') return make(TokenKind::kNe, start, 2);
      return error(start, "use 'not' to negate");
    case '<':
      if (c2 == '=') return make(TokenKind::kLe, start, 2);
      return make(TokenKind::kLt, start, 1);
    case '>':
      if (c2 == '=') return make(TokenKind::kGe, start, 2);
      return make(TokenKind::kGt, start, 1);
    default:
      break;
  }
  return error(start, "unexpected character '" + std::string(1, c) + "'");
}

Token Lexer::path_or_name(std::size_t start) {
  std::size_t end = start;
  while (end < source_.size() && is_name_char(source_[end])) ++end;
  std::string_view word = source_.substr(start, end - start);
  const char after = end < source_.size() ? source_[end] : '\0';
  const bool path_follows = word.size() == 3 && is_segment_id(word) && !is_name_char(after) &&
                            previous_ != TokenKind::kDot;
  if (!path_follows) {
    if (previous_ != TokenKind::kDot) {
      for (const Keyword& k : kKeywords) {
        if (word == k.word) return make(k.kind, start, end - start);
      }
    }
    return make(TokenKind::kName, start, end - start);
  }
  // The rest of the path: fields, components, [n] / [*]. A ']' belongs to the
  // path only when the path opened a '[' (so "[PID-3, PID-4]" still closes the list).
  int depth = 0;
  while (end < source_.size()) {
    const char c = source_[end];
    if (c == '[') {
      ++depth;
    } else if (c == ']') {
      if (depth == 0) break;
      --depth;
    } else if (c == '*') {
      if (depth == 0) break;
    } else if (!(is_name_char(c) || c == '-' || c == '.')) {
      break;
    }
    ++end;
  }
  return make(TokenKind::kPath, start, end - start);
}

Token Lexer::string_literal(std::size_t start) {
  std::string value;
  std::size_t i = start + 1;
  while (i < source_.size()) {
    const char c = source_[i];
    if (c == '\'') {
      pos_ = i + 1;
      previous_ = TokenKind::kString;
      return Token{TokenKind::kString, std::move(value), start};
    }
    if (c == '\\') {
      const char e = i + 1 < source_.size() ? source_[i + 1] : '\0';
      if (e != '\'' && e != '\\') return error(i, "only \\' and \\\\ may be escaped in a string");
      value.push_back(e);
      i += 2;
      continue;
    }
    value.push_back(c);
    ++i;
  }
  return error(start, "unterminated string (missing ')");
}

Token Lexer::number(std::size_t start) {
  std::size_t end = start;
  while (end < source_.size() && is_digit(source_[end])) ++end;
  if (end + 1 < source_.size() && source_[end] == '.' && is_digit(source_[end + 1])) {
    ++end;
    while (end < source_.size() && is_digit(source_[end])) ++end;
  }
  if (end < source_.size() && is_name_char(source_[end])) return error(end, "expected a number");
  return make(TokenKind::kNumber, start, end - start);
}

Token Lexer::minus(std::size_t start) {
  // A '-' without spaces is part of a path or a typo for one ("PID - 3" is a
  // subtraction, "PID-3" a path), so subtraction must be spelled with spaces.
  const bool space_before = start > 0 && is_space(source_[start - 1]);
  const bool space_after = start + 1 < source_.size() && is_space(source_[start + 1]);
  if (!space_before || !space_after) return error(start, "'-' needs spaces around it (a - b)");
  return make(TokenKind::kMinus, start, 1);
}

}  // namespace lienthong::mapping
