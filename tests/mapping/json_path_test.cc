// JsonPath: FHIRPath-subset and plain JSON paths over real FHIR R4 JSON (the
// public converter corpus' expected Bundles) and small documents.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "engine/mapping/json_path.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::JsonNode;
using lienthong::mapping::JsonPath;

using lienthong::testing::corpus_json;
using lienthong::testing::parse_json;

namespace {

JsonPath path(const std::string& text) {
  auto p = JsonPath::compile(text);
  if (!p.ok()) FAIL(p.error().message);
  return std::move(p).value();
}

std::vector<std::string> strings(const std::vector<JsonNode>& nodes) {
  std::vector<std::string> out;
  for (const JsonNode& n : nodes) {
    if (n.value->IsString()) out.emplace_back(n.value->GetString(), n.value->GetStringLength());
  }
  return out;
}

const char* kAdtBundle = "microsoft-fhir-converter/expected/ADT_A01/ADT-A01-01-expected.json";

}  // namespace

TEST_CASE("json path: FHIRPath over a Bundle matches a walk of the same document", "[mapping][json_path]") {
  const auto bundle = corpus_json(kAdtBundle);
  // The walk: every Patient entry's names' family, in document order.
  std::vector<std::string> families;
  std::size_t observations = 0;
  for (const auto& e : bundle["entry"].GetArray()) {
    const auto& r = e["resource"];
    if (std::string(r["resourceType"].GetString()) == "Observation") ++observations;
    if (std::string(r["resourceType"].GetString()) != "Patient") continue;
    for (const auto& n : r["name"].GetArray()) {
      if (n.HasMember("family")) families.emplace_back(n["family"].GetString());
    }
  }
  REQUIRE_FALSE(families.empty());
  CHECK(strings(path("Bundle.entry.resource.ofType(Patient).name.family").select(bundle)) == families);
  CHECK(strings(path("entry.resource.ofType(Patient).name.family").select(bundle)) == families);
  CHECK(path("Bundle.entry.resource.ofType(Observation)").select(bundle).size() == observations);
  // A type test that does not hold selects nothing.
  CHECK(path("Patient.name").select(bundle).empty());
}

TEST_CASE("json path: where(), indexes, first/last on a Patient", "[mapping][json_path]") {
  const auto bundle = corpus_json(kAdtBundle);
  const rapidjson::Value* patient = nullptr;
  for (const auto& e : bundle["entry"].GetArray()) {
    if (std::string(e["resource"]["resourceType"].GetString()) == "Patient") patient = &e["resource"];
  }
  REQUIRE(patient != nullptr);
  const auto& names = (*patient)["name"];
  std::vector<std::string> official, usual_given, not_usual;
  for (const auto& n : names.GetArray()) {
    const std::string use = n.HasMember("use") ? n["use"].GetString() : "";
    if (use != "usual" && n.HasMember("family")) not_usual.emplace_back(n["family"].GetString());
    if (use == "official") official.emplace_back(n["family"].GetString());
    if (use == "usual") {
      for (const auto& g : n["given"].GetArray()) usual_given.emplace_back(g.GetString());
    }
  }
  REQUIRE_FALSE(official.empty());
  CHECK(strings(path("Patient.name.where(use = 'official').family").select(*patient)) == official);
  CHECK(strings(path("name.where(use = 'usual').given").select(*patient)) == usual_given);
  CHECK(strings(path("name.where(use != 'usual' and family.exists()).family").select(*patient)) == not_usual);
  CHECK(strings(path("name[0].family").select(*patient)) == std::vector<std::string>{names[0]["family"].GetString()});
  CHECK(strings(path("name.family.first()").select(*patient)) == std::vector<std::string>{names[0]["family"].GetString()});
  CHECK(strings(path("name.family.last()").select(*patient)) ==
        std::vector<std::string>{names[names.Size() - 1]["family"].GetString()});
  CHECK(path("name[99]").select(*patient).empty());
  // Criteria reach into nested arrays: identifiers whose type has an MR coding.
  const auto mr = path("identifier.where(type.coding.where(code = 'MR').exists()).value").select(*patient);
  REQUIRE_FALSE(mr.empty());
  CHECK(strings(mr).front() == (*patient)["identifier"][0]["value"].GetString());
}

TEST_CASE("json path: a choice element is found by its name and typed by its suffix", "[mapping][json_path]") {
  const auto doc = parse_json(R"({"resourceType": "Observation", "valueQuantity": {"value": 5.4, "unit": "mmol/L"},
                             "component": [{"valueString": "a"}, {"valueQuantity": {"value": 2}}, {"value": null}]})");
  const auto value = path("Observation.value").select(doc);
  REQUIRE(value.size() == 1);
  CHECK(value[0].type == "Quantity");
  CHECK(path("value.ofType(Quantity).value").select(doc)[0].value->GetDouble() == 5.4);
  CHECK(path("value.ofType(String)").select(doc).empty());
  CHECK(strings(path("component.value.ofType(String)").select(doc)) == std::vector<std::string>{"a"});
  CHECK(path("component.value").select(doc).size() == 2);  // null counts as absent
  CHECK(path("component.where(value.value = 2)").select(doc).size() == 1);
  CHECK(path("component.where(value = 'a' or value.value = 2)").select(doc).size() == 2);
}

TEST_CASE("json path: plain $ paths do not flatten arrays", "[mapping][json_path]") {
  const auto doc = parse_json(R"({"a": {"b c": [1, 2, 3]}, "items": [{"id": "x"}, {"id": "y"}, {"other": 1}], "n": null})");
  CHECK(path("$.items").select(doc).size() == 1);
  CHECK(path("$.items.id").select(doc).empty());  // arrays are entered only by [n] or [*]
  CHECK(strings(path("$.items[*].id").select(doc)) == std::vector<std::string>{"x", "y"});
  CHECK(strings(path("$.items[1].id").select(doc)) == std::vector<std::string>{"y"});
  CHECK(path("$[\"a\"][\"b c\"][2]").select(doc)[0].value->GetInt() == 3);
  CHECK(path("$.n").select(doc).empty());
  CHECK(path("$").select(doc).size() == 1);
}

TEST_CASE("json path: compile errors give the column and what was expected", "[mapping][json_path]") {
  auto error = [](const std::string& text) {
    auto p = JsonPath::compile(text);
    REQUIRE_FALSE(p.ok());
    return p.error().message;
  };
  CHECK_THAT(error("name.where(use = )"), Catch::StartsWith("column 18: expected a 'string', a number"));
  CHECK_THAT(error("name.count()"), Catch::Contains("unknown function count()"));
  CHECK_THAT(error("name.exists()"), Catch::Contains("unknown function exists()"));
  CHECK_THAT(error("name[x]"), Catch::Contains("expected an index"));
  CHECK_THAT(error("name.where(use = 'a'"), Catch::Contains("expected ')'"));
  CHECK_THAT(error("$.items[*"), Catch::Contains("expected ']'"));
  CHECK_THAT(error("$.a b"), Catch::Contains("expected '.', '[' or the end"));
  CHECK_THAT(error("name.where(use = 'open"), Catch::Contains("unterminated string"));
  CHECK_THAT(error(""), Catch::Contains("expected a name"));
}
