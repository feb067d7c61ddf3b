#include "engine/mapping/select.h"

#include <algorithm>

namespace lienthong::mapping {

const MappingPlan* select_mapping(const std::vector<std::shared_ptr<const MappingPlan>>& plans,
                                  std::string_view message_code, std::string_view trigger) {
  const MappingPlan* wildcard = nullptr;
  for (const auto& plan : plans) {
    for (const std::string& pattern : plan->messages()) {
      // Patterns are checked at compile time: "XXX^YYY" or "XXX^*".
      const std::string_view p(pattern);
      const std::size_t caret = p.find('^');
      if (caret == std::string_view::npos || p.substr(0, caret) != message_code) continue;
      const std::string_view event = p.substr(caret + 1);
      if (event == trigger) return plan.get();
      if (event == "*" && wildcard == nullptr) wildcard = plan.get();
    }
  }
  return wildcard;
}

std::vector<std::string> mapped_types(const std::vector<std::shared_ptr<const MappingPlan>>& plans) {
  std::vector<std::string> out;
  for (const auto& plan : plans) out.insert(out.end(), plan->messages().begin(), plan->messages().end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace lienthong::mapping
