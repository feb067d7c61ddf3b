// Regex: a regular expression compiled once and matched in time linear in the
// text, whatever the pattern (RE2). Route conditions (`regex`) and the
// mappings' `matches` run patterns written by integration engineers against
// text sent by anyone: a backtracking matcher (std::regex) takes seconds to
// minutes on 30 characters for a pattern such as `^([A-Z0-9]+)+$`, which would
// stall a network thread, so every regular expression of lienthong is one of these.
//
// Syntax: RE2's (docs/mapping.md MAP-3.4): Perl/ECMAScript classes, groups,
// alternation and counted repetition up to 1000; no backreferences and no
// lookaround, which are refused at compile time with RE2's reason. Patterns and
// texts are UTF-8, so `.` and `[^x]` match one character, not one byte.
//
// Thread-safety: a compiled Regex is immutable and may be matched from any
// number of threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace re2 {
class RE2;
}

namespace lienthong {

class Regex {
 public:
  // The pattern compiled, or why it cannot be (RE2's words, e.g. "missing ]: [" for "(["),
  // never an exception.
  static Result<std::shared_ptr<const Regex>> compile(std::string_view pattern);

  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Whether the whole of `text` matches (the mappings' `matches`).
  bool full_match(std::string_view text) const;
  // Whether some part of `text` matches (route conditions; anchor with ^ and $).
  bool search(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }

 private:
  Regex(std::string pattern, std::unique_ptr<re2::RE2> re);

  std::string pattern_;
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace lienthong
