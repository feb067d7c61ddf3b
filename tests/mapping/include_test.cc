// MAP-2 $include: each file compiled once and used from many places, each
// place giving it the values of its own names; errors and explain records
// still name the included file and the JSON path inside it.
#include <catch2/catch.hpp>

#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::ExplainRecord;
using lienthong::mapping::RunOptions;
using lienthong::testing::MappingDir;
using Lines = std::vector<std::string>;

TEST_CASE("MAP-2 one included file in many places, each with its own names", "[mapping][include]") {
  MappingDir dir;
  dir.write("coding.json", R"j({"$let": {"c": "code.1"}, "$if": "exists(c)", "code": "${c}", "text": "${code.2}"})j");
  CHECK(dir.map(R"({
    "$let": {"code": "OBR-4"},
    "order": {"$include": "coding.json"},
    "results": [{"$for": "OBX[*]", "$let": {"code": "it.3"}, "$include": "coding.json"}],
    "other": {"$let": {"code": "/OBR[2]-4"}, "$include": "coding.json"},
    "none": {"$let": {"code": "PID-99"}, "$include": "coding.json"}
  })") == R"({"order":{"code":"GLU","text":"Glucose"},)"
          R"("results":[{"code":"GLU","text":"Glucose"},{"code":"HBA1C","text":"HbA1c"},{"code":"WBC","text":"WBC"}],)"
          R"("other":{"code":"CBC","text":"Blood count"}})");
}

TEST_CASE("MAP-2 names reach nested included files through the files between", "[mapping][include]") {
  MappingDir dir;
  dir.write("outer.json", R"({"$let": {"mid": "'<' + tag"}, "inner": {"$include": "inner.json"}, "self": "${tag}"})");
  dir.write("inner.json", R"({"v": "${mid + who}", "loop": [{"$for": "/PID-3[*]", "id": "${it.1}${tag}"}]})");
  CHECK(dir.map(R"({"a": {"$let": {"tag": "'A'", "who": "PID-5.1"}, "$include": "outer.json"},
                    "b": [{"$for": "OBR", "$let": {"tag": "OBR-2", "who": "OBR-4.1"}, "$include": "outer.json"}]})") ==
        R"({"a":{"inner":{"v":"<ATran","loop":[{"id":"P001A"},{"id":"BH123A"}]},"self":"A"},)"
        R"("b":[{"inner":{"v":"<ORD1GLU","loop":[{"id":"P001ORD1"},{"id":"BH123ORD1"}]},"self":"ORD1"},)"
        R"({"inner":{"v":"<ORD2CBC","loop":[{"id":"P001ORD2"},{"id":"BH123ORD2"}]},"self":"ORD2"}]})");
}

TEST_CASE("MAP-2 a key written among an included object's members may include that file again",
          "[mapping][include]") {
  MappingDir dir;
  dir.write("x.json", R"({"$let": {"v": "n"}, "first": "${v}", "second": "${v}"})");
  CHECK(dir.map(R"({"$let": {"n": "'outer'"}, "o": {"$include": "x.json",
                    "first": {"$let": {"n": "'inner'"}, "$include": "x.json"}}})") ==
        R"({"o":{"first":{"first":"inner","second":"inner"},"second":"outer"}})");
}

TEST_CASE("MAP-2 a file bound by $let inside a merged file that has a copy of its own (a key among its members "
          "includes a file) gives each item its own value", "[mapping][include][memo]") {
  MappingDir dir;
  // value.json reads only its name `n`; part.json binds it from the loop item `v`.
  dir.write("value.json", R"({"twice": "${n + n}"})");
  dir.write("part.json", R"({"$let": {"val": {"$let": {"n": "v"}, "$include": "value.json"}}, "got": "${val.twice}"})");
  dir.write("extra.json", R"({"seen": "${v}"})");
  // "extra" holds an include, so part.json is compiled again for this place
  // (merge_include's private copy); value.json in it must not answer the second
  // item with the first item's value.
  CHECK(dir.map(R"({"items": [{"$for": "OBX[*]", "$as": "o", "$let": {"v": "o.5"}, "$include": "part.json",
                               "extra": {"$include": "extra.json"}}]})") ==
        R"({"items":[{"got":"5.45.4","extra":{"seen":"5.4"}},{"got":"6.16.1","extra":{"seen":"6.1"}},)"
        R"({"got":"7.87.8","extra":{"seen":"7.8"}}]})");
}

TEST_CASE("MAP-9 a name an included file needs is missing where it is included", "[mapping][errors][include]") {
  MappingDir dir;
  dir.write("inc.json", R"({"a": "${who}", "b": "x ${upper(who)}"})");
  // Reported at each use inside the file, once for each place that lacks it,
  // naming that place: the mistake may be in either file.
  const std::string m = dir.shown("m.json");
  CHECK(dir.errors(R"({"ok": {"$let": {"who": "PID-5"}, "$include": "inc.json"},
                      "bad": [{"x": {"$include": "inc.json"}}, {"$include": "inc.json"}]})") ==
        Lines{dir.shown("inc.json") + ": $.a: unknown name 'who' (at column 3 of \"${who}\"), needed by the $include at " +
                  m + ": $.bad[0].x.$include",
              dir.shown("inc.json") + ": $.b: unknown name 'who' (at column 11 of \"x ${upper(who)}\"), needed by the "
                  "$include at " + m + ": $.bad[0].x.$include",
              dir.shown("inc.json") + ": $.a: unknown name 'who' (at column 3 of \"${who}\"), needed by the $include at " +
                  m + ": $.bad[1].$include",
              dir.shown("inc.json") + ": $.b: unknown name 'who' (at column 11 of \"x ${upper(who)}\"), needed by the "
                  "$include at " + m + ": $.bad[1].$include"});
  // Through a file in between: the place in the top-level file.
  dir.write("mid.json", R"({"m": {"$include": "inc.json"}})");
  CHECK(dir.errors(R"({"y": {"$include": "mid.json"}})") ==
        Lines{dir.shown("inc.json") + ": $.a: unknown name 'who' (at column 3 of \"${who}\"), needed by the $include at " +
                  m + ": $.y.$include",
              dir.shown("inc.json") + ": $.b: unknown name 'who' (at column 11 of \"x ${upper(who)}\"), needed by the "
                  "$include at " + m + ": $.y.$include"});
}

TEST_CASE("MAP-10 explain names the included file and its JSON path from every place", "[mapping][include][explain]") {
  MappingDir dir;
  dir.write("inc/code.json", R"({"code": "${c.1}"})");
  auto plan = dir.plan(R"({"a": {"$let": {"c": "OBR-4"}, "$include": "inc/code.json"},
                           "b": [{"$for": "OBX[*]", "$let": {"c": "OBX-3"}, "$include": "inc/code.json"}]})");
  const std::vector<ExplainRecord> r = MappingDir::explain(*plan);
  REQUIRE(r.size() == 4);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"$.a.code", "OBR-4.1"}, {"$.b[0].code", "OBX-3.1"}, {"$.b[1].code", "OBX[2]-3.1"}, {"$.b[2].code", "OBX[3]-3.1"}};
  for (std::size_t i = 0; i < r.size(); ++i) {
    CHECK(r[i].output_path == expected[i].first);
    CHECK(r[i].mapping_file == dir.shown("inc/code.json"));
    CHECK(r[i].mapping_path == "$.code");
    CHECK(r[i].expression == "${c.1}");
    CHECK(r[i].inputs == std::vector<std::string>{expected[i].second});
  }
}

// A file bound by $let runs once per span and parameter values in a run
// (include_memo.h); each of these places differs from an earlier one in just
// one of those, so a lookup that ignored it would repeat the earlier value.
TEST_CASE("MAP-2 a file bound by $let again gives the value for its own input and span", "[mapping][include][memo]") {
  MappingDir dir;
  dir.write("key.json", R"j({"$value": "concat(code.1, '/', OBX-3.1)"})j");
  // No relative path of its own, but the file it includes has one.
  dir.write("through.json", R"j({"$let": {"inner": {"$include": "key.json"}}, "$value": "inner"})j");
  // OBX-2 is NM in each OBX: the same bytes, but where they sit is read.
  // A file that returns its parameter: the caller reads where it sits.
  dir.write("same.json", R"j({"$value": "code"})j");
  // A file whose value is an object, read by key.
  dir.write("object.json", R"j({"a": "${OBX-3.1}", "b": "${code.1}"})j");
  dir.write("where.json", R"j({"$value": "concat(code, '@', segment_index(code))"})j");
  const std::string skeleton = R"j({
    "$let": {"code": "/OBR-4"},
    "a": {"$let": {"k": {"$include": "key.json"}}, "v": "${k}"},
    "b": {"$let": {"k": {"$include": "key.json"}}, "v": "${k}"},
    "per_obx": [{"$for": "OBX[*]", "$let": {"code": "it.3", "k": {"$include": "key.json"}}, "v": "${k}"}],
    "per_obr": [{"$for": "OBR[*]", "$let": {"k": {"$include": "key.json"}}, "v": "${k}"}],
    "if_false": {"$let": {"k": {"$if": "false", "$include": "key.json"}}, "v": "${k ?? 'none'}"},
    "through": [{"$for": "OBR[*]", "$let": {"k": {"$include": "through.json"}}, "v": "${k}"}],
    "where": [{"$for": "OBX[*]", "$let": {"code": "it.2", "k": {"$include": "where.json"}}, "v": "${k}"}],
    "object": [{"$for": "OBR[*]", "$let": {"o": {"$include": "object.json"}}, "v": "${o.a}/${o.b}"}],
    "returned": [{"$for": "OBX[*]", "$let": {"code": "it.2", "k": {"$include": "same.json"}}, "v": "${segment_index(k)}"}]
  })j";
  // The output when the first order's and first result's code is `code`.
  auto expected = [](const std::string& code) {
    std::string out = R"({"a":{"v":"GLU/GLU"},"b":{"v":"GLU/GLU"},)"
                      R"("per_obx":[{"v":"GLU/GLU"},{"v":"HBA1C/HBA1C"},{"v":"WBC/WBC"}],)"
                      R"("per_obr":[{"v":"GLU/GLU"},{"v":"GLU/WBC"}],"if_false":{"v":"none"},)"
                      R"("through":[{"v":"GLU/GLU"},{"v":"GLU/WBC"}],)"
                      R"("where":[{"v":"NM@5"},{"v":"NM@6"},{"v":"NM@10"}],)"
                      R"("object":[{"v":"GLU/GLU"},{"v":"WBC/GLU"}],)"
                      R"("returned":[{"v":5},{"v":6},{"v":10}]})";
    for (std::size_t at = out.find("GLU"); at != std::string::npos; at = out.find("GLU", at + code.size())) {
      out.replace(at, 3, code);
    }
    return out;
  };
  CHECK(dir.map(skeleton) == expected("GLU"));
  // The next run of the same thread starts with nothing remembered, though its
  // message may sit where the last one did.
  std::string other = lienthong::testing::kOru;
  other.replace(other.find("GLU^Glucose^L\nOBX|1"), 3, "LDL");
  other.replace(other.find("OBX|1|NM|GLU"), 12, "OBX|1|NM|LDL");
  CHECK(dir.map(skeleton, other) == expected("LDL"));
}

TEST_CASE("MAP-2 a file whose value is an expression gives that value as it is: a segment, an element", "[mapping][include]") {
  MappingDir dir;
  dir.write("second_obx.json", R"j({"$value": "/OBX[2]"})j");
  dir.write("name.json", R"j({"$let": {"p": "/PID-5"}, "$if": "exists(p)", "$value": "p"})j");
  const std::string skeleton = R"j({"$let": {"s": {"$include": "second_obx.json"}, "n": {"$include": "name.json"}},
      "code": "${s.3.1}", "idx": "${segment_index(s)}", "family": "${n.1}", "given": "${n.2}", "text": "${n}"})j";
  const std::string expected = R"({"code":"HBA1C","idx":6,"family":"Tran","given":"Thi B","text":"Tran"})";
  CHECK(dir.map(skeleton) == expected);
  // Explain runs the file every time and must give the same output.
  RunOptions options;
  options.explain = true;
  CHECK(dir.map(skeleton, lienthong::testing::kOru, options) == expected);
}

TEST_CASE("MAP-2 an included array is spliced: its elements take the place of the $include, in order, with this "
          "place's names and the array's $unique keys",
          "[mapping][include][splice]") {
  MappingDir dir;
  // Shared runs of entries, as the order-family mappings use them (the second splices a third).
  dir.write("entries/results.json", R"([
    {"$for": "OBX[*]", "$as": "obx", "$unique": "obx.3.1", "code": "${obx.3.1}", "who": "${who}"},
    {"$include": "entries/tail.json", "$comment": "a splice inside a splice"}
  ])");
  dir.write("entries/tail.json", R"([{"$unique": "'GLU'", "code": "GLU again"}, {"last": "${who}"}])");
  CHECK(dir.map(R"({"$let": {"who": "PID-5.1"}, "items": [
    {"$unique": "'HBA1C'", "code": "first"},
    {"$include": "entries/results.json"},
    {"after": true}
  ]})") == R"({"items":[{"code":"first"},{"code":"GLU","who":"Tran"},{"code":"WBC","who":"Tran"},)"
           R"({"last":"Tran"},{"after":true}]})");
  // An empty file adds nothing; an object file is still one element.
  dir.write("entries/none.json", "[]");
  dir.write("one.json", R"({"one": 1})");
  CHECK(dir.map(R"({"items": [{"$include": "entries/none.json"}, {"$include": "one.json"}]})") ==
        R"({"items":[{"one":1}]})");
}

TEST_CASE("MAP-9 splices: keys beside the $include, cycles, and mistakes inside name this place",
          "[mapping][include][splice][errors]") {
  MappingDir dir;
  dir.write("list.json", R"([{"a": "${nope(1)}"}])");
  const std::string m = dir.shown("m.json");
  CHECK(dir.errors(R"({"items": [{"$if": "true", "$include": "list.json"}]})") ==
        Lines{m + ": $.items[0].$if: an included array is spliced into this array (MAP-2): no other key beside "
                  "$include and $comment",
              dir.shown("list.json") + ": $[0].a: unknown function 'nope' (at column 3 of \"${nope(1)}\") (included at " +
                  m + ": $.items[0].$include)"});
  // A file that does not parse, or does not exist, as an element: reported once, naming this place.
  dir.write("broken.json", "[{\"a\": }]");
  CHECK(dir.errors(R"({"items": [{"$include": "broken.json"}], "again": [{"$include": "broken.json"}]})") ==
        Lines{dir.shown("broken.json") + ": line 1, column 8: Invalid value. (included at " + m + ": $.items[0].$include)"});
  CHECK(dir.errors(R"({"items": [{"$include": "none.json"}]})") ==
        Lines{m + ": $.items[0].$include: cannot include '" + dir.shown("none.json") + "': no such file"});
  dir.write("loop.json", R"([{"x": 1}, {"$include": "loop.json"}])");
  CHECK(dir.errors(R"({"items": [{"$include": "loop.json"}]})") ==
        Lines{dir.shown("loop.json") + ": $[1].$include: include cycle: " + dir.shown("loop.json") + " -> " +
                  dir.shown("loop.json") + " (included at " + m + ": $.items[0].$include)"});
}

TEST_CASE("MAP-10 explain names a spliced element's own file and JSON path", "[mapping][include][splice][explain]") {
  MappingDir dir;
  dir.write("list.json", R"([{"code": "${OBR-4.1}"}])");
  auto plan = dir.plan(R"({"items": [{"x": "${PID-5.1}"}, {"$include": "list.json"}]})");
  const std::vector<ExplainRecord> r = MappingDir::explain(*plan);
  REQUIRE(r.size() == 2);
  CHECK(r[1].output_path == "$.items[1].code");
  CHECK(r[1].mapping_file == dir.shown("list.json"));
  CHECK(r[1].mapping_path == "$[0].code");
}
