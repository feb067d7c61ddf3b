// MAP-11: mappings whose input is JSON (a FHIR resource or Bundle, any JSON):
// select() and input(), run on real FHIR from the public converter corpus;
// the compile errors that keep HL7 paths and JSON functions apart.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include <rapidjson/document.h>

#include "engine/mapping/run.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::run;
using lienthong::testing::MappingDir;

using lienthong::testing::corpus_json;
using lienthong::testing::parse_json;

TEST_CASE("MAP-11: a FHIR Bundle mapped with select() and member access", "[mapping][json_input]") {
  MappingDir dir;
  dir.write("tables/g.json", R"J({"source_system": "http://hl7.org/fhir/administrative-gender",
                                  "target_system": "urn:example:g", "map": {"male": "M", "female": "F"}})J");
  auto plan = dir.plan(R"J({
    "$mapping": {"input": "fhir"},
    "patients": [{
      "$for": "select('Bundle.entry.resource.ofType(Patient)')", "$as": "p",
      "id": "${p.id}",
      "official": "${select(p, 'name.where(use = \"official\").family')}",
      "first_given": "${select(p, 'name.given.first()')}",
      "gender": "${lookup('g', p.gender)}"
    }],
    "entries": "${count(select('entry'))}",
    "type": "${input().type}",
    "none": "${select('entry.resource.ofType(Nothing)')}"
  })J");
  const auto bundle = corpus_json("microsoft-fhir-converter/expected/ADT_A01/ADT-A01-01-expected.json");
  // The expected values, by a walk of the same document.
  const rapidjson::Value* patient = nullptr;
  for (const auto& e : bundle["entry"].GetArray()) {
    if (std::string(e["resource"]["resourceType"].GetString()) == "Patient") patient = &e["resource"];
  }
  REQUIRE(patient != nullptr);
  std::string official;
  for (const auto& n : (*patient)["name"].GetArray()) {
    if (n.HasMember("use") && std::string(n["use"].GetString()) == "official") official = n["family"].GetString();
  }
  const std::string gender = (*patient)["gender"].GetString();

  auto out = run(*plan, bundle);
  REQUIRE(out.ok());
  const auto result = parse_json(out->json);
  REQUIRE(result["patients"].Size() == 1);
  const auto& p = result["patients"][0];
  CHECK(std::string(p["id"].GetString()) == (*patient)["id"].GetString());
  CHECK(std::string(p["official"].GetString()) == official);
  CHECK(std::string(p["first_given"].GetString()) == (*patient)["name"][0]["given"][0].GetString());
  CHECK(std::string(p["gender"].GetString()) == (gender == "male" ? "M" : gender == "female" ? "F" : gender));
  CHECK(result["entries"].GetInt() == static_cast<int>(bundle["entry"].Size()));
  CHECK(std::string(result["type"].GetString()) == bundle["type"].GetString());
  CHECK_FALSE(result.HasMember("none"));  // nothing selected: pruned like any empty value
}

TEST_CASE("MAP-11: plain JSON input with $ paths", "[mapping][json_input]") {
  MappingDir dir;
  auto plan = dir.plan(R"J({
    "$mapping": {"input": "json"},
    "codes": [{"$for": "select('$.items[*]')", "code": "${it.code}", "n": "${it.n}"}],
    "first": "${select('$.items[0].code')}"
  })J");
  const auto doc = parse_json(R"J({"items": [{"code": "A", "n": 1}, {"code": "B"}, {"n": 3}]})J");
  auto out = run(*plan, doc);
  REQUIRE(out.ok());
  CHECK(out->json == R"J({"codes":[{"code":"A","n":1},{"code":"B"},{"n":3}],"first":"A"})J");
}

TEST_CASE("MAP-11: inputs and functions are kept apart at load and at run", "[mapping][json_input]") {
  MappingDir dir;
  // An HL7 path in a JSON mapping, select() and input() in an HL7 one, a bad path.
  auto hl7_path = dir.errors(R"J({"$mapping": {"input": "fhir"}, "x": "${PID-3}"})J");
  REQUIRE(hl7_path.size() == 1);
  CHECK_THAT(hl7_path[0], Catch::Contains("$.x") && Catch::Contains("HL7 v2 path") && Catch::Contains("select("));
  auto select_in_hl7 = dir.errors(R"J({"x": "${select('name')}", "y": "${input()}"})J");
  REQUIRE(select_in_hl7.size() == 2);
  CHECK_THAT(select_in_hl7[0], Catch::Contains("$.x") && Catch::Contains("\"input\": \"fhir\""));
  CHECK_THAT(select_in_hl7[1], Catch::Contains("$.y") && Catch::Contains("input()"));
  auto bad_path = dir.errors(R"J({"$mapping": {"input": "json"}, "x": "${select('name.where(use = )')}"})J");
  REQUIRE(bad_path.size() == 1);
  CHECK_THAT(bad_path[0], Catch::Contains("$.x") && Catch::Contains("select(): column 18"));
  auto not_literal = dir.errors(R"J({"$mapping": {"input": "json"}, "$let": {"p": "'name'"}, "x": "${select(p)}"})J");
  REQUIRE(not_literal.size() == 1);
  CHECK_THAT(not_literal[0], Catch::Contains("must be a path in quotes"));
  auto bad_input = dir.errors(R"J({"$mapping": {"input": "xml"}})J");
  REQUIRE(bad_input.size() == 1);
  CHECK_THAT(bad_input[0], Catch::Contains("$.$mapping.input") && Catch::Contains("\"fhir\" or \"json\""));

  // Running a plan on the other kind of input is an error, not an empty output.
  auto json_plan = dir.plan(R"J({"$mapping": {"input": "json"}, "x": "${input().a}"})J");
  auto hl7_plan = dir.plan(R"J({"x": "${PID-3.1}"})J", "h.json");
  const auto doc = parse_json(R"J({"a": 1})J");
  auto wrong1 = run(*json_plan, lienthong::testing::message(lienthong::testing::kOru));
  REQUIRE_FALSE(wrong1.ok());
  CHECK_THAT(wrong1.error().message, Catch::Contains("input is json"));
  auto wrong2 = run(*hl7_plan, doc);
  REQUIRE_FALSE(wrong2.ok());
  CHECK_THAT(wrong2.error().message, Catch::Contains("HL7 v2 message, not JSON"));
  auto right = run(*json_plan, doc);
  REQUIRE(right.ok());
  CHECK(right->json == R"J({"x":1})J");
}
