#include "engine/hl7v2/json_writer.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <string>

#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/parser.h"
#include "tests/support/files.h"

using namespace lienthong::hl7v2;
using lienthong::testing::corpus_dir;
using lienthong::testing::read_file;

namespace {

Message must_parse(const std::string& bytes) {
  auto r = parse(bytes);
  if (!r.ok()) FAIL(r.error().to_string());
  return std::move(r).value();
}

rapidjson::Document must_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  INFO(text);
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

}  // namespace

TEST_CASE("json: the documented shape", "[json]") {
  Message m = must_parse(
      "MSH|^~\\&|HIS|BV|||20240101||ADT^A01|1|P|2.5\r"
      "PID|1||12345^^^MR||NGUYEN^VAN A||19800101|M\r");
  std::string json = to_json(m);
  CHECK(json ==
        R"({"segments":[{"id":"MSH","fields":{"1":"|","2":"^~\\&","3":"HIS","4":"BV","7":"20240101",)"
        R"("9":[["ADT","A01"]],"10":"1","11":"P","12":"2.5"}},)"
        R"({"id":"PID","fields":{"1":"1","3":[["12345","","","MR"]],"5":[["NGUYEN","VAN A"]],"7":"19800101","8":"M"}}]})");
  must_json(json);
}

TEST_CASE("json: repetitions, subcomponents, escapes and explicit null", "[json]") {
  Message m = must_parse(
      "MSH|^~\\&|A||||||ADT^A08|2|P|2.5\r"
      "PID|1|\"\"|A~B^C~|X&Y^Z||Tr\\S\\n \\T\\ \\F\\ Th\\E\\ n|\"\"^V\r");
  std::string json = to_json(m);
  auto d = must_json(json);
  const auto& f = d["segments"][1]["fields"];
  CHECK(f["2"].IsNull());
  // PID-3: three repetitions: a string, components, and an empty string.
  REQUIRE(f["3"].IsArray());
  REQUIRE(f["3"].Size() == 3);
  CHECK(std::string(f["3"][0].GetString()) == "A");
  CHECK(std::string(f["3"][1][0].GetString()) == "B");
  CHECK(std::string(f["3"][1][1].GetString()) == "C");
  CHECK(std::string(f["3"][2].GetString()).empty());
  // PID-4: one repetition, component 1 has subcomponents.
  REQUIRE(f["4"][0][0].IsArray());
  CHECK(std::string(f["4"][0][0][1].GetString()) == "Y");
  CHECK(std::string(f["4"][0][1].GetString()) == "Z");
  CHECK_FALSE(f.HasMember("5"));
  CHECK(std::string(f["6"].GetString()) == "Tr^n & | Th\\ n");
  CHECK(f["7"][0][0].IsNull());
  CHECK(std::string(f["7"][0][1].GetString()) == "V");
}

TEST_CASE("json: non-ASCII text is UTF-8 and control characters are escaped", "[json]") {
  Message m = must_parse("MSH|^~\\&|A||||||ADT^A01|3|P|2.5\rPID|1||||Nguy\xE1\xBB\x85n \\X0A\\ Th\xE1\xBB\x8B\r");
  std::string json = to_json(m);
  auto d = must_json(json);
  CHECK(std::string(d["segments"][1]["fields"]["5"].GetString()) == "Nguy\xE1\xBB\x85n \n Th\xE1\xBB\x8B");
  CHECK(json.find("\\n") != std::string::npos);
}

TEST_CASE("json: pretty output parses to the same document", "[json]") {
  Message m = must_parse(read_file(corpus_dir() + "/python-hl7/sample_hl7.hl7"));
  JsonOptions pretty;
  pretty.pretty = true;
  std::string a = to_json(m);
  std::string b = to_json(m, pretty);
  CHECK(b.find('\n') != std::string::npos);
  CHECK(must_json(a) == must_json(b));
}

TEST_CASE("json: a batch file becomes a messages array", "[json][corpus]") {
  std::string bytes = read_file(corpus_dir() + "/python-hl7/sample_file1.hl7");
  auto batch = split_batch(bytes);
  REQUIRE(batch.ok());
  auto json = to_json(*batch);
  REQUIRE(json.ok());
  auto d = must_json(*json);
  REQUIRE(d["messages"].Size() == 3);
  for (const auto& msg : d["messages"].GetArray()) {
    CHECK(std::string(msg["segments"][0]["id"].GetString()) == "MSH");
    CHECK(std::string(msg["segments"][0]["fields"]["9"][0][0].GetString()) == "ADT");
    CHECK(msg["segments"].Size() == 6);
  }
}

TEST_CASE("json: a bad message in a batch is reported at its file offset", "[json]") {
  std::string good = "MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1\r";
  std::string bad = "MSH|^~\\&|A||||||ADT^A01|2|P|2.5\rPid|1\r";
  std::string bytes = good + bad;
  auto batch = split_batch(bytes);
  REQUIRE(batch.ok());
  auto json = to_json(*batch);
  REQUIRE_FALSE(json.ok());
  CHECK(json.error().offset >= good.size());
  CHECK(json.error().offset < bytes.size());
}

TEST_CASE("json: every corpus message converts to valid JSON", "[json][corpus]") {
  int converted = 0;
  for (const auto& path : lienthong::testing::corpus_files("microsoft-fhir-converter", {".hl7"})) {
    std::string bytes = read_file(path);
    auto batch = split_batch(bytes);
    if (!batch.ok()) continue;
    auto json = to_json(*batch);
    if (!json.ok()) continue;
    INFO(path.string());
    auto d = must_json(*json);
    CHECK(d["messages"].Size() == batch->message_count());
    ++converted;
  }
  CHECK(converted > 50);
}
