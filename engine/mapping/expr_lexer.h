// Tokens of the expression language (docs/mapping.md MAP-3). A token that
// starts with a segment id (an upper-case letter, then two upper-case letters
// or digits) followed by '-', '[', '.' or the end of the word is an HL7 path
// (MAP-3.1); the lexer takes the whole path ("OBX[*]-5", "PID-3[2].1") as one
// token and leaves checking it to hl7v2::parse_path.
//
// Thread-safety: a Lexer is used by one parser at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lienthong::mapping {

enum class TokenKind : std::uint8_t {
  kEnd,         // end of the text
  kError,       // text holds the reason
  kPath,        // text: the path as written
  kName,        // text: the name
  kString,      // text: the value, escapes resolved
  kNumber,      // text: the digits as written
  kTrue, kFalse, kNull, kAnd, kOr, kNot, kIn, kMatches,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kPlus, kMinus, kCoalesce,
  kDot, kComma, kSlash,
  kLParen, kRParen, kLBracket, kRBracket, kRBrace,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  std::size_t offset = 0;  // byte position of the token's first character in the source
};

class Lexer {
 public:
  // Reads `source` from `offset` (inside a "${...}" the offset is after the brace).
  Lexer(std::string_view source, std::size_t offset) : source_(source), pos_(offset) {}

  Token next();
  std::size_t position() const { return pos_; }

 private:
  Token make(TokenKind kind, std::size_t start, std::size_t length);
  Token error(std::size_t at, std::string why);
  Token path_or_name(std::size_t start);
  Token string_literal(std::size_t start);
  Token number(std::size_t start);
  Token minus(std::size_t start);

  std::string_view source_;
  std::size_t pos_ = 0;
  TokenKind previous_ = TokenKind::kEnd;
};

// True for a segment id: an upper-case letter, then two upper-case letters or digits.
bool is_segment_id(std::string_view text);

}  // namespace lienthong::mapping
