// join_list: items joined with `separator` for one line of CLI output, or "none"
// when there are none (`lienthong check`, `lienthong map`'s "have:" list).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lienthong::cli {

inline std::string join_list(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out.empty() ? "none" : out;
}

}  // namespace lienthong::cli
