// The functions of the mapping language (docs/mapping.md MAP-5): a fixed
// registry of name -> argument count + implementation, bound when a mapping
// compiles (an unknown name or a wrong number of arguments is a compile error).
// Functions that need something prepared ahead (lookup/coding: the code table)
// have a binder that runs at compile time.
//
// Implementations receive their arguments already evaluated (coalesce is the
// exception: the parser turns it into the lazy `??` node). Empty in gives empty
// out unless the table in the spec says otherwise.
//
// Thread-safety: the registry is a constant table; implementations touch only
// the RunState they are given.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/mapping/expr.h"
#include "engine/mapping/value.h"

namespace lienthong::mapping {

class RunState;
class ExprScope;

// Arguments are pointers so a binding passed by name is not copied.
using FunctionArgs = std::span<const Value* const>;
using FunctionImpl = Value (*)(RunState& run, const Expr& call, FunctionArgs args);
// Checks and prepares a call at compile time; returns the reason it is wrong.
using FunctionBinder = std::optional<std::string> (*)(Expr& call, ExprScope& scope);

struct FunctionSpec {
  static constexpr std::size_t kVariadic = 16;  // the most arguments any call may have

  std::string_view name;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  FunctionImpl impl = nullptr;
  FunctionBinder bind = nullptr;
};

// The function called `name`, or nullptr.
const FunctionSpec* find_function(std::string_view name);

// Whether calling `f` may do more than give a value: reject the message
// (MAP-5 required, error) or warn about an invalid input time (MAP-7.4).
// Null (an unbound call) counts as having an effect.
bool has_side_effect(const FunctionSpec* f);

// "takes 2 or 3 arguments", "takes 1 argument", "takes at least 1 argument".
std::string describe_arity(const FunctionSpec& spec);

// The per-group tables the registry is made of (functions_text.cc,
// functions_fhir.cc, functions_json.cc).
std::span<const FunctionSpec> text_functions();
std::span<const FunctionSpec> fhir_functions();
std::span<const FunctionSpec> json_functions();

}  // namespace lienthong::mapping
