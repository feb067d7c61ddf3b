// MAP-4: spans of segment loops, /PATH, $until, and loops over repetitions.
#include <catch2/catch.hpp>

#include "tests/mapping/mapping_test_util.h"

using lienthong::testing::MappingDir;

TEST_CASE("MAP-4.3 inside an OBR loop, OBX[*] sees only that order's results", "[mapping][span]") {
  MappingDir dir;
  const std::string out = dir.map(R"({
    "orders": [{
      "$for": "OBR",
      "code": "${OBR-4.1}",
      "values": [{"$for": "OBX[*]", "$value": "${OBX-5}"}],
      "notes": "${count(NTE[*])}"
    }]
  })");
  CHECK(out == R"({"orders":[{"code":"GLU","values":["5.4","6.1"],"notes":1},)"
               R"({"code":"CBC","values":["7.8"],"notes":0}]})");
}

TEST_CASE("MAP-4.3 a path outside the span is empty; /PATH reaches the whole message", "[mapping][span]") {
  MappingDir dir;
  const std::string out = dir.map(R"({
    "orders": [{"$for": "OBR[*]", "local": "${PID-3.1}", "whole": "${/PID-3.1}", "n": "${count(/OBX[*])}"}]
  })");
  CHECK(out == R"({"orders":[{"whole":"P001","n":3},{"whole":"P001","n":3}]})");
}

TEST_CASE("MAP-4.3 $until ends an item's span at other segment ids", "[mapping][span]") {
  MappingDir dir;
  // Without $until, OBR 1's span runs up to OBR 2 and so holds the second ORC.
  CHECK(dir.map(R"({"o": [{"$for": "OBR", "orc": "${count(ORC[*])}"}]})") == R"({"o":[{"orc":1},{"orc":0}]})");
  CHECK(dir.map(R"({"o": [{"$for": "OBR", "$until": ["ORC"], "orc": "${count(ORC[*])}",
                           "obx": "${count(OBX[*])}"}]})") == R"({"o":[{"orc":0,"obx":2},{"orc":0,"obx":1}]})");
}

TEST_CASE("MAP-4.3 nested segment loops and $as names", "[mapping][span]") {
  MappingDir dir;
  const std::string out = dir.map(R"({
    "o": [{
      "$for": "ORC", "$as": "order",
      "id": "${order.2}",
      "results": [{"$for": "OBX[*]", "$as": "obx", "order": "${order.2}", "code": "${obx.3}", "pos": "${OBX-1}"}]
    }]
  })");
  CHECK(out == R"({"o":[{"id":"ORD1","results":[{"order":"ORD1","code":"GLU","pos":"1"},)"
               R"({"order":"ORD1","code":"HBA1C","pos":"2"}]},)"
               R"({"id":"ORD2","results":[{"order":"ORD2","code":"WBC","pos":"1"}]}]})");
}

TEST_CASE("MAP-4.4 a loop over repetitions binds each one; it.1 and it.4.1 read components", "[mapping][span]") {
  MappingDir dir;
  const std::string out = dir.map(R"({
    "identifier": [{"$for": "PID-3[*]", "value": "${it.1}", "system": "${it.4.1}", "type": "${it.5}",
                    "name": "${PID-5.1}"}]
  })");
  // The span stays the message's, so PID-5 is still there.
  CHECK(out == R"({"identifier":[{"value":"P001","system":"HOSP","type":"MR","name":"Tran"},)"
               R"({"value":"BH123","system":"BHYT","type":"HC","name":"Tran"}]})");
}

TEST_CASE("MAP-2 $for over a list value and over nothing", "[mapping][span]") {
  MappingDir dir;
  CHECK(dir.map(R"j({"a": [{"$for": "split('x,y,z', ',')", "$value": "${upper(it)}"}],
                    "b": [{"$for": "NTE[*]", "$value": "${NTE-3}"}],
                    "c": [{"$for": "ZZZ", "v": 1}],
                    "d": [{"$for": "PID-99[*]", "v": 1}]})j") == R"({"a":["X","Y","Z"],"b":["fasting"]})");
}

TEST_CASE("MAP-4 a segment loop from a $let binding keeps the spans", "[mapping][span]") {
  MappingDir dir;
  CHECK(dir.map(R"({"$let": {"orders": "OBR[*]"},
                    "o": [{"$for": "orders", "n": "${count(OBX[*])}"}]})") == R"({"o":[{"n":2},{"n":1}]})");
}
