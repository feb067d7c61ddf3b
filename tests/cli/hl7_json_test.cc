#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <string>

#include "tests/cli/run_cli.h"
#include "tests/support/files.h"

using lienthong::testing::corpus_dir;
using lienthong::testing::run_cli;

TEST_CASE("cli json: a batch file is a messages array", "[cli][json]") {
  auto r = run_cli({"hl7", "json", corpus_dir() + "/python-hl7/sample_file1.hl7"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  REQUIRE(!r.out.empty());
  CHECK(r.out.back() == '\n');
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d["messages"].Size() == 3);
  const auto& pid = d["messages"][1]["segments"][2];
  CHECK(std::string(pid["id"].GetString()) == "PID");
  CHECK(std::string(pid["fields"]["3"][0][0].GetString()) == "0000112234");
  CHECK(std::string(d["messages"][1]["segments"][0]["fields"]["10"].GetString()) == "12334456778891");
}

TEST_CASE("cli json: --pretty and stdin", "[cli][json]") {
  std::string msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||\"\"|X\r";
  auto r = run_cli({"hl7", "json", "--pretty", "-"}, msg);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("\n  ") != std::string::npos);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  REQUIRE_FALSE(d.HasParseError());
  CHECK(d["messages"][0]["segments"][1]["fields"]["3"].IsNull());
}

TEST_CASE("cli json: bad input gives no JSON, one error line, status 2", "[cli][json]") {
  std::string msg =
      "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1\r"
      "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|2|P|2.5\rPV1|1\rPid|2\r";
  auto r = run_cli({"hl7", "json", "-"}, msg);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  INFO(r.err);
  CHECK(r.err.rfind("<stdin>: message 2, byte ", 0) == 0);
  CHECK(r.err.find("segment 3") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  // The offset is into the whole input: it points at the bad segment.
  std::size_t at = r.err.find("byte ") + 5;
  std::size_t offset = std::stoul(r.err.substr(at));
  CHECK(offset >= msg.find("Pid|2"));
  CHECK(offset < msg.size());
}
