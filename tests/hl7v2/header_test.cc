#include "engine/hl7v2/header.h"

#include <catch2/catch.hpp>

#include "engine/hl7v2/parser.h"
#include "tests/support/files.h"

using lienthong::hl7v2::read_header;

TEST_CASE("read_header recovers MSH from messages that do not parse", "[header]") {
  // Missing MSH-9: the parser rejects it, but an AR can still carry MSH-10.
  auto h = read_header("\x0BMSH|^~\\&|HIS|BV|LT|SYT|2024|||C77|P|2.3.1||||||UNICODE UTF-8\rPID|1\x1C\r");
  CHECK(h.found);
  CHECK(h.sending_application == "HIS");
  CHECK(h.receiving_facility == "SYT");
  CHECK(h.message_type.empty());
  CHECK(h.control_id == "C77");
  CHECK(h.processing_id == "P");
  CHECK(h.version == "2.3.1");
  CHECK(h.character_set == "UNICODE UTF-8");
}

TEST_CASE("read_header never fails", "[header]") {
  for (const char* bytes : {"", "MSH", "MSH|", "garbage\r", "\xEF\xBB\xBF", "MSH\r|^~\\&"}) {
    auto h = read_header(bytes);
    CHECK(h.control_id.empty());
  }
  CHECK_FALSE(read_header("PID|1").found);
  auto odd = read_header("MSH|^|A||||||X|9");
  CHECK(odd.delimiters.component == '^');
  CHECK(odd.delimiters.repetition == '~');  // default filled in for the answer
  CHECK(odd.control_id == "9");
}

TEST_CASE("read_header on the CDC negative MSH cases", "[header][corpus]") {
  namespace t = lienthong::testing;
  std::string dir = t::corpus_dir() + "/cdc-trusted-intermediary/Message/";
  std::string no9 = t::read_file(dir + "msh_present_but_missing_msh-9.hl7");
  if (no9.empty()) { WARN("corpus not present"); return; }
  CHECK_FALSE(lienthong::hl7v2::parse_view(no9).ok());
  CHECK(read_header(no9).control_id == "111111");
  std::string no10 = t::read_file(dir + "msh_present_but_missing_msh-10.hl7");
  auto r = lienthong::hl7v2::parse_view(no10);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == 10);
  CHECK(read_header(no10).message_type == "ORM^O01^ORM_O01");
  auto no2 = lienthong::hl7v2::parse(t::read_file(dir + "msh_present_but_missing_msh-2.hl7"));
  REQUIRE_FALSE(no2.ok());
  CHECK(no2.error().field == 2);
  CHECK_FALSE(lienthong::hl7v2::parse(t::read_file(dir + "msh_present_but_missing_all_fields.hl7")).ok());
  CHECK_FALSE(lienthong::hl7v2::parse(t::read_file(dir + "empty.hl7")).ok());
  // MSH-6 is optional in HL7 v2: a missing receiving facility is not an error.
  CHECK(lienthong::hl7v2::parse(t::read_file(dir + "msh_present_but_missing_msh-6.hl7")).ok());
}
