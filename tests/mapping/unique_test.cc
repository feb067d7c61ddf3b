// MAP-2 $unique: an element of an array is output only when no earlier element
// of the same array was output with the same key.
#include <catch2/catch.hpp>

#include "engine/mapping/uuid5.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::testing::MappingDir;
using Lines = std::vector<std::string>;

namespace {

// Two orders naming the same ordering provider; the first order has two
// results of the same code.
const char* kTwoOrders =
    "MSH|^~\\&|LIS|LAB|HIS|HOSP|20240315101500+0700||ORU^R01^ORU_R01|CTRL1|P|2.5.1\n"
    "PID|1||P001^^^HOSP^MR~P001^^^HOSP^MR~BH123^^^BHYT^HC||Tran^Thi B\n"
    "OBR|1|ORD1||GLU^Glucose^L||||||||||||D01^Nguyen^An\n"
    "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L\n"
    "OBX|2|NM|GLU^Glucose^L||5.6|mmol/L\n"
    "OBR|2|ORD2||CBC^Blood count^L||||||||||||D01^Nguyen^An\n"
    "OBX|1|NM|WBC^WBC^L||7.8|10*9/L\n";

}  // namespace

TEST_CASE("MAP-2 $unique: the same key from two templates of one array is output once, the first wins",
          "[mapping][skeleton][unique]") {
  MappingDir dir;
  CHECK(dir.map(R"j({"entry": [
    {"$unique": "'urn:uuid:' + PID-3.1", "fullUrl": "first"},
    {"$unique": "${'urn:uuid:' + PID-3.1}", "fullUrl": "second"},
    {"$unique": "urn:uuid:${PID-3.1}", "fullUrl": "third (a template)"},
    {"$unique": "PID-5.1", "fullUrl": "other key"},
    {"fullUrl": "no key"}
  ]})j",
                kTwoOrders) == R"({"entry":[{"fullUrl":"first"},{"fullUrl":"other key"},{"fullUrl":"no key"}]})");
}

TEST_CASE("MAP-2 $unique with $for: each item's key is checked against the whole array", "[mapping][skeleton][unique]") {
  MappingDir dir;
  // OBR-16 names the same practitioner twice; PID-3 repeats an identifier.
  CHECK(dir.map(R"j({
    "entry": [
      {"$for": "OBR", "$unique": "OBR-16.1", "id": "${OBR-16.1}", "from": "${OBR-2}"},
      {"$for": "PID-3[*]", "$unique": "it.1 + '|' + it.4", "value": "${it.1}"},
      {"$unique": "OBR-16.1", "id": "late"}
    ],
    "codes": [{"$for": "OBX[*]", "$as": "obx", "$unique": "obx.3.1", "$value": "${obx.3.1}"}]
  })j",
                kTwoOrders) ==
        R"({"entry":[{"id":"D01","from":"ORD1"},{"value":"P001"},{"value":"BH123"}],"codes":["GLU","WBC"]})");
}

TEST_CASE("MAP-2 $unique: different arrays, and each run of an array, have their own keys",
          "[mapping][skeleton][unique]") {
  MappingDir dir;
  CHECK(dir.map(R"j({
    "a": [{"$unique": "PID-5.1", "v": 1}, {"$unique": "PID-5.1", "v": 2}],
    "b": [{"$unique": "PID-5.1", "v": 3}],
    "orders": [{"$for": "OBR", "results": [{"$for": "OBX[*]", "$unique": "it.3.1", "code": "${it.3.1}"}]}]
  })j",
                kTwoOrders) ==
        R"({"a":[{"v":1}],"b":[{"v":3}],"orders":[{"results":[{"code":"GLU"}]},{"results":[{"code":"WBC"}]}]})");
  // An array inside an element does not see the keys of the array around it.
  CHECK(dir.map(R"j({"a": [{"$unique": "'k'", "inner": [{"$unique": "'k'", "v": 1}]}, {"$unique": "'k'", "v": 2}]})j",
                kTwoOrders) == R"({"a":[{"inner":[{"v":1}]}]})");
}

TEST_CASE("MAP-2 $unique: an empty key never stops an element", "[mapping][skeleton][unique]") {
  MappingDir dir;
  CHECK(dir.map(R"j({"a": [{"$unique": "PID-99", "v": 1}, {"$unique": "PID-99", "v": 2},
                          {"$unique": "''", "v": 3}, {"$unique": "urn:${PID-99}", "v": 4}]})j",
                kTwoOrders) == R"({"a":[{"v":1},{"v":2},{"v":3},{"v":4}]})");
}

TEST_CASE("MAP-2 $unique comes after $let and $if; a left-out or empty element claims no key",
          "[mapping][skeleton][unique]") {
  MappingDir dir;
  CHECK(dir.map(R"j({"a": [
    {"$let": {"k": "PID-5.1"}, "$if": "false", "$unique": "k", "v": "dropped by $if"},
    {"$unique": "PID-5.1", "v": "${PID-99}"},
    {"$let": {"k": "PID-5.1"}, "$if": "exists(k)", "$unique": "k", "v": "kept"},
    {"$unique": "PID-5.1", "v": "after"}
  ]})j",
                kTwoOrders) == R"({"a":[{"v":"kept"}]})");
}

TEST_CASE("MAP-2 $unique with $include: in the included file or at the place it is included",
          "[mapping][skeleton][unique]") {
  MappingDir dir;
  dir.write("org.json", R"j({"$let": {"org_id": "uuid('Organization', org)"}, "$unique": "'urn:uuid:' + org_id",
                            "fullUrl": "urn:uuid:${org_id}", "name": "${org}"})j");
  dir.write("plain.json", R"j({"name": "${org}"})j");
  const std::string out = dir.map(R"j({"entry": [
    {"$let": {"org": "/MSH-4"}, "$include": "org.json"},
    {"$for": "OBR", "$let": {"org": "/MSH-4"}, "$include": "org.json"},
    {"$let": {"org": "/MSH-3"}, "$include": "org.json"},
    {"$let": {"org": "/MSH-3"}, "$unique": "'other'", "$include": "org.json", "site": 1},
    {"$let": {"org": "/MSH-3"}, "$unique": "'urn:uuid:' + uuid('Organization', org)", "$include": "plain.json"},
    {"$let": {"org": "/MSH-5"}, "$unique": "'LAB'", "$include": "plain.json"}
  ]})j",
                                   kTwoOrders);
  const std::string lab = lienthong::mapping::uuid5("Organization|LAB");
  const std::string lis = lienthong::mapping::uuid5("Organization|LIS");
  CHECK(out == R"({"entry":[{"fullUrl":"urn:uuid:)" + lab + R"(","name":"LAB"},{"fullUrl":"urn:uuid:)" + lis +
                   R"(","name":"LIS"},{"fullUrl":"urn:uuid:)" + lis + R"(","name":"LIS","site":1},{"name":"HIS"}]})");
}

TEST_CASE("MAP-2 $unique in a $let skeleton and with $value", "[mapping][skeleton][unique]") {
  MappingDir dir;
  CHECK(dir.map(R"j({"$let": {"codes": [{"$for": "OBX[*]", "$unique": "it.3.1", "$value": "it.3.1"}]},
                    "n": "${count(codes)}", "codes": "${codes}"})j",
                kTwoOrders) == R"({"n":2,"codes":["GLU","WBC"]})");
}

TEST_CASE("MAP-9 $unique errors", "[mapping][errors][unique]") {
  MappingDir dir;
  CHECK(dir.errors(R"j({"a": {"$unique": "PID-3.1", "v": 1}})j") ==
        Lines{dir.shown("m.json") + ": $.a: $unique is only allowed in an element of an array"});
  CHECK(dir.errors(R"j({"$unique": "PID-3.1", "v": 1})j") ==
        Lines{dir.shown("m.json") + ": $: $unique is only allowed in an element of an array"});
  CHECK(dir.errors(R"j({"a": [{"$unique": 5, "v": 1}]})j") ==
        Lines{dir.shown("m.json") + ": $.a[0].$unique: expected an expression in a string"});
  CHECK(dir.errors(R"j({"a": [{"$unique": "nope", "v": 1}]})j") ==
        Lines{dir.shown("m.json") + ": $.a[0].$unique: unknown name 'nope' (at column 1 of \"nope\")"});
  // An included file's $unique applies only where the file is an element of an array.
  dir.write("keyed.json", R"j({"$unique": "PID-3.1", "v": 1})j");
  CHECK(dir.errors(R"j({"a": {"$include": "keyed.json"}, "b": [{"$include": "keyed.json"}]})j") ==
        Lines{dir.shown("keyed.json") + ": $.$unique: $unique only applies where the file is included as an element "
                                        "of an array (" + dir.shown("m.json") + ": $.a.$include)"});
}
