#include "engine/hl7v2/message_builder.h"

#include <catch2/catch.hpp>

#include <string>

#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"
#include "engine/hl7v2/path.h"
#include "tests/support/files.h"

using namespace lienthong::hl7v2;
using lienthong::charset::Charset;
using lienthong::testing::corpus_dir;
using lienthong::testing::corpus_files;
using lienthong::testing::read_file;

namespace {

Message must_parse(const std::string& bytes, ParseOptions options = {}) {
  auto r = parse(bytes, options);
  if (!r.ok()) FAIL(r.error().to_string());
  return std::move(r).value();
}

std::string text_at(const Message& m, std::string_view path) {
  auto p = parse_path(path);
  REQUIRE(p.ok());
  auto found = select(m, *p);
  return found.empty() ? std::string() : found.front().text();
}

// The message's segments joined by CR, whatever terminators it had.
std::string normalised(const Message& m) {
  std::string out;
  for (std::size_t i = 0; i < m.segment_count(); ++i) {
    out.append(m.segment(i).raw());
    out.push_back('\r');
  }
  return out;
}

const std::string kAdt =
    "MSH|^~\\&|HIS|BV|LIS|LAB|20240101||ADT^A01^ADT_A01|42|P|2.5.1\r"
    "PID|1||123^^^BV^MR~456^^^BHYT^HC||NGUYEN^VAN A||19800101|M\r"
    "PV1|1|I\r";

}  // namespace

TEST_CASE("builder: an unmodified parsed message serialises to itself", "[builder]") {
  Message m = must_parse(kAdt);
  MessageBuilder b(m);
  CHECK(b.str() == kAdt);
  CHECK(b.segment_count() == 3);
  CHECK(b.segment_id(1) == "PID");
}

TEST_CASE("builder: round trip over the corpus (terminators normalised)", "[builder][corpus]") {
  int checked = 0;
  for (const char* dir : {"microsoft-fhir-converter", "python-hl7", "hapi-hl7v2/parser", "cdc-trusted-intermediary"}) {
    for (const auto& path : corpus_files(dir, {".hl7", ".txt"})) {
      std::string bytes = read_file(path);
      auto batch = split_batch(bytes);
      if (!batch.ok()) continue;
      for (const Batch& b : batch->batches) {
        for (std::string_view one : b.messages) {
          auto m = parse_view(one);
          if (!m.ok()) continue;
          INFO(path.string());
          MessageBuilder builder(*m);
          CHECK(builder.str() == normalised(*m));
          CHECK(builder.str("\n").size() == normalised(*m).size());
          ++checked;
        }
      }
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("builder: set escapes, set_raw does not", "[builder]") {
  MessageBuilder b(must_parse(kAdt));
  REQUIRE(b.set("PID-5.2", "THI^B|C&D~E\\F").ok());
  REQUIRE(b.set_raw("PID-8", "F^X").ok());
  Message m = must_parse(b.str());
  CHECK(text_at(m, "PID-5.2") == "THI^B|C&D~E\\F");
  CHECK(text_at(m, "PID-5.1") == "NGUYEN");
  CHECK(text_at(m, "PID-8.2") == "X");
  CHECK(std::string(m.find("PID")->field(5).raw()) == "NGUYEN^THI\\S\\B\\F\\C\\T\\D\\R\\E\\E\\F");
}

TEST_CASE("builder: writing creates what is missing", "[builder]") {
  MessageBuilder b(must_parse(kAdt));
  REQUIRE(b.set("PID-3[2].4.2", "VN").ok());        // existing repetition, new subcomponent
  REQUIRE(b.set("PID-11[3].3", "HA NOI").ok());      // new field, repetitions and component
  REQUIRE(b.set("OBX[2]-5", "7.5").ok());            // two new OBX at the end
  REQUIRE(b.set("PID-30", "N").ok());
  Message m = must_parse(b.str());
  CHECK(std::string(m.find("PID")->field(3).raw()) == "123^^^BV^MR~456^^^BHYT&VN^HC");
  CHECK(std::string(m.find("PID")->field(11).raw()) == "~~^^HA NOI");
  CHECK(m.segment_count() == 5);
  CHECK(m.segment(3).raw() == "OBX");
  CHECK(m.segment(4).raw() == "OBX|||||7.5");
  CHECK(text_at(m, "PID-30") == "N");
  CHECK(m.find("PID")->field_count() == 30);
}

TEST_CASE("builder: a field path without [n] writes the whole field", "[builder]") {
  MessageBuilder b(must_parse(kAdt));
  REQUIRE(b.set("PID-3", "999").ok());
  CHECK(b.raw("PID-3").value() == "999");
  MessageBuilder c(must_parse(kAdt));
  REQUIRE(c.set("PID-3[1]", "999").ok());
  CHECK(c.raw("PID-3").value() == "999~456^^^BHYT^HC");
  REQUIRE(c.set("PID-3.1", "777").ok());
  CHECK(c.raw("PID-3").value() == "777~456^^^BHYT^HC");
  CHECK(c.raw("PID-3[2].4").value() == "BHYT");
  CHECK(c.raw("PID-3[9]").value().empty());
  CHECK(c.raw("ZZZ-1").value().empty());
}

TEST_CASE("builder: bad writes are errors and change nothing", "[builder]") {
  MessageBuilder b(must_parse(kAdt));
  const std::string before = b.str();
  CHECK_FALSE(b.set("OBX[*]-5", "x").ok());
  CHECK_FALSE(b.set("PID-3[*]", "x").ok());
  CHECK_FALSE(b.set("PID", "x").ok());
  CHECK_FALSE(b.set("PID-", "x").ok());
  CHECK_FALSE(b.set_raw("PID-3", "a|b").ok());
  CHECK_FALSE(b.set_raw("PID-3", "a\rb").ok());
  CHECK_FALSE(b.set("MSH[2]-3", "x").ok());
  CHECK_FALSE(b.set("MSH-1", "||").ok());
  CHECK_FALSE(b.set("MSH-2", "^^").ok());
  CHECK_FALSE(b.remove_segment("MSH").ok());
  CHECK_FALSE(b.remove_segment("OBX").ok());
  CHECK_FALSE(b.add_segment("pid").ok());
  CHECK_FALSE(b.add_segment("MSH").ok());
  CHECK(b.str() == before);
}

TEST_CASE("builder: segments added, replaced, removed and cleared", "[builder]") {
  MessageBuilder b(must_parse(kAdt));
  REQUIRE(b.add_segment("ZVN").ok());
  REQUIRE(b.set("ZVN-2", "x").ok());
  REQUIRE(b.set_raw("PV1", "PV1|1|O|KHOA NOI").ok());
  CHECK_FALSE(b.set_raw("PV1", "PV2|1").ok());
  REQUIRE(b.remove_segment("PID").ok());
  REQUIRE(b.clear("MSH-6").ok());
  REQUIRE(b.clear("ZVN").ok());
  CHECK(b.str() ==
        "MSH|^~\\&|HIS|BV|LIS||20240101||ADT^A01^ADT_A01|42|P|2.5.1\r"
        "PV1|1|O|KHOA NOI\r"
        "ZVN\r");
}

TEST_CASE("builder: from scratch", "[builder]") {
  MessageBuilder b;
  CHECK(b.str() == "MSH|^~\\&\r");
  REQUIRE(b.set("MSH-9.1", "ADT").ok());
  REQUIRE(b.set("MSH-9.2", "A04").ok());
  REQUIRE(b.set("MSH-10", "C1").ok());
  REQUIRE(b.set("MSH-12", "2.5").ok());
  REQUIRE(b.set("PID-5", "TRẦN THỊ B").ok());
  CHECK(b.str("\n") == "MSH|^~\\&|||||||ADT^A04|C1||2.5\nPID|||||TRẦN THỊ B\n");
  Message m = must_parse(b.str());
  CHECK(m.trigger_event() == "A04");
  CHECK(b.raw("MSH-1").value() == "|");
  CHECK(b.raw("MSH-2").value() == "^~\\&");

  MessageBuilder tcvn(Delimiters{}, Charset::kTcvn3);
  CHECK(tcvn.raw("MSH-18").value() == "TCVN3");
  CHECK(tcvn.charset() == Charset::kTcvn3);
}

TEST_CASE("builder: MSH-1 and MSH-2 change the delimiters of the whole message", "[builder]") {
  MessageBuilder b(must_parse(kAdt));
  REQUIRE(b.set("PID-5.2", "A#B*C").ok());  // '#' and '*' are plain text until they become delimiters
  REQUIRE(b.set("MSH-1", "#").ok());
  REQUIRE(b.set("MSH-2", "*!$%").ok());
  std::string out = b.str();
  CHECK(out.rfind("MSH#*!$%#HIS#BV#", 0) == 0);
  Message m = must_parse(out);
  CHECK(m.delimiters().field == '#');
  CHECK(m.delimiters().component == '*');
  CHECK(text_at(m, "PID-5.2") == "A#B*C");
  CHECK(text_at(m, "PID-3[2].4") == "BHYT");
  CHECK(text_at(m, "PID-5.1") == "NGUYEN");
  CHECK(m.message_structure() == "ADT_A01");

  // A message with escapes keeps them, with the new escape character.
  MessageBuilder e(must_parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rNTE|1||a\\F\\b\\.br\\c\r"));
  REQUIRE(e.set_raw("MSH-2", "^~!&").ok());
  CHECK(e.raw("NTE-3").value() == "a!F!b!.br!c");
  CHECK(text_at(must_parse(e.str()), "NTE-3") == "a|b\nc");

  // Dropping the subcomponent separator is refused when the message uses it.
  MessageBuilder s(must_parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1||1&2\r"));
  CHECK_FALSE(s.set_raw("MSH-2", "^~\\").ok());
  CHECK(s.raw("MSH-2").value() == "^~\\&");
}

TEST_CASE("builder: encoded() re-encodes to a legacy charset and updates MSH-18", "[builder]") {
  MessageBuilder b(must_parse(kAdt));
  REQUIRE(b.set("PID-5.1", "NGUYỄN").ok());
  auto tcvn = b.encoded(Charset::kTcvn3);
  REQUIRE(tcvn.ok());
  CHECK(tcvn->find("|TCVN3\r") != std::string::npos);
  ParseOptions o;
  Message back = must_parse(*tcvn, o);
  CHECK(back.charset() == Charset::kTcvn3);
  CHECK(text_at(back, "PID-5.1") == "NGUYỄN");
  CHECK(text_at(back, "MSH-18") == "TCVN3");

  auto keep = b.encoded(Charset::kCp1258, false);
  REQUIRE(keep.ok());
  CHECK(keep->find("CP1258") == std::string::npos);

  REQUIRE(b.set("PID-5.2", "漢").ok());
  auto fails = b.encoded(Charset::kViscii);
  CHECK_FALSE(fails.ok());
}
