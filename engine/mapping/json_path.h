// Paths into JSON input (FHIR R4 resources and Bundles, or any JSON), for
// mappings whose input is not HL7 v2 (issue: the FHIR -> v2 direction and
// JSON sources). Two spellings, compiled once into the same steps:
//
//  - a FHIRPath subset: `Patient.name.where(use = 'official').given`,
//    `Bundle.entry.resource.ofType(Observation).value`, `identifier[0].value`.
//    A leading capitalised name is a type test on the focus (its resourceType).
//    Collections flatten as in FHIRPath: a name applied to an array applies to
//    each item, and an array member adds each of its items. A choice element
//    is named without its type (`value` finds valueQuantity, valueString, ...)
//    and ofType(T) keeps the items of type T (a resource's resourceType or a
//    choice element's type suffix). Functions: where(criteria), ofType(T),
//    first(), last(), exists() (as a where criterion). A criterion is a
//    relative path, alone (it exists) or compared with = or != to a string
//    ('a' or "a"), number, true or false, joined by `and` / `or` (and binds
//    tighter).
//  - a plain JSON path: `$.a.b[0]`, `$["a b"]`, `$.items[*].id`: arrays are
//    entered only by `[n]` or `[*]`.
//
// Indexes are 0-based in both (FHIRPath's own rule). Compile errors carry the
// 1-based column and what was expected.
//
// Thread-safety: a compiled JsonPath is immutable; select() may run on many
// threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "engine/base/result.h"

namespace lienthong::mapping {

// One selected node and its FHIR type where the path knows it: the resourceType
// of a resource, the suffix of a choice element ("Quantity" for valueQuantity).
struct JsonNode {
  const rapidjson::Value* value = nullptr;
  std::string_view type;
};

struct JsonPathStep;

class JsonPath {
 public:
  // Compiles either spelling ($-paths are plain JSON paths).
  static Result<JsonPath> compile(std::string_view text);

  // The nodes the path selects from `root`, in document order. JSON null
  // members count as absent.
  std::vector<JsonNode> select(const rapidjson::Value& root) const;

  const std::string& text() const { return text_; }

  JsonPath(JsonPath&&) noexcept;
  JsonPath& operator=(JsonPath&&) noexcept;
  ~JsonPath();

 private:
  JsonPath();
  std::string text_;
  std::vector<JsonPathStep> steps_;
  friend class JsonPathParser;
};

}  // namespace lienthong::mapping
