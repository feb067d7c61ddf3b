// Limits that keep std::regex (GCC's libstdc++) safe whatever a message holds:
// its matcher recurses about once per character of the text (a 30 KB value
// overflowed an 8 MB thread stack through a shipped mapping's `matches`), and
// its compiler reads a repetition count such as {4444…} into a long without
// checking, then builds states for each repetition.
//
// Every place that compiles or runs a regular expression (mapping `matches`,
// route conditions) goes through these: a pattern is refused at load, a text
// longer than kRegexMaxText never matches.
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lienthong {

inline constexpr std::size_t kRegexMaxText = 4096;       // bytes; longer texts never match
inline constexpr unsigned long kRegexMaxRepeat = 1000;   // the largest count in {n} / {n,m}

// Why `pattern` is refused (a repetition count above kRegexMaxRepeat), or nothing.
inline std::optional<std::string> regex_pattern_problem(std::string_view pattern) {
  // Each number inside a brace, "{n}" or "{n,m}": counted digit by digit and capped, so no
  // length overflows; a literal "a,5000" outside braces is not a count.
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // an escaped character, "\{" included
      continue;
    }
    if (pattern[i] != '{') continue;
    std::size_t j = i + 1;
    bool above = false;
    for (;;) {
      unsigned long value = 0;
      while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') {
        value = std::min(value * 10 + static_cast<unsigned long>(pattern[j] - '0'), kRegexMaxRepeat + 1);
        above = above || value > kRegexMaxRepeat;
        ++j;
      }
      if (j < pattern.size() && pattern[j] == ',') {
        ++j;
        continue;
      }
      break;
    }
    if (above) {
      return "a repetition count above " + std::to_string(kRegexMaxRepeat) + " ('" +
             std::string(pattern.substr(i, std::min<std::size_t>(j - i, 24))) + "'): write the repetition differently";
    }
    i = j - 1;
  }
  return std::nullopt;
}

}  // namespace lienthong
