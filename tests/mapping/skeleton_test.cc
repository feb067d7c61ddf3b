// MAP-2 ($let, $if, $for, $value, $include, $comment) and MAP-1.6 pruning.
#include <catch2/catch.hpp>

#include "tests/mapping/mapping_test_util.h"

using lienthong::testing::empty_values;
using lienthong::testing::MappingDir;

TEST_CASE("MAP-2 $let binds in order; a later binding uses an earlier one", "[mapping][skeleton]") {
  MappingDir dir;
  CHECK(dir.map(R"({"$let": {"id": "PID-3.1", "ref": "'Patient/' + id", "upper": "${lower(ref)}"},
                    "a": "${ref}", "b": "${upper}", "inner": {"c": "${id}"}})") ==
        R"({"a":"Patient/P001","b":"patient/p001","inner":{"c":"P001"}})");
}

TEST_CASE("MAP-2 $let may bind a skeleton; .key reads it", "[mapping][skeleton]") {
  MappingDir dir;
  CHECK(dir.map(R"({"$let": {"subject": {"reference": "Patient/${PID-3.1}", "display": "${PID-99}"},
                             "nothing": {"x": "${PID-99}"}},
                    "a": "${subject}", "b": "${subject.reference}", "c": "${nothing}", "d": "${nothing.x ?? 'none'}"})") ==
        R"({"a":{"reference":"Patient/P001"},"b":"Patient/P001","d":"none"})");
}

TEST_CASE("MAP-2 $if keeps or drops its object; it may use $let and the loop item", "[mapping][skeleton]") {
  MappingDir dir;
  CHECK(dir.map(R"j({
    "female": {"$if": "PID-8 == 'F'", "v": 1},
    "male": {"$if": "PID-8 == 'M'", "v": 2},
    "bound": {"$let": {"s": "PID-8"}, "$if": "s == 'F'", "v": 3},
    "text_false": {"$if": "'false'", "v": 4},
    "values": [{"$for": "OBX[*]", "$let": {"n": "number(OBX-5)"}, "$if": "n > 6", "$value": "${n}"}]
  })j") == R"({"female":{"v":1},"bound":{"v":3},"values":[6.1,7.8]})");
}

TEST_CASE("MAP-2 $value replaces the object with any value", "[mapping][skeleton]") {
  MappingDir dir;
  CHECK(dir.map(R"({
    "n": {"$value": 5},
    "s": {"$if": "true", "$value": "${PID-3.1}"},
    "gone": {"$if": "false", "$value": 5},
    "list": {"$value": ["${PID-8}", "x"]},
    "obj": {"$let": {"a": "1"}, "$value": {"a": "${a}"}},
    "flat": [{"$for": "PID-3[*]", "$value": "${it.1}"}]
  })") == R"({"n":5,"s":"P001","list":["F","x"],"obj":{"a":1},"flat":["P001","BH123"]})");
}

TEST_CASE("MAP-2 a $let chosen with $if/$value keeps what its expression gives (an element keeps its components)",
          "[mapping][skeleton]") {
  MappingDir dir;
  CHECK(dir.map(R"j({"$let": {"cx": {"$if": "exists(PID-3[1].1)", "$value": "PID-3[1]"},
                             "none": {"$if": "false", "$value": "PID-3[1]"},
                             "n": {"$if": "true", "$value": "count(PID-3[*])"}},
                    "id": "${cx.1}", "whole": "${cx}", "other": "${none.1 ?? 'none'}", "count": "${n + 1}"})j") ==
        R"({"id":"P001","whole":"P001","other":"none","count":3})");
}

TEST_CASE("MAP-2 $include: the included skeleton, this object's keys merged over it", "[mapping][skeleton]") {
  MappingDir dir;
  dir.write("common/identifier.json", R"({
    // an included file is a skeleton like any other
    "use": "official",
    "system": "urn:oid:1.2.3",
    "value": "${PID-3.1}",
  })");
  CHECK(dir.map(R"({"id": {"$include": "common/identifier.json", "use": "secondary", "extra": "x"}})") ==
        R"({"id":{"use":"secondary","system":"urn:oid:1.2.3","value":"P001","extra":"x"}})");
}

TEST_CASE("MAP-2 $include is compiled in the current scope (it, $let names)", "[mapping][skeleton]") {
  MappingDir dir;
  dir.write("rep.json", R"({"$let": {"v": "it.1"}, "$if": "v != 'BH123'", "value": "${v}", "who": "${who}"})");
  dir.write("name.json", R"("${PID-5.2}")");
  CHECK(dir.map(R"({"$let": {"who": "PID-5.1"},
                    "ids": [{"$for": "PID-3[*]", "$include": "rep.json"}],
                    "given": {"$include": "name.json"}})") ==
        R"({"ids":[{"value":"P001","who":"Tran"}],"given":"Thi B"})");
}

TEST_CASE("MAP-2 $comment is ignored anywhere in an object", "[mapping][skeleton]") {
  MappingDir dir;
  CHECK(dir.map(R"({"$comment": "top", "a": {"$comment": ["any", 1], "b": 1}})") == R"({"a":{"b":1}})");
}

TEST_CASE("MAP-2 $mapping metadata is read and not output", "[mapping][skeleton]") {
  MappingDir dir;
  auto plan = dir.plan(R"({"$mapping": {"input": "hl7v2", "description": "test", "messages": ["ORU^R01", "ORU^*"]},
                           "a": 1})");
  CHECK(plan->info().description == "test");
  CHECK(plan->messages() == std::vector<std::string>{"ORU^R01", "ORU^*"});
  CHECK(dir.map(R"({"$mapping": {"messages": ["ORU^R01"]}, "a": 1})") == R"({"a":1})");
}

TEST_CASE("MAP-1.6 pruning: no empty value anywhere; the root stays", "[mapping][skeleton][prune]") {
  MappingDir dir;
  const std::string out = dir.map(R"({
    "resourceType": "Bundle",
    "entry": [
      {"resource": {"resourceType": "Patient",
                    "name": [{"family": "${PID-5.1}", "given": ["${PID-5.2}", "${PID-99}"], "prefix": ["${PID-98}"]}],
                    "telecom": [{"system": "${PID-13.2}", "value": "${PID-13.1}"}],
                    "address": [{"line": ["${PID-11.5}"], "text": "${PID-11.6}"}],
                    "maritalStatus": {"coding": [{"code": "${PID-16}"}]},
                    "extension": [],
                    "empty_text": "",
                    "null": null,
                    "list": "${PID-3[*].9}",
                    "nested": [[], [[]], {}, [{"a": null}]]}},
      {"resource": {"x": "${ZZZ-1}"}},
      {"$for": "ZZZ[*]", "resource": {"y": 1}}
    ]
  })");
  CHECK(empty_values(out).empty());
  CHECK(out ==
        R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"Tran","given":["Thi B"]}]}}]})");
  CHECK(dir.map(R"({"a": {"b": "${PID-99}"}, "c": [null]})") == "{}");
  CHECK(dir.map(R"({"$if": "false", "a": 1})") == "{}");
}

TEST_CASE("MAP-1.6 a real-looking bundle has no empty value", "[mapping][skeleton][prune]") {
  MappingDir dir;
  const std::string out = dir.map(R"({
    "resourceType": "Bundle", "type": "transaction",
    "entry": [
      {"resource": {"resourceType": "Patient", "id": "${PID-3.1}",
                    "identifier": [{"$for": "PID-3[*]", "value": "${it.1}", "system": "urn:${it.4}", "period": {"start": "${it.7}"}}],
                    "gender": "${PID-8}", "birthDate": "${PID-7}", "deceasedBoolean": "${PID-30}"}},
      {"$for": "OBX[*]", "resource": {"resourceType": "Observation", "valueString": "${OBX-5}",
                                      "note": [{"text": "${NTE-3}"}], "interpretation": [{"coding": [{"code": "${OBX-8}"}]}]}}
    ]
  })");
  INFO(out);
  CHECK(empty_values(out).empty());
}
