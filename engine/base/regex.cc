#include "engine/base/regex.h"

#include <algorithm>
#include <utility>

#include <re2/re2.h>

namespace lienthong {
namespace {

// RE2 reads a count of ten digits or more, as in `a{44444444444}`, as literal
// text rather than as a count too large (which it refuses from 1001 on): such a
// count is a mistake either way, so it is refused the same way. Outside
// brackets and escapes only, where a brace can start a count.
std::string oversized_count(std::string_view pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // "[]...]": the first ] is a member
      continue;
    }
    if (c != '{') continue;
    std::size_t j = i + 1, run = 0, longest = 0;
    for (; j < pattern.size() && ((pattern[j] >= '0' && pattern[j] <= '9') || pattern[j] == ','); ++j) {
      run = pattern[j] == ',' ? 0 : run + 1;
      longest = std::max(longest, run);
    }
    if (longest >= 10 && j < pattern.size() && pattern[j] == '}') {
      return "invalid repetition size: " + std::string(pattern.substr(i, j + 1 - i));
    }
  }
  return {};
}

}  // namespace

Regex::Regex(std::string pattern, std::unique_ptr<re2::RE2> re) : pattern_(std::move(pattern)), re_(std::move(re)) {}

Regex::~Regex() = default;

Result<std::shared_ptr<const Regex>> Regex::compile(std::string_view pattern) {
  if (std::string why = oversized_count(pattern); !why.empty()) return Error{why, {}};
  re2::RE2::Options options;
  options.set_log_errors(false);  // the reason is returned, not written to stderr
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return Error{re->error(), {}};
  return std::shared_ptr<const Regex>(new Regex(std::string(pattern), std::move(re)));
}

bool Regex::full_match(std::string_view text) const {
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool Regex::search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace lienthong
