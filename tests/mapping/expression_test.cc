// MAP-1 (values and templates) and MAP-3 (expressions), through whole mappings
// run on a real ORU message.
#include <catch2/catch.hpp>

#include "tests/mapping/mapping_test_util.h"

using lienthong::testing::MappingDir;

TEST_CASE("MAP-3.1 paths select elements; text is the first component, unescaped", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("PID-3.1") == R"("P001")");
  CHECK(dir.eval("PID-3[2].1") == R"("BH123")");
  CHECK(dir.eval("PID-3[2].4") == R"("BHYT")");
  CHECK(dir.eval("PID-5") == R"("Tran")");  // MAP-3.6: a field with components gives its first
  CHECK(dir.eval("PID-5.2") == R"("Thi B")");
  CHECK(dir.eval("PID.5.2") == R"("Thi B")");
  CHECK(dir.eval("OBX[2]-5") == R"("6.1")");
  CHECK(dir.eval("OBX[*]-5") == R"(["5.4","6.1","7.8"])");
  CHECK(dir.eval("PID-3[*].1") == R"(["P001","BH123"])");
  CHECK(dir.eval("MSH-9.2") == R"("R01")");
  CHECK(dir.eval("PID-11") == R"("A&B")");     // \T\ decoded
  CHECK(dir.eval("PID-13") == "<absent>");     // "" is HL7's null: empty
  CHECK(dir.eval("PID-99") == "<absent>");
  CHECK(dir.eval("ZZZ-1") == "<absent>");
  CHECK(dir.eval("OBX[9]-5") == "<absent>");
}

TEST_CASE("MAP-1.2 a lone ${expr} keeps its type", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("1") == "1");
  CHECK(dir.eval("1.5") == "1.5");
  CHECK(dir.eval("true") == "true");
  CHECK(dir.eval("false") == "false");
  CHECK(dir.eval("null") == "<absent>");
  CHECK(dir.eval("'text'") == R"("text")");
  CHECK(dir.eval("['a', 2, null, true]") == R"(["a",2,true])");
  CHECK(dir.eval("number(OBX-5)") == "5.4");
}

TEST_CASE("MAP-3 comparison operators: numbers when one side is a number, else text", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("PID-8 == 'F'") == "true");
  CHECK(dir.eval("PID-8 != 'F'") == "false");
  CHECK(dir.eval("PID-8 == 'M'") == "false");
  CHECK(dir.eval("2 < 10") == "true");
  CHECK(dir.eval("'2' < '10'") == "false");  // both texts: compared as text
  CHECK(dir.eval("OBX[3]-5 > 7") == "true");  // one number: numeric (7.8 > 7)
  CHECK(dir.eval("OBX[3]-5 > '7'") == "true");
  CHECK(dir.eval("10 <= 10") == "true");
  CHECK(dir.eval("10 >= 11") == "false");
  CHECK(dir.eval("OBX-1 == 1") == "true");
  CHECK(dir.eval("'1.0' == 1") == "true");
  CHECK(dir.eval("'1.0' == '1'") == "false");
}

TEST_CASE("MAP-3 logic, precedence and parentheses", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("true or false and false") == "true");  // and binds tighter than or
  CHECK(dir.eval("(true or false) and false") == "false");
  CHECK(dir.eval("not PID-8 == 'M'") == "true");         // not applies to the comparison
  CHECK(dir.eval("not not PID-99") == "false");
  CHECK(dir.eval("1 + 2 == 3") == "true");               // + binds tighter than ==
  CHECK(dir.eval("PID-99 ?? 1 + 2") == "3");             // ?? is the loosest
  CHECK(dir.eval("PID-8 == 'F' and exists(PID-3)") == "true");
  CHECK(dir.eval("PID-99 or PID-8") == "true");
  CHECK(dir.eval("'false' or 0") == "true");             // MAP-3.7: "false" is falsy, 0 is not empty
  CHECK(dir.eval("'false' or ''") == "false");
}

TEST_CASE("MAP-3.5 ?? gives the first non-empty value", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("PID-99 ?? 'x'") == R"("x")");
  CHECK(dir.eval("'' ?? PID-13 ?? ZZZ-1 ?? 'z'") == R"("z")");
  CHECK(dir.eval("PID-8 ?? 'x'") == R"("F")");
  CHECK(dir.eval("PID-99 ?? null") == "<absent>");
  CHECK(dir.eval("PID-3[*].9 ?? 'none'") == R"("none")");  // a list of nothing is empty
}

TEST_CASE("MAP-3.4 numbers written into built objects still compare as numbers", "[mapping][expr]") {
  MappingDir dir;
  // The third OBX is segment 10, the first segment 5: as text "10" < "5".
  dir.write("f.json", R"j({"n": "${segment_index(/OBX[3])}"})j");
  CHECK(dir.map(R"j({"$let": {"o": {"a": "${segment_index(/OBX[3])}", "b": "${segment_index(/OBX)}"},
                                  "f": {"$include": "f.json"}},
                      "gt": "${o.a > o.b}", "lt": "${o.a < o.b}", "eq": "${o.a == f.n}", "mixed": "${o.a > '5'}"})j") ==
        R"({"gt":true,"lt":false,"eq":true,"mixed":true})");
}

TEST_CASE("MAP-3.4 in takes a list", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("PID-8 in ['M', 'F']") == "true");
  CHECK(dir.eval("'X' in ['M', 'F']") == "false");
  CHECK(dir.eval("'BH123' in PID-3[*].1") == "true");
  CHECK(dir.eval("2 in [1, 2]") == "true");
  CHECK(dir.eval("PID-99 in ['M']") == "false");
  // Lists of literals are built when the mapping loads; they read the same as any other.
  CHECK(dir.eval("'M' in []") == "false");
  CHECK(dir.eval("'M' in [null, 'M']") == "true");
  CHECK(dir.eval("PID-8 in [PID-99, 'M', 'F']") == "true");
  CHECK(dir.eval("['a', null, 'b']") == R"(["a","b"])");
}

TEST_CASE("MAP-3.4 matches is a whole-value match", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("PID-3.1 matches 'P[0-9]+'") == "true");
  CHECK(dir.eval("PID-3.1 matches '[0-9]+'") == "false");  // must match all of it
  CHECK(dir.eval("PID-5.2 matches 'Thi\\\\s\\\\w'") == "true");
  CHECK(dir.eval("PID-99 matches '.*'") == "false");
}

TEST_CASE("MAP-3.4 matches reads characters, not bytes (UTF-8)", "[mapping][expr]") {
  MappingDir dir;
  const std::string msg = "MSH|^~\\&|HIS|BV|LT|LT|20240101||ADT^A01|X1|P|2.5.1|||||VNM|UNICODE UTF-8\n"
                          "PID|1||P1^^^BV^PI||Nguyễn^Thị Ánh\n";
  // "Nguyễn" is 6 characters in 8 bytes.
  CHECK(dir.eval("PID-5.1 matches '.{6}'", msg) == "true");
  CHECK(dir.eval("PID-5.1 matches 'Nguy.n'", msg) == "true");
  CHECK(dir.eval("PID-5.2 matches '[^ ]+ [ÁÀẢÃẠA]nh'", msg) == "true");
}

TEST_CASE("MAP-3.4 matches takes time linear in the value, whatever the pattern", "[mapping][expr]") {
  MappingDir dir;
  // A backtracking matcher (std::regex) tries 2^n ways to split n letters between the
  // two repetitions before it fails: 28 letters took 9 s, 5,000 would never end.
  // Here the run ends (ctest's timeout would fail a hang).
  const std::string msg = "MSH|^~\\&|HIS|BV|LT|LT|20240101||ADT^A01|X1|P|2.5.1\n"
                          "PID|1||P1^^^BV^PI||" + std::string(5000, 'N') + "!^AN\n";
  CHECK(dir.eval("PID-5.1 matches '([A-Z]+)+'", msg) == "false");
  CHECK(dir.eval("PID-5.1 matches '([A-Z]+)+!'", msg) == "true");
  // Nor is a long value cut off: 300,000 characters are read.
  const std::string long_msg = "MSH|^~\\&|HIS|BV|LT|LT|20240101||ADT^A01|X1|P|2.5.1\n"
                               "PID|1||P1^^^BV^PI||" + std::string(300000, 'N') + "Z\n";
  CHECK(dir.eval("PID-5.1 matches 'N+Z'", long_msg) == "true");
}

TEST_CASE("MAP-3.8 + adds numbers and joins text; - subtracts numbers", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("1 + 2") == "3");
  CHECK(dir.eval("1.5 + 2") == "3.5");
  CHECK(dir.eval("'a' + 'b'") == R"("ab")");
  CHECK(dir.eval("'id-' + PID-3.1") == R"("id-P001")");
  CHECK(dir.eval("'a' + 1") == R"("a1")");
  CHECK(dir.eval("5 - 2") == "3");
  CHECK(dir.eval("OBX[3]-5 - 0.8") == "7.0");
  CHECK(dir.eval("'x' - 1") == "<absent>");
}

TEST_CASE("MAP-3.3 names, .key and [n] on values", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("['a', 'b', 'c'][2]") == R"("b")");
  CHECK(dir.eval("['a'][5]") == "<absent>");
  CHECK(dir.eval("split('x,y', ',')[2]") == R"("y")");
  CHECK(dir.eval("(PID-3[*])[2].4") == R"("BHYT")");
}

TEST_CASE("MAP-3.2 strings: \\' and \\\\ escapes", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.eval("'it\\'s'") == R"("it's")");
  CHECK(dir.eval("'a\\\\b'") == R"("a\\b")");
}

TEST_CASE("MAP-1.3 templates join pieces; any empty expression empties the string", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.map(R"({"a": "Patient/${PID-3.1}", "b": "Patient/${PID-99}", "c": "${PID-5.1}, ${PID-5.2}",
                    "d": "${1}-${true}", "e": "n=${count(OBX[*])}"})") ==
        R"({"a":"Patient/P001","c":"Tran, Thi B","d":"1-true","e":"n=3"})");
}

TEST_CASE("MAP-1.4 $${ writes a literal ${", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.map(R"({"a": "$${x}", "b": "cost $${PID-3.1} = ${PID-3.1}", "c": "$$"})") ==
        R"({"a":"${x}","b":"cost ${PID-3.1} = P001","c":"$$"})");
}

TEST_CASE("MAP-1.1/1.5 literals are output as written; null is pruned", "[mapping][expr]") {
  MappingDir dir;
  CHECK(dir.map(R"({"s": "plain", "n": 12, "d": 1.25, "t": true, "f": false, "z": null, "e": ""})") ==
        R"({"s":"plain","n":12,"d":1.25,"t":true,"f":false})");
}
