#include "engine/hl7v2/ack.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"
#include "tests/support/files.h"

using namespace lienthong::hl7v2;

namespace {

const std::string kAdt251 =
    "MSH|^~\\&|HIS|BV_CHORAY|LIS|LAB|20240131101500+0700||ADT^A01^ADT_A01|MSG00042|P|2.5.1||||||UNICODE UTF-8\r"
    "PID|1||123456^^^BV^MR||NGUYEN^VAN A\r";

AckOptions fixed_options(std::string control_id = "ACK0001") {
  AckOptions o;
  o.control_id = std::move(control_id);
  o.time = std::chrono::sys_days(std::chrono::year(2024) / 1 / 31) + std::chrono::hours(3) +
           std::chrono::minutes(4) + std::chrono::seconds(5);
  o.utc_offset_minutes = 420;
  return o;
}

Message parse_ack(const std::string& ack) {
  ParseOptions strict;
  strict.strict = true;
  auto r = parse(ack, strict);
  INFO(ack);
  if (!r.ok()) FAIL(r.error().to_string());
  return std::move(r).value();
}

std::string field_text(const Message& m, std::string_view seg, std::size_t field, std::size_t occurrence = 1) {
  auto s = m.find(seg, occurrence);
  REQUIRE(s.has_value());
  return s->field(field).text();
}

MshHeader header_of(const std::string& bytes) { return read_header(bytes); }

}  // namespace

TEST_CASE("ack: original mode AA for v2.5.1 (ACK-1, ACK-2, ACK-3)", "[ack]") {
  MshHeader h = header_of(kAdt251);
  CHECK_FALSE(is_enhanced_mode(h));
  CHECK(ack_code_for(h, AckOutcome::kAccept) == AckCode::kAA);
  std::string ack = build_ack(h, AckCode::kAA, {}, fixed_options());
  CHECK(ack ==
        "MSH|^~\\&|LIS|LAB|HIS|BV_CHORAY|20240131100405+0700||ACK^A01^ACK|ACK0001|P|2.5.1||||||UNICODE UTF-8\r"
        "MSA|AA|MSG00042\r");
  Message m = parse_ack(ack);
  CHECK(m.segment_count() == 2);
  CHECK(m.message_code() == "ACK");
  CHECK(m.trigger_event() == "A01");
  CHECK(m.message_structure() == "ACK");
  CHECK(m.control_id() == "ACK0001");
  CHECK(m.version() == "2.5.1");
  CHECK(field_text(m, "MSA", 1) == "AA");
  CHECK(field_text(m, "MSA", 2) == "MSG00042");
}

TEST_CASE("ack: MSH-9 shape follows the version (ACK-2.4)", "[ack]") {
  auto with_version = [](const std::string& v) {
    return "MSH|^~\\&|A|B|C|D|20240101||ORU^R01|X1|T|" + v + "\rPID|1\r";
  };
  struct Case {
    const char* version;
    const char* type;
    const char* written_version;
  };
  const Case cases[] = {
      {"2.1", "ACK", "2.1"},           {"2.2", "ACK", "2.2"},
      {"2.3", "ACK^R01", "2.3"},       {"2.3.1", "ACK^R01", "2.3.1"},
      {"2.4", "ACK^R01^ACK", "2.4"},   {"2.8.2", "ACK^R01^ACK", "2.8.2"},
      {"2.9", "ACK^R01^ACK", "2.9"},   {"2.9.1", "ACK^R01^ACK", "2.9.1"},
      {"3.0", "ACK^R01^ACK", "2.5.1"}, {"", "ACK^R01^ACK", "2.5.1"},
      {"2.5^VNM", "ACK^R01^ACK", "2.5^VNM"},
  };
  for (const Case& c : cases) {
    INFO("version " << c.version);
    std::string ack = build_ack(read_header(with_version(c.version)), AckCode::kAA, {}, fixed_options());
    Message m = parse_ack(ack);
    CHECK(std::string(m.msh().field(9).raw()) == c.type);
    CHECK(std::string(m.msh().field(12).raw()) == c.written_version);
    CHECK(field_text(m, "MSH", 11) == "T");  // processing id kept
    CHECK(field_text(m, "MSA", 2) == "X1");
  }
}

TEST_CASE("ack: enhanced mode when MSH-15/16 are set (ACK-1)", "[ack]") {
  std::string msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A04|CTRL|P|2.5|||AL|NE\rPID|1\r";
  MshHeader h = read_header(msg);
  CHECK(is_enhanced_mode(h));
  CHECK(ack_code_for(h, AckOutcome::kAccept) == AckCode::kCA);
  CHECK(ack_code_for(h, AckOutcome::kError) == AckCode::kCE);
  CHECK(ack_code_for(h, AckOutcome::kReject) == AckCode::kCR);
  Message commit = parse_ack(build_ack(h, ack_code_for(h, AckOutcome::kAccept), {}, fixed_options()));
  CHECK(field_text(commit, "MSA", 1) == "CA");
  // Application ACK in enhanced mode uses the A codes.
  Message app = parse_ack(build_ack(h, AckCode::kAE, {}, fixed_options()));
  CHECK(field_text(app, "MSA", 1) == "AE");
}

TEST_CASE("ack: MSH-15 decides which commit answers are sent; original-mode answers always are (ACK-6)", "[ack]") {
  auto header = [](const std::string& msh15) {
    return read_header("MSH|^~\\&|A|B|C|D|20240101||ADT^A04|CTRL|P|2.5|||" + msh15 + "|AL\rPID|1\r");
  };
  struct Row {
    const char* msh15;
    bool ca, ce, cr;
  };
  for (const Row& row : {Row{"AL", true, true, true}, Row{"NE", false, false, false}, Row{"ER", false, true, true},
                         Row{"SU", true, false, false}, Row{"", true, true, true}, Row{"ne", false, false, false},
                         Row{" SU ", true, false, false}, Row{"XX", true, true, true}}) {
    INFO("MSH-15 \"" << row.msh15 << "\"");
    const MshHeader h = header(row.msh15);
    CHECK(answer_requested(h, AckCode::kCA) == row.ca);
    CHECK(answer_requested(h, AckCode::kCE) == row.ce);
    CHECK(answer_requested(h, AckCode::kCR) == row.cr);
    // A listener forced to original mode answers AA/AE/AR, which MSH-15 does not govern.
    CHECK(answer_requested(h, AckCode::kAA));
    CHECK(answer_requested(h, AckCode::kAR));
  }
}

TEST_CASE("ack: ERR for v2.5+ carries ERL, CWE code, severity and escaped message (ACK-4)", "[ack]") {
  AckError e;
  e.code = 101;
  e.location = {"PID", 1, 3, 2, 1, 0};
  e.severity = Severity::kError;
  e.message = "PID-3 must have an id | and ^ are escaped";
  AckError w;
  w.code = 103;
  w.location.segment_id = "PV1";
  w.location.segment_sequence = 1;
  w.location.field = 2;
  w.severity = Severity::kWarning;
  std::string ack = build_ack(read_header(kAdt251), AckCode::kAE, {e, w}, fixed_options());
  Message m = parse_ack(ack);
  REQUIRE(m.find("ERR", 2).has_value());
  auto err = *m.find("ERR", 1);
  CHECK(err.field(1).empty());
  CHECK(std::string(err.field(2).raw()) == "PID^1^3^2^1");
  CHECK(err.field(3).component(1).text() == "101");
  CHECK(err.field(3).component(2).text() == "Required field missing");
  CHECK(err.field(3).component(3).text() == "HL70357");
  CHECK(err.field(4).text() == "E");
  CHECK(err.field(8).text() == e.message);
  CHECK(err.field(8).raw().find('|') == std::string_view::npos);
  auto err2 = *m.find("ERR", 2);
  CHECK(std::string(err2.field(2).raw()) == "PV1^1^2");
  CHECK(err2.field(3).component(2).text() == "Table value not found");
  CHECK(err2.field(4).text() == "W");
  CHECK(err2.field_count() == 4);
  CHECK(m.find("MSA")->field_count() == 2);  // no MSA-3 from v2.5
}

TEST_CASE("ack: before v2.5 the error goes to ERR-1 (ELD) and MSA-3 (ACK-3.2, ACK-4)", "[ack]") {
  std::string msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|C9|P|2.3.1\rPID|1\r";
  AckError e;
  e.code = 102;
  e.location = {"PID", 1, 7, 0, 0, 0};
  e.message = "birth date is not a date";
  std::string ack = build_ack(read_header(msg), AckCode::kAE, {e}, fixed_options());
  Message m = parse_ack(ack);
  CHECK(field_text(m, "MSA", 3) == "birth date is not a date");
  auto err = *m.find("ERR");
  CHECK(std::string(err.field(1).raw()) == "PID^1^7^102&Data type error&HL70357");
  CHECK(err.field(1).component(4).subcomponent(2).text() == "Data type error");
  CHECK(err.field_count() == 1);
}

TEST_CASE("ack: the original's delimiters are used, texts escaped with them (ACK-2.1, ACK-4.2)", "[ack]") {
  std::string msg = "MSH#*!$%#A#B#C#D#20240101##ADT*A01#C1#P#2.4\rPID#1\r";
  AckError e;
  e.code = 207;
  e.message = "db * down # now";
  std::string ack = build_ack(read_header(msg), AckCode::kAR, {e}, fixed_options());
  CHECK(ack.rfind("MSH#*!$%#C#D#A#B#", 0) == 0);
  Message m = parse_ack(ack);
  CHECK(m.delimiters().component == '*');
  CHECK(m.delimiters().subcomponent == '%');
  CHECK(std::string(m.msh().field(9).raw()) == "ACK*A01*ACK");
  CHECK(field_text(m, "MSA", 3) == "db * down # now");
  CHECK(std::string(m.find("ERR")->field(1).raw()) == "***207%Application internal error%HL70357");
}

TEST_CASE("ack: a message that does not parse is answered AR/CR from its recovered MSH (ACK-4.3)", "[ack]") {
  // MSH-10 is there but MSH-9 is missing: the parser refuses it.
  std::string bad = "MSH|^~\\&|HIS|H1|LIS|L1|20240101|||CTRL77|P|2.5\rPID|1\r";
  auto parsed = parse(bad);
  REQUIRE_FALSE(parsed.ok());
  std::string ack = build_reject_ack(bad, parsed.error(), fixed_options());
  Message m = parse_ack(ack);
  CHECK(field_text(m, "MSA", 1) == "AR");
  CHECK(field_text(m, "MSA", 2) == "CTRL77");
  CHECK(field_text(m, "MSH", 3) == "LIS");
  auto err = *m.find("ERR");
  CHECK(err.field(3).component(1).text() == std::to_string(static_cast<int>(parsed.error().code)));
  CHECK(err.field(2).component(1).text() == "MSH");
  CHECK(err.field(2).component(2).text() == "1");
  CHECK(err.field(8).text() == parsed.error().to_string());

  std::string enhanced = "MSH|^~\\&|HIS|H1|LIS|L1|20240101|||CTRL78|P|2.5|||AL|AL\r";
  auto p2 = parse(enhanced);
  REQUIRE_FALSE(p2.ok());
  Message m2 = parse_ack(build_reject_ack(enhanced, p2.error(), fixed_options()));
  CHECK(field_text(m2, "MSA", 1) == "CR");
}

TEST_CASE("ack: garbage that has no MSH still gets a readable AR", "[ack]") {
  ParseError pe;
  pe.message = "no MSH";
  pe.code = ErrorCode::kSegmentSequence;
  Message m = parse_ack(build_reject_ack("hello", pe, fixed_options()));
  CHECK(field_text(m, "MSA", 1) == "AR");
  CHECK(field_text(m, "MSA", 2).empty());
  CHECK(m.version() == "2.5.1");
}

TEST_CASE("ack: ack_error_from counts the segment's occurrence", "[ack]") {
  std::string bytes = "MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rOBX|1\rOBX|2\rOBX|3|bad\r";
  ParseError pe;
  pe.segment_id = "OBX";
  pe.segment_index = 4;
  pe.field = 2;
  pe.offset = bytes.find("OBX|3") + 4;
  pe.code = ErrorCode::kDataType;
  pe.message = "bad";
  AckError e = ack_error_from(pe, bytes);
  CHECK(e.code == 102);
  CHECK(e.location.segment_id == "OBX");
  CHECK(e.location.segment_sequence == 3);
  CHECK(e.location.field == 2);
}

TEST_CASE("ack: control id, timestamp and code helpers", "[ack]") {
  using namespace std::chrono;
  sys_seconds t = sys_days(year(2023) / 12 / 31) + hours(23) + minutes(30);
  CHECK(hl7_timestamp(t, 420) == "20240101063000+0700");
  CHECK(hl7_timestamp(t, -300) == "20231231183000-0500");
  CHECK(hl7_timestamp(t, 0) == "20231231233000+0000");
  CHECK(hl7_timestamp(t, 330) == "20240101050000+0530");

  AckOptions o;
  o.time = t;
  o.utc_offset_minutes = 0;
  Message a = parse_ack(build_ack(read_header(kAdt251), AckCode::kAA, {}, o));
  Message b = parse_ack(build_ack(read_header(kAdt251), AckCode::kAA, {}, o));
  CHECK(a.control_id().size() == 20);
  CHECK(a.control_id() != b.control_id());

  CHECK(parse_ack_code("ce") == AckCode::kCE);
  CHECK(parse_ack_code("AR") == AckCode::kAR);
  CHECK_FALSE(parse_ack_code("AX").has_value());
  CHECK(hl7_error_text(0) == "Message accepted");
  CHECK(hl7_error_text(206) == "Application record locked");
  CHECK(hl7_error_text(999).empty());
}

TEST_CASE("ack: same shape as the corpus ACK in hapi messages.txt", "[ack][corpus]") {
  std::string text = lienthong::testing::read_file(lienthong::testing::corpus_dir() + "/hapi-hl7v2/util/messages.txt");
  REQUIRE_FALSE(text.empty());
  // The BAR^P01 from ADMISSION and the ACK RADIOLOGY sent back for it.
  std::size_t orig = text.find("MSH|^~\\}|ADMISSION|ADT1|RADIOLOGY|MIR1|19930502184808");
  std::size_t reply = text.find("MSH|^~\\}|RADIOLOGY|MIR1|ADMISSION|ADT1|19930502184808");
  REQUIRE(orig != std::string::npos);
  REQUIRE(reply != std::string::npos);
  std::string orig_msh = text.substr(orig, text.find('\n', orig) - orig);
  std::string reply_msh = text.substr(reply, text.find('\n', reply) - reply);
  if (!reply_msh.empty() && reply_msh.back() == '\r') reply_msh.pop_back();

  MshHeader h = read_header(orig_msh);
  REQUIRE(h.found);
  std::string ours = build_ack(h, AckCode::kAA, {}, fixed_options());
  auto theirs = parse(reply_msh + "\rMSA|AA|" + h.control_id + "\r");
  REQUIRE(theirs.ok());
  Message m = parse_ack(ours);
  for (std::size_t f : {1u, 2u, 3u, 4u, 5u, 6u, 11u}) {
    INFO("MSH-" << f);
    CHECK(m.msh().field(f).raw() == theirs->msh().field(f).raw());
  }
  CHECK(m.message_code() == theirs->message_code());
  CHECK(field_text(m, "MSA", 2) == h.control_id);
}
