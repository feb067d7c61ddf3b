// Parsing JSON text into a RapidJSON document, deep nesting refused first.
// RapidJSON's parser, and every reader of its documents here (configuration,
// mapping compiler, JSON paths, the HTTP answers of FHIR servers), recurses once
// per level of [ and {: a document nested a hundred thousand levels deep, a few
// hundred KB of text, overflows the stack. Nothing a configuration, a mapping or
// FHIR writes comes near kJsonMaxDepth, so deeper text is refused as not
// readable, with the place where it went too deep. JSON from outside (files,
// inputs, servers' answers) is read through parse_json; documents this program
// wrote itself (a mapping's output) are parsed directly, without the extra scan.
//
// Thread-safety: pure functions (the document is the caller's).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace lienthong {

inline constexpr std::size_t kJsonMaxDepth = 256;

// The offset of the first [ or { that opens a level deeper than kJsonMaxDepth
// (brackets inside strings and // or /* */ comments do not count), or npos.
inline std::size_t json_too_deep(std::string_view text) {
  std::size_t depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const std::size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return std::string_view::npos;
      i = end + 1;
    } else if (c == '[' || c == '{') {
      if (++depth > kJsonMaxDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// "line 3, column 7" of a byte offset into `text` (columns count bytes).
inline std::string line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Why text could not be read, and where.
struct JsonParseFailure {
  std::string position;  // "line 3, column 7"
  std::string reason;    // "nested deeper than 256 levels of [ and {", or RapidJSON's message
  // "line 3, column 7: Missing a name for object member."
  std::string message() const { return position + ": " + reason; }
};

// Parses `text` (no terminator needed) into `doc` with RapidJSON's `Flags`;
// nothing when it worked.
template <unsigned Flags = rapidjson::kParseDefaultFlags, class Document>
std::optional<JsonParseFailure> parse_json(Document& doc, std::string_view text) {
  if (const std::size_t deep = json_too_deep(text); deep != std::string_view::npos) {
    return JsonParseFailure{line_and_column(text, deep),
                            "nested deeper than " + std::to_string(kJsonMaxDepth) + " levels of [ and {"};
  }
  doc.template Parse<Flags>(text.data(), text.size());
  if (!doc.HasParseError()) return std::nullopt;
  return JsonParseFailure{line_and_column(text, doc.GetErrorOffset()), rapidjson::GetParseError_En(doc.GetParseError())};
}

}  // namespace lienthong
