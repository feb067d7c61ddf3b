// MAP-5 rejections (required, error) and MAP-10 explain records.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::ExplainRecord;
using lienthong::mapping::RunOptions;
using lienthong::testing::MappingDir;

TEST_CASE("MAP-5 required() rejects an empty value with the author's reason and where", "[mapping][reject]") {
  MappingDir dir;
  auto plan = dir.plan(R"({"entry": [{"resource": {"id": "${required(PID-99, 'patient id (PID-99) missing')}"}}]})");
  auto msg = lienthong::testing::message(lienthong::testing::kOru);
  auto out = lienthong::mapping::run(*plan, msg);
  REQUIRE_FALSE(out.ok());
  CHECK(out.error().message == "patient id (PID-99) missing");
  CHECK(out.error().where == dir.shown("m.json") + ": $.entry[0].resource.id");
  // A present value passes through with its type.
  CHECK(dir.map(R"({"id": "${required(PID-3.1, 'x')}", "n": "${required(1, 'x')}"})") == R"({"id":"P001","n":1})");
}

TEST_CASE("MAP-5 error() rejects when reached, and only then", "[mapping][reject]") {
  MappingDir dir;
  const std::string skeleton = R"json({
    "gender": "${PID-8}",
    "check": {"$if": "not (PID-8 in ['M', 'F'])", "x": "${error('unsupported sex code')}"},
    "later": [{"$for": "OBX[*]", "$if": "OBX-2 != 'NM'", "$value": "${error('only numeric results')}"}]
  })json";
  CHECK(dir.map(skeleton) == R"({"gender":"F"})");
  const std::string other = "MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5\nPID|1||X||N||19900101|U\n";
  CHECK(dir.map(skeleton, other) == "REJECTED: " + dir.shown("m.json") + ": $.check.x: unsupported sex code");
  const std::string text_result =
      "MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5\nPID|1||X||N||19900101|M\nOBX|1|TX|C||text\n";
  CHECK(dir.map(skeleton, text_result) == "REJECTED: " + dir.shown("m.json") + ": $.later[0].$value: only numeric results");
}

TEST_CASE("MAP-5 a reason that comes out empty is answered with a stated one, never a blank", "[mapping][reject]") {
  MappingDir dir;
  // Found by mapping_fuzz: 'sop'.t has no value, so error() got an empty reason.
  CHECK(dir.map(R"({"x": "${error('sop'.t)}"})") ==
        "REJECTED: " + dir.shown("m.json") + ": $.x: rejected by the mapping (no reason given)");
  CHECK(dir.map(R"({"x": "${required(PID-99, PID-98)}"})") ==
        "REJECTED: " + dir.shown("m.json") + ": $.x: rejected by the mapping (no reason given)");
}

TEST_CASE("MAP-10 explain: output path, mapping file and path, expression, inputs with occurrences", "[mapping][explain]") {
  MappingDir dir;
  auto plan = dir.plan(R"({
    "resourceType": "Bundle",
    "ids": [{"$for": "PID-3[*]", "value": "${it.1}", "system": "urn:${it.4}"}],
    "orders": [{"$for": "OBR", "values": [{"$for": "OBX[*]", "$value": "${OBX-5}"}]}],
    "gender": "${PID-8 ?? 'unknown'}",
    "missing": "${PID-99}"
  })");
  const std::vector<ExplainRecord> r = MappingDir::explain(*plan);
  REQUIRE(r.size() == 8);
  const std::string file = dir.shown("m.json");
  CHECK(r[0].output_path == "$.ids[0].value");
  CHECK(r[0].mapping_file == file);
  CHECK(r[0].mapping_path == "$.ids[0].value");
  CHECK(r[0].expression == "${it.1}");
  CHECK(r[0].inputs == std::vector<std::string>{"PID-3.1"});
  CHECK(r[3].output_path == "$.ids[1].system");
  CHECK(r[3].expression == "urn:${it.4}");
  CHECK(r[3].inputs == std::vector<std::string>{"PID-3[2].4"});
  CHECK(r[4].output_path == "$.orders[0].values[0]");
  CHECK(r[4].mapping_path == "$.orders[0].values[0].$value");
  CHECK(r[4].inputs == std::vector<std::string>{"OBX-5"});
  CHECK(r[5].output_path == "$.orders[0].values[1]");
  CHECK(r[5].inputs == std::vector<std::string>{"OBX[2]-5"});
  CHECK(r[6].output_path == "$.orders[1].values[0]");
  CHECK(r[6].inputs == std::vector<std::string>{"OBX[3]-5"});
  CHECK(r[7].output_path == "$.gender");
  CHECK(r[7].expression == "${PID-8 ?? 'unknown'}");
  CHECK(r[7].inputs == std::vector<std::string>{"PID-8"});
  // The JSON form the CLI prints.
  const std::string json = lienthong::mapping::explain_json({r[7]}, false);
  CHECK(json == R"([{"output":"$.gender","mapping":")" + file +
                    R"(","path":"$.gender","expression":"${PID-8 ?? 'unknown'}","inputs":["PID-8"]}])");
}

TEST_CASE("MAP-10 explain does not change the output", "[mapping][explain]") {
  MappingDir dir;
  auto plan = dir.plan(R"({"a": [{"$for": "OBX[*]", "v": "${OBX-5}", "c": "${OBX-3.1}"}], "b": "${/PID-5.2}"})");
  auto msg = lienthong::testing::message(lienthong::testing::kOru);
  RunOptions explain;
  explain.explain = true;
  auto with = lienthong::mapping::run(*plan, msg, explain);
  auto without = lienthong::mapping::run(*plan, msg);
  REQUIRE(with.ok());
  REQUIRE(without.ok());
  CHECK(with->json == without->json);
  CHECK(without->explain.empty());
  CHECK(with->explain.size() == 7);
}

TEST_CASE("a plan runs on several threads at once with the same results", "[mapping][threads]") {
  MappingDir dir;
  auto plan = dir.plan(R"({"o": [{"$for": "OBR", "code": "${OBR-4.1}", "v": [{"$for": "OBX[*]", "$value": "${number(OBX-5)}"}],
                           "id": "${uuid('Obs', OBR-2, PID-3.1)}"}], "p": "${upper(/PID-5.2)}"})");
  auto msg = lienthong::testing::message(lienthong::testing::kOru);
  const std::string expected = lienthong::mapping::run(*plan, msg)->json;
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        auto out = lienthong::mapping::run(*plan, msg);
        if (!out.ok() || out->json != expected) ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}
