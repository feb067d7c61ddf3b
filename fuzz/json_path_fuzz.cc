// libFuzzer target: arbitrary text as a JSON input path (FHIRPath subset or $
// path). Compiling must never crash; a path that compiles, selected on a fixed
// FHIR document, must give nodes that are inside that document.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <rapidjson/document.h>

#include "engine/mapping/json_path.h"
#include "fuzz/fuzz_require.h"

namespace {

// Invented data: nested arrays, a choice element, a contained resource, nulls.
constexpr const char* kSample = R"({"resourceType": "Bundle", "type": "transaction", "entry": [
  {"resource": {"resourceType": "Patient", "identifier": [{"system": "urn:x", "value": "BN001",
     "type": {"coding": [{"code": "MR"}]}}], "name": [{"use": "official", "family": "Nguyen",
     "given": ["Van", "An"]}, null], "birthDate": "1985-06-12", "active": true}},
  {"resource": {"resourceType": "Observation", "valueQuantity": {"value": 7.8, "unit": "10*9/L"},
     "component": [{"valueString": "a"}, {"valueInteger": 2}], "contained": [{"resourceType": "Specimen"}]}}]})";

const rapidjson::Document& sample() {
  static const rapidjson::Document doc = [] {
    rapidjson::Document d;
    d.Parse(kSample);
    FUZZ_REQUIRE(!d.HasParseError());
    return d;
  }();
  return doc;
}

// True when `node` is `v` or one of the values inside it (by identity).
bool inside(const rapidjson::Value& v, const rapidjson::Value* node) {
  if (&v == node) return true;
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (inside(item, node)) return true;
    }
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (inside(m.value, node)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto path = lienthong::mapping::JsonPath::compile(text);
  if (!path.ok()) {
    FUZZ_REQUIRE(!path.error().message.empty());
    return 0;
  }
  for (const auto& node : path->select(sample())) {
    FUZZ_REQUIRE(node.value != nullptr);
    FUZZ_REQUIRE(!node.value->IsNull());
    FUZZ_REQUIRE(inside(sample(), node.value));
  }
  return 0;
}
