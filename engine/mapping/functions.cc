#include "engine/mapping/functions.h"

#include <algorithm>

namespace lienthong::mapping {

const FunctionSpec* find_function(std::string_view name) {
  for (auto group : {text_functions(), fhir_functions(), json_functions()}) {
    for (const FunctionSpec& spec : group) {
      if (spec.name == name) return &spec;
    }
  }
  return nullptr;
}

bool has_side_effect(const FunctionSpec* f) {
  if (f == nullptr) return true;
  static constexpr std::string_view kEffects[] = {"required", "error", "date", "dateTime", "instant"};
  return std::find(std::begin(kEffects), std::end(kEffects), f->name) != std::end(kEffects);
}

std::string describe_arity(const FunctionSpec& spec) {
  auto arguments = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
  if (spec.max_args == FunctionSpec::kVariadic) {
    return "takes at least " + arguments(spec.min_args) + " (at most " + std::to_string(spec.max_args) + ")";
  }
  if (spec.min_args == spec.max_args) return "takes " + arguments(spec.min_args);
  if (spec.max_args == spec.min_args + 1) {
    return "takes " + std::to_string(spec.min_args) + " or " + arguments(spec.max_args);
  }
  return "takes " + std::to_string(spec.min_args) + " to " + arguments(spec.max_args);
}

}  // namespace lienthong::mapping
