// How deep JSON text nests, checked before it is parsed. RapidJSON's parser, and
// every reader of its documents here (configuration, mapping compiler, JSON
// paths, the HTTP answers of FHIR servers), recurses once per level of [ and {:
// a document nested a hundred thousand levels deep, a few hundred KB of text,
// overflows the stack. Nothing a configuration, a mapping or FHIR writes comes
// near kJsonMaxDepth, so text deeper than that is refused as not readable.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace lienthong {

inline constexpr std::size_t kJsonMaxDepth = 256;

// The offset of the first [ or { that opens a level deeper than `max_depth`
// (brackets inside strings and // or /* */ comments do not count), or npos.
inline std::size_t json_too_deep(std::string_view text, std::size_t max_depth = kJsonMaxDepth) {
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
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// The message for text json_too_deep() refused.
inline const char* json_too_deep_message() { return "nested deeper than 256 levels of [ and {"; }

}  // namespace lienthong
