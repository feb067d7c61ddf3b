#include "engine/hl7v2/path.h"

#include <catch2/catch.hpp>

#include "engine/hl7v2/parser.h"

using lienthong::hl7v2::parse_path;
using lienthong::hl7v2::parse_view;
using lienthong::hl7v2::Path;
using lienthong::hl7v2::select;

namespace {
const std::string kOru =
    "MSH|^~\\&|LAB|BV|||20240105||ORU^R01^ORU_R01|L1|P|2.5.1\r"
    "PID|1||A1^^^BV^PI~B2^^^BHYT^HC||Tr\xE1\xBA\xA7n^\xC4\x90\xE1\xBB\xA9" "c L\xC6\xB0\xC6\xA1ng&x\r"
    "OBR|1\r"
    "OBX|1|NM|GLU||5.4|mmol/L\r"
    "OBX|2|NM|HB||13\\.br\\2|g/dL\r"
    "OBX|3|ST|NOTE||a~b\r";

std::vector<std::string> texts(const std::string& path) {
  auto msg = parse_view(kOru);
  REQUIRE(msg.ok());
  auto p = parse_path(path);
  REQUIRE(p.ok());
  std::vector<std::string> out;
  for (const auto& e : select(*msg, *p)) out.push_back(e.text());
  return out;
}
}  // namespace

TEST_CASE("paths parse into their parts", "[path]") {
  auto p = parse_path("OBX[3]-5[2].1.2");
  REQUIRE(p.ok());
  CHECK(p->segment_id() == "OBX");
  CHECK(p->segment_occurrence == 3);
  CHECK(p->field == 5);
  CHECK(p->repetition == 2);
  CHECK(p->component == 1);
  CHECK(p->subcomponent == 2);
  auto all = parse_path("OBX[*]-5[*]");
  REQUIRE(all.ok());
  CHECK(all->segment_occurrence == Path::kAll);
  CHECK(all->repetition == Path::kAll);
  auto dotted = parse_path("PID.3.1");
  REQUIRE(dotted.ok());
  CHECK(dotted->field == 3);
  CHECK(dotted->component == 1);
  auto seg = parse_path("ZP1");
  REQUIRE(seg.ok());
  CHECK(seg->field == 0);
}

TEST_CASE("malformed paths say where and what was expected", "[path]") {
  const char* bad[] = {"", "pid-3", "PI", "PID-", "PID-0", "PID-x", "PID-3[", "PID-3[0]", "PID-3[2",
                       "PID-3.", "PID-3.1.", "PID-3.1.2.3", "PID[-1]-3", "PID-3 ", "PID-999999"};
  for (const char* text : bad) {
    CAPTURE(text);
    auto p = parse_path(text);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().message.find("expected") != std::string::npos);
  }
  CHECK(parse_path("PID-x").error().message == "at 5: expected a field number (1 or more), found 'x'");
}

TEST_CASE("to_string gives back an equivalent path", "[path]") {
  for (const char* text : {"PID", "PID-3", "PID-3[2].1", "PID-5.1.1", "OBX[3]-5", "OBX[*]-5", "PID-3[*]", "MSH-9.2"}) {
    auto p = parse_path(text);
    REQUIRE(p.ok());
    CHECK(p->to_string() == text);
  }
}

TEST_CASE("select follows the terser conventions", "[path]") {
  CHECK(texts("PID-3") == std::vector<std::string>{"A1^^^BV^PI"});
  CHECK(texts("PID-3.1") == std::vector<std::string>{"A1"});
  CHECK(texts("PID-3[2].1") == std::vector<std::string>{"B2"});
  CHECK(texts("PID-3[*].5") == std::vector<std::string>{"PI", "HC"});
  CHECK(texts("PID-5.1") == std::vector<std::string>{"Tr\xE1\xBA\xA7n"});
  CHECK(texts("PID-5.2.1") == std::vector<std::string>{"\xC4\x90\xE1\xBB\xA9" "c L\xC6\xB0\xC6\xA1ng"});
  CHECK(texts("OBX-5") == std::vector<std::string>{"5.4"});
  CHECK(texts("OBX[2]-5") == std::vector<std::string>{"13\n2"});
  CHECK(texts("OBX[*]-3") == std::vector<std::string>{"GLU", "HB", "NOTE"});
  CHECK(texts("OBX[3]-5[*]") == std::vector<std::string>{"a", "b"});
  CHECK(texts("MSH-9.2") == std::vector<std::string>{"R01"});
  CHECK(texts("MSH-1") == std::vector<std::string>{"|"});
  CHECK(texts("MSH-2") == std::vector<std::string>{"^~\\&"});
  CHECK(texts("OBR") == std::vector<std::string>{"OBR|1"});
  // Absent positions select nothing.
  CHECK(texts("OBX[4]-5").empty());
  CHECK(texts("PID-3[3]").empty());
  CHECK(texts("PID-3.9").empty());
  CHECK(texts("ZZZ-1").empty());
  CHECK(texts("OBR-9").empty());
}
