// Choosing the mapping for a message by its type (docs/mapping.md MAP-2,
// `$mapping.messages`): "ADT^A01" matches that message code and trigger;
// "ADT^*" matches every ADT trigger. An exact pattern beats a wildcard; among
// equals the first plan in the list wins (callers load files in name order).
//
// Thread-safety: pure functions over immutable plans.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/mapping/plan.h"

namespace lienthong::mapping {

// Which of the pattern lists (each one file's `$mapping.messages`) takes
// `message_code`^`trigger`, by the rule above; nullopt when none does.
std::optional<std::size_t> select_patterns(const std::vector<const std::vector<std::string>*>& lists,
                                           std::string_view message_code, std::string_view trigger);

// The plan for `message_code`^`trigger` (MSH-9.1, MSH-9.2), or nullptr.
const MappingPlan* select_mapping(const std::vector<std::shared_ptr<const MappingPlan>>& plans,
                                  std::string_view message_code, std::string_view trigger);

// Every pattern the plans declare, sorted and without duplicates (for "have: ..." messages).
std::vector<std::string> mapped_types(const std::vector<std::shared_ptr<const MappingPlan>>& plans);

}  // namespace lienthong::mapping
