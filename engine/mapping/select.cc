#include "engine/mapping/select.h"

#include <algorithm>

namespace lienthong::mapping {

std::optional<std::size_t> select_patterns(const std::vector<const std::vector<std::string>*>& lists,
                                           std::string_view message_code, std::string_view trigger) {
  std::optional<std::size_t> wildcard;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    for (const std::string& pattern : *lists[i]) {
      // Patterns are checked at compile time: "XXX^YYY" or "XXX^*".
      const std::string_view p(pattern);
      const std::size_t caret = p.find('^');
      if (caret == std::string_view::npos || p.substr(0, caret) != message_code) continue;
      const std::string_view event = p.substr(caret + 1);
      if (event == trigger) return i;
      if (event == "*" && !wildcard) wildcard = i;
    }
  }
  return wildcard;
}

const MappingPlan* select_mapping(const std::vector<std::shared_ptr<const MappingPlan>>& plans,
                                  std::string_view message_code, std::string_view trigger) {
  std::vector<const std::vector<std::string>*> lists;
  lists.reserve(plans.size());
  for (const auto& plan : plans) lists.push_back(&plan->messages());
  const auto i = select_patterns(lists, message_code, trigger);
  return i ? plans[*i].get() : nullptr;
}

std::vector<std::string> mapped_types(const std::vector<std::shared_ptr<const MappingPlan>>& plans) {
  std::vector<std::string> out;
  for (const auto& plan : plans) out.insert(out.end(), plan->messages().begin(), plan->messages().end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace lienthong::mapping
