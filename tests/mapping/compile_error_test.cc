// MAP-9: every mistake found at load, each naming the file, the JSON path and
// what was expected; one test per kind of mistake.
#include <catch2/catch.hpp>

#include "tests/mapping/mapping_test_util.h"

using lienthong::testing::MappingDir;
using Lines = std::vector<std::string>;

TEST_CASE("MAP-9 JSON syntax error: line and column", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors("{\n  \"a\": 1\n  \"b\": 2\n}\n") ==
        Lines{dir.shown("m.json") + ": line 3, column 3: Missing a comma or '}' after an object member."});
}

TEST_CASE("MAP-9 a file that cannot be read", "[mapping][errors]") {
  MappingDir dir;
  auto plan = dir.compile("absent.json");
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().message == (dir.root() / "absent.json").string() + ": cannot read: no such file");
}

TEST_CASE("MAP-9 unknown $-key", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"entry": [{"resource": {"$fro": "OBX[*]"}}]})") ==
        Lines{dir.shown("m.json") + ": $.entry[0].resource.$fro: unknown $-key '$fro'"});
}

TEST_CASE("MAP-9 unknown function, with the column in the string", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"gender": "${lookpu('v2-0001', PID-8)}"})") ==
        Lines{dir.shown("m.json") +
              ": $.gender: unknown function 'lookpu' (at column 3 of \"${lookpu('v2-0001', PID-8)}\")"});
}

TEST_CASE("MAP-9 wrong number of arguments", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"a": "x ${substr(PID-5)}"})") ==
        Lines{dir.shown("m.json") +
              ": $.a: 'substr' takes 2 or 3 arguments, found 1 (at column 5 of \"x ${substr(PID-5)}\")"});
  CHECK(dir.errors(R"({"a": "${upper()}"})") ==
        Lines{dir.shown("m.json") + ": $.a: 'upper' takes 1 argument, found 0 (at column 3 of \"${upper()}\")"});
}

TEST_CASE("MAP-9 bad path", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"a": "${PID-3[x]}"})") ==
        Lines{dir.shown("m.json") +
              ": $.a: bad path 'PID-3[x]': at 7: expected [n] or [*] after the field number, found 'x' "
              "(at column 3 of \"${PID-3[x]}\")"});
}

TEST_CASE("MAP-9 unknown name (and a $let cannot use a later one)", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"a": "${patient}"})") ==
        Lines{dir.shown("m.json") + ": $.a: unknown name 'patient' (at column 3 of \"${patient}\")"});
  CHECK(dir.errors(R"({"$let": {"b": "a", "a": "1"}})") ==
        Lines{dir.shown("m.json") + ": $.$let.b: unknown name 'a' (at column 1 of \"a\")"});
  // `it` exists only inside a $for.
  CHECK(dir.errors(R"({"a": "${it.1}"})") ==
        Lines{dir.shown("m.json") + ": $.a: unknown name 'it' (at column 3 of \"${it.1}\")"});
}

TEST_CASE("MAP-9 $for outside an array", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"entry": [{"a": 1}, {"b": 2}, {"resource": {"$for": "OBX[*]", "v": "${OBX-5}"}}]})") ==
        Lines{dir.shown("m.json") + ": $.entry[2].resource: $for is only allowed in an element of an array"});
}

TEST_CASE("MAP-9 missing include", "[mapping][errors]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"patient": {"$include": "common/patient.json"}})") ==
        Lines{dir.shown("m.json") + ": $.patient.$include: cannot include '" + dir.shown("common/patient.json") +
              "': no such file"});
}

TEST_CASE("MAP-9 include cycle", "[mapping][errors]") {
  MappingDir dir;
  dir.write("a.json", R"({"x": {"$include": "b.json"}})");
  dir.write("b.json", R"({"y": [{"$include": "a.json"}]})");
  CHECK(dir.errors(R"({"top": {"$include": "a.json"}})") ==
        Lines{dir.shown("b.json") + ": $.y[0].$include: include cycle: " + dir.shown("a.json") + " -> " +
              dir.shown("b.json") + " -> " + dir.shown("a.json") + " (included at " + dir.shown("a.json") +
              ": $.x.$include) (included at " + dir.shown("m.json") + ": $.top.$include)"});
  // Including oneself is the shortest cycle.
  CHECK(dir.errors(R"({"me": {"$include": "self.json"}})", "self.json") ==
        Lines{dir.shown("self.json") + ": $.me.$include: include cycle: " + dir.shown("self.json") + " -> " +
              dir.shown("self.json")});
}

TEST_CASE("MAP-9 errors inside an included file name that file, then every place it is included from",
          "[mapping][errors]") {
  MappingDir dir;
  dir.write("inc.json", R"({"ok": 1, "bad": "${nope(1)}"})");
  CHECK(dir.errors(R"({"x": {"$include": "inc.json"}})") ==
        Lines{dir.shown("inc.json") + ": $.bad: unknown function 'nope' (at column 3 of \"${nope(1)}\") (included at " +
              dir.shown("m.json") + ": $.x.$include)"});
  // Two levels down (found by mapping_fuzz: a line that named only the innermost file did not
  // say which mapping was being compiled); a syntax error in an included file too.
  dir.write("outer.json", R"({"inner": {"$include": "inc.json"}})");
  dir.write("broken.json", "{\"a\": }");
  CHECK(dir.errors(R"({"y": {"$include": "outer.json"}, "z": {"$include": "broken.json"}})", "n.json") ==
        Lines{dir.shown("inc.json") + ": $.bad: unknown function 'nope' (at column 3 of \"${nope(1)}\") (included at " +
                  dir.shown("outer.json") + ": $.inner.$include) (included at " + dir.shown("n.json") + ": $.y.$include)",
              dir.shown("broken.json") + ": line 1, column 7: Invalid value. (included at " + dir.shown("n.json") +
                  ": $.z.$include)"});
}

TEST_CASE("MAP-9 bad regular expression", "[mapping][errors]") {
  MappingDir dir;
  const Lines errors = dir.errors(R"({"m": "${PID-8 matches '(['}"})");
  REQUIRE(errors.size() == 1);
  const std::string prefix = dir.shown("m.json") + ": $.m: bad regular expression '([': ";
  CHECK(errors[0].rfind(prefix, 0) == 0);
  CHECK(errors[0].find("(at column 17 of \"${PID-8 matches '(['}\")") != std::string::npos);
  // Counts above 1000, and counts of ten digits or more (which RE2 alone would read as text).
  const Lines huge = dir.errors(R"({"m": "${PID-8 matches '[A-Z]{44444444444444444444441}'}"})");
  REQUIRE(huge.size() == 1);
  CHECK(huge[0].find(dir.shown("m.json") + ": $.m: bad regular expression") == 0);
  CHECK(huge[0].find("invalid repetition size: {44444444444444444444441}") != std::string::npos);
  const Lines above = dir.errors(R"({"m": "${PID-8 matches 'x{2,5000}'}"})");
  REQUIRE(above.size() == 1);
  CHECK(above[0].find("invalid repetition size: {2,5000}") != std::string::npos);
  // Numbers outside braces are text, and counts up to 1000 are fine.
  CHECK(dir.errors(R"({"m": "${PID-8 matches 'a,5000|b{1000}|c{3,}'}"})").empty());
  // What a linear-time matcher cannot do is refused when the mapping loads, with the reason.
  const Lines backref = dir.errors(R"({"m": "${PID-8 matches '(a)\\\\1'}"})");
  REQUIRE(backref.size() == 1);
  CHECK(backref[0].find("invalid escape sequence: \\1") != std::string::npos);
  const Lines lookahead = dir.errors(R"({"m": "${PID-8 matches '(?=F)F'}"})");
  REQUIRE(lookahead.size() == 1);
  CHECK(lookahead[0].find("invalid perl operator: (?=") != std::string::npos);
  // The pattern must be a literal, so it can be checked now.
  CHECK(dir.errors(R"({"m": "${PID-8 matches PID-9}"})") ==
        Lines{dir.shown("m.json") + ": $.m: expected a regular expression in quotes after 'matches', found 'PID-9' "
                                    "(at column 17 of \"${PID-8 matches PID-9}\")"});
}

TEST_CASE("MAP-6.2 unknown code table", "[mapping][errors][tables]") {
  MappingDir dir;
  CHECK(dir.errors(R"({"g": "${lookup('v2-9999', PID-8)}"})") ==
        Lines{dir.shown("m.json") + ": $.g: unknown code table 'v2-9999' (no file " +
              (dir.root() / "tables" / "v2-9999.json").string() + ") (at column 3 of \"${lookup('v2-9999', PID-8)}\")"});
  CHECK(dir.errors(R"({"g": "${lookup(PID-8, 'M')}"})") ==
        Lines{dir.shown("m.json") +
              ": $.g: the first argument of lookup() must be a table name in quotes, such as 'v2-0001' "
              "(at column 3 of \"${lookup(PID-8, 'M')}\")"});
}

TEST_CASE("MAP-3 expression syntax mistakes", "[mapping][errors]") {
  MappingDir dir;
  const std::string f = dir.shown("m.json");
  CHECK(dir.errors(R"({"a": "${1 -2}"})") ==
        Lines{f + ": $.a: '-' needs spaces around it (a - b) (at column 5 of \"${1 -2}\")"});
  CHECK(dir.errors(R"({"a": "${PID-3"})") == Lines{f + ": $.a: expected '}' to close '${', found the end (at column 8 of \"${PID-3\")"});
  CHECK(dir.errors(R"({"a": "${}"})") == Lines{f + ": $.a: empty expression in ${} (at column 1 of \"${}\")"});
  CHECK(dir.errors(R"({"a": "${'abc}"})") ==
        Lines{f + ": $.a: unterminated string (missing ') (at column 3 of \"${'abc}\")"});
  CHECK(dir.errors(R"({"a": "${PID-8 = 'F'}"})") ==
        Lines{f + ": $.a: use '==' to compare (at column 9 of \"${PID-8 = 'F'}\")"});
}

TEST_CASE("MAP-2 misuse of $-keys", "[mapping][errors]") {
  MappingDir dir;
  const std::string f = dir.shown("m.json");
  CHECK(dir.errors(R"({"a": {"$as": "x", "v": 1}})") == Lines{f + ": $.a.$as: $as needs $for in the same object"});
  CHECK(dir.errors(R"({"a": [{"$for": "OBR", "$until": ["orc"], "v": 1}]})") ==
        Lines{f + ": $.a[0].$until[0]: expected a segment id such as \"ORC\""});
  CHECK(dir.errors(R"({"a": {"$value": 1, "b": 2}})") ==
        Lines{f + ": $.a: $value replaces the object: other keys are not allowed with it"});
  CHECK(dir.errors(R"({"a": {"$let": {"PID": "1"}}})") ==
        Lines{f + ": $.a.$let.PID: 'PID' would read as a segment id"});
  CHECK(dir.errors(R"({"a": {"$mapping": {}}})") ==
        Lines{f + ": $.a.$mapping: $mapping is only allowed at the top level of a mapping file"});
  CHECK(dir.errors(R"({"$mapping": {"input": "xml", "messages": ["ADT-A01"], "x": 1}})") ==
        Lines{f + ": $.$mapping.input: expected \"hl7v2\", \"fhir\" or \"json\"",
              f + ": $.$mapping.messages[0]: expected a message type such as \"ADT^A01\" or \"ADT^*\"",
              f + ": $.$mapping.x: unknown key (expected input, description, messages)"});
}

TEST_CASE("MAP-9 every error is reported, not only the first", "[mapping][errors]") {
  MappingDir dir;
  const std::string f = dir.shown("m.json");
  CHECK(dir.errors(R"({
    "a": "${lookpu(PID-8)}",
    "b": {"$for": "OBX[*]"},
    "c": [{"$bogus": 1}, "${PID-}"]
  })") == Lines{f + ": $.a: unknown function 'lookpu' (at column 3 of \"${lookpu(PID-8)}\")",
                f + ": $.b: $for is only allowed in an element of an array",
                f + ": $.c[0].$bogus: unknown $-key '$bogus'",
                f + ": $.c[1]: bad path 'PID-': at 5: expected a field number (1 or more), found the end "
                    "(at column 3 of \"${PID-}\")"});
}

TEST_CASE("MAP-9 a $for or $if whose string is only escaped text is an error, not a loop over nothing", "[mapping][errors]") {
  MappingDir dir;
  const std::string f = dir.shown("m.json");
  // "$${" is an escaped "${": the string is a literal text, which is no expression.
  CHECK(dir.errors(R"({"a": [{"$for": "PID$${*]", "v": 1}], "b": {"$if": "x$${y}", "c": 1}})") ==
        Lines{f + ": $.a[0].$for: expected one expression, found a literal text (\"$${\" is an escaped \"${\")",
              f + ": $.b.$if: expected one expression, found a literal text (\"$${\" is an escaped \"${\")"});
}
