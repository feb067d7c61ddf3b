#include "engine/hl7v2/parser.h"

#include <catch2/catch.hpp>
#include <string>

using lienthong::hl7v2::ErrorCode;
using lienthong::hl7v2::Message;
using lienthong::hl7v2::parse;
using lienthong::hl7v2::parse_view;
using lienthong::hl7v2::ParseOptions;

namespace {

const std::string kAdt =
    "MSH|^~\\&|HIS|BVCR|LIENTHONG|SYT|20240105083000+0700||ADT^A01^ADT_A01|MSG00001|P|2.5.1|||AL|NE||UNICODE UTF-8\r"
    "EVN|A01|20240105083000\r"
    "PID|1||BN0001^^^BVCR^PI~DN4797912345678^^^BHYT^HC||Nguy\xE1\xBB\x85n^Th\xE1\xBB\x8B \xC3\x81nh||19850214|F\r"
    "PV1|1|I|K01^P101^G05\r";

}  // namespace

TEST_CASE("parses segments and header fields of a UTF-8 ADT^A01", "[parser]") {
  auto r = parse_view(kAdt);
  REQUIRE(r.ok());
  const Message& m = *r;
  CHECK(m.segment_count() == 4);
  CHECK(m.segment(0).id() == "MSH");
  CHECK(m.segment(3).id() == "PV1");
  CHECK(m.control_id() == "MSG00001");
  CHECK(m.message_code() == "ADT");
  CHECK(m.trigger_event() == "A01");
  CHECK(m.message_structure() == "ADT_A01");
  CHECK(m.version() == "2.5.1");
  CHECK(m.text() == kAdt);
  CHECK(m.text().data() == kAdt.data());  // a view: no copy of UTF-8 input
}

TEST_CASE("owned parse survives moves of the message, including short inputs", "[parser]") {
  std::string small = "MSH|^~\\&|||||||A^B|1\r";
  auto r = parse(small);
  REQUIRE(r.ok());
  Message a = std::move(*r);
  Message b = std::move(a);
  Message c = b;  // copy
  CHECK(b.control_id() == "1");
  CHECK(c.control_id() == "1");
  CHECK(c.text() == small);
  CHECK(c.text().data() != b.text().data());
}

TEST_CASE("segment terminators: CR, LF and CRLF in lenient mode; CR only in strict mode", "[parser]") {
  for (std::string sep : {"\r", "\n", "\r\n"}) {
    std::string msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|42|P|2.3" + sep + "PID|1||X" + sep;
    auto r = parse_view(msg);
    REQUIRE(r.ok());
    CHECK(r->segment_count() == 2);
    CHECK(r->segment(1).raw() == "PID|1||X");
    CHECK(r->text() == msg);
  }
  ParseOptions strict;
  strict.strict = true;
  auto bad = parse_view("MSH|^~\\&|A|B|C|D|20240101||ADT^A08|42|P|2.3\nPID|1\n", strict);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kSegmentSequence);
  CHECK(bad.error().offset == 43);
  CHECK(parse_view("MSH|^~\\&|A|B|C|D|20240101||ADT^A08|42|P|2.3\rPID|1\r", strict).ok());
}

TEST_CASE("a UTF-8 BOM and blank lines are skipped but kept in the text", "[parser]") {
  std::string msg = "\xEF\xBB\xBFMSH|^~\\&|||||||ORU^R01|7|P|2.4\n\nOBX|1\n\n";
  auto r = parse_view(msg);
  REQUIRE(r.ok());
  CHECK(r->segment_count() == 2);
  CHECK(r->segment(0).id() == "MSH");
  CHECK(r->text() == msg);
}

TEST_CASE("a line that is not a segment continues the previous one in lenient mode", "[parser]") {
  std::string msg = "MSH|^~\\&|||||||ORU^R01|7|P|2.4\rOBX|1|TX|||first line\r  second line\rNTE|1\r";
  auto r = parse_view(msg);
  REQUIRE(r.ok());
  REQUIRE(r->segment_count() == 3);
  CHECK(r->segment(1).field(5).raw() == "first line\r  second line");
  ParseOptions strict;
  strict.strict = true;
  auto s = parse_view(msg, strict);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().segment_index == 3);
}

TEST_CASE("a bad segment id followed by the field separator is an error", "[parser]") {
  auto r = parse_view("MSH|^~\\&|||||||ADT^A01|1|P|2.5\rPid|1\r");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().offset == 31);
  CHECK(r.error().segment_index == 2);
}

TEST_CASE("delimiters come from MSH-1 and MSH-2", "[parser][delimiters]") {
  SECTION("unusual but valid set") {
    auto r = parse_view("MSH^~|\\&^SEND^FAC^^^^^ADT~A24^ID9^P^2.4\rPID^1^^A|B~C\r");
    REQUIRE(r.ok());
    const auto& d = r->delimiters();
    CHECK(d.field == '^');
    CHECK(d.component == '~');
    CHECK(d.repetition == '|');
    CHECK(r->trigger_event() == "A24");
    CHECK(r->control_id() == "ID9");
    CHECK(r->segment(1).field(3).repetition_count() == 2);
    CHECK(r->segment(1).field(3).repetition(2).component(2).raw() == "C");
  }
  SECTION("v2.7 truncation character") {
    auto r = parse_view("MSH|^~\\&#|A||||||ADT^A01|1|P|2.7\r");
    REQUIRE(r.ok());
    CHECK(r->delimiters().truncation == '#');
  }
  SECTION("doubled escape character written by some senders") {
    auto r = parse_view("MSH|^~\\\\&|A||||||ADT^A01|1|P|2.6\r");
    REQUIRE(r.ok());
    CHECK(r->delimiters().escape == '\\');
    CHECK(r->delimiters().subcomponent == '&');
    CHECK(r->delimiters().truncation == '\0');
  }
  SECTION("only two encoding characters") {
    auto r = parse_view("MSH|^~|A||||||ADT^A01|1|P|2.1\r");
    REQUIRE(r.ok());
    CHECK(r->delimiters().escape == '\0');
    CHECK(r->delimiters().subcomponent == '\0');
  }
  SECTION("repeated delimiter") {
    auto r = parse_view("MSH|^^\\&|A||||||ADT^A01|1|P|2.5\r");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().field == 2);
    CHECK(r.error().offset == 5);
  }
  SECTION("alphanumeric field separator") {
    auto r = parse_view("MSHA^~\\&A\r");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().field == 1);
  }
}

TEST_CASE("malformed messages are values with a reason, offset and 0357 code", "[parser][errors]") {
  struct Case {
    std::string input;
    ErrorCode code;
    std::size_t field;
  };
  const Case cases[] = {
      {"", ErrorCode::kRequiredFieldMissing, 0},
      {"\r\n  ", ErrorCode::kRequiredFieldMissing, 0},
      {"PID|1\r", ErrorCode::kSegmentSequence, 0},
      {"MSH|", ErrorCode::kRequiredFieldMissing, 2},
      {"MSH", ErrorCode::kRequiredFieldMissing, 1},
      {"MSH||A|B\r", ErrorCode::kRequiredFieldMissing, 2},
      {"MSH|^~\\&|A|B|C|D|2024||^A01|1|P|2.5\r", ErrorCode::kRequiredFieldMissing, 9},
      {"MSH|^~\\&|A|B|C|D|2024||ADT^A01||P|2.5\r", ErrorCode::kRequiredFieldMissing, 10},
      {"MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5||||||ISO IR87\r", ErrorCode::kTableValueNotFound, 18},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
    auto r = parse_view(c.input);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    CHECK(r.error().field == c.field);
    CHECK_FALSE(r.error().message.empty());
  }
}

TEST_CASE("a batch or two messages are not one message", "[parser][errors]") {
  auto b = parse_view("BHS|^~\\&\rMSH|^~\\&|||||||ADT^A01|1|P|2.5\rBTS|1\r");
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message.find("batch") != std::string::npos);
  auto two = parse_view("MSH|^~\\&|||||||ADT^A01|1|P|2.5\rMSH|^~\\&|||||||ADT^A01|2|P|2.5\r");
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().offset == 31);
}

TEST_CASE("strict mode requires MSH-7, 11, 12 and a known version", "[parser][strict]") {
  ParseOptions strict;
  strict.strict = true;
  auto no_version = parse_view("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P\r", strict);
  REQUIRE_FALSE(no_version.ok());
  CHECK(no_version.error().field == 12);
  auto bad_version = parse_view("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|3.0\r", strict);
  REQUIRE_FALSE(bad_version.ok());
  CHECK(bad_version.error().code == ErrorCode::kUnsupportedVersion);
  CHECK(parse_view("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.8\r", strict).ok());
  CHECK(parse_view("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.9.1\r", strict).ok());  // v2.9 (2019), 2.9.1
  CHECK(parse_view("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|3.0\r").ok());  // lenient
}

TEST_CASE("invalid UTF-8 names the byte and suggests the encoding setting", "[parser][charset]") {
  std::string msg = "MSH|^~\\&|||||||ADT^A01|1|P|2.5\rPID|1||||Nguy\xEA\xDEn\r";
  auto r = parse_view(msg);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kDataType);
  CHECK(r.error().offset == msg.find('\xEA'));
  CHECK(r.error().message.find("cp1258") != std::string::npos);
}

TEST_CASE("legacy charsets are converted to UTF-8 NFC when parsed", "[parser][charset]") {
  // Windows-1258: "Nguy" + e-circumflex (0xEA) + combining tilde (0xDE) + "n".
  std::string msg = "MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||CP1258\rPID|1||||Nguy\xEA\xDEn\r";
  auto r = parse_view(msg);
  REQUIRE(r.ok());
  CHECK(r->charset() == lienthong::charset::Charset::kCp1258);
  CHECK(r->segment(1).field(5).text() == "Nguy\xE1\xBB\x85n");
  ParseOptions override_cs;
  override_cs.charset = lienthong::charset::Charset::kCp1258;
  std::string undeclared = "MSH|^~\\&|||||||ADT^A01|1|P|2.5\rPID|1||||Nguy\xEA\xDEn\r";
  auto o = parse_view(undeclared, override_cs);
  REQUIRE(o.ok());
  CHECK(o->segment(1).field(5).text() == "Nguy\xE1\xBB\x85n");
}

TEST_CASE("input that hung another HL7 library terminates", "[parser][regression]") {
  std::string msg = "MSH|^|||||||^A|||2.2\r^AA";
  auto r = parse_view(msg);
  // MSH-9.1 is empty, so this is rejected, quickly and with a reason.
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == 9);
}
