// A whole message in each legacy charset reads as the same UTF-8 values, whether
// MSH-18 declares the charset or a setting overrides it.
#include <catch2/catch.hpp>

#include "engine/charset/charset.h"
#include "engine/hl7v2/parser.h"
#include "engine/hl7v2/path.h"

using lienthong::charset::Charset;
using lienthong::hl7v2::parse_view;
using lienthong::hl7v2::ParseOptions;

namespace {

std::string message_with(std::string_view msh18) {
  return "MSH|^~\\&|HIS|BVDK|LT|SYT|20240105083000||ADT^A04^ADT_A01|M1|P|2.5||||||" + std::string(msh18) +
         "\rPID|1||BN01^^^BVDK^PI||Ph\xE1\xBA\xA1m^V\xC4\x83n \xC4\x90\xE1\xBB\x93ng||19060301|M|||"
         "S\xE1\xBB\x91 1 \xC4\x91\xC6\xB0\xE1\xBB\x9Dng Tr\xE1\xBA\xA7n H\xC6\xB0ng \xC4\x90\xE1\xBA\xA1o^^H\xC3\xA0 N\xE1\xBB\x99i\r"
         "NK1|1|Nguy\xE1\xBB\x85n^Th\xE1\xBB\x8B \xC3\x81nh|MTH\r";
}

std::string get(const lienthong::hl7v2::Message& m, std::string_view path) {
  auto p = lienthong::hl7v2::parse_path(path);
  REQUIRE(p.ok());
  auto values = lienthong::hl7v2::select(m, *p);
  REQUIRE(values.size() == 1);
  return values.front().text();
}

}  // namespace

TEST_CASE("a message in each Vietnamese legacy charset reads as UTF-8 NFC", "[parser][charset]") {
  const std::string utf8 = message_with("UNICODE UTF-8");
  auto reference = parse_view(utf8);
  REQUIRE(reference.ok());
  const char* paths[] = {"PID-5.1", "PID-5.2", "PID-11.1", "PID-11.3", "NK1-2.1", "NK1-2.2"};

  struct Case {
    Charset cs;
    const char* msh18;
  };
  for (Case c : {Case{Charset::kCp1258, "CP1258"}, Case{Charset::kTcvn3, "TCVN3"},
                 Case{Charset::kViscii, "VISCII"}, Case{Charset::kVni, "VNI"}}) {
    CAPTURE(c.msh18);
    auto legacy = lienthong::charset::from_utf8(message_with(c.msh18), c.cs);
    REQUIRE(legacy.ok());
    CHECK(*legacy != message_with(c.msh18));  // really re-encoded

    auto declared = parse_view(*legacy);
    REQUIRE(declared.ok());
    CHECK(declared->charset() == c.cs);

    ParseOptions forced;
    forced.charset = c.cs;
    auto overridden = parse_view(*legacy, forced);
    REQUIRE(overridden.ok());

    for (const char* path : paths) {
      CAPTURE(path);
      CHECK(get(*declared, path) == get(*reference, path));
      CHECK(get(*overridden, path) == get(*reference, path));
    }
    // Encoding the parsed text back gives the bytes that were received.
    auto back = lienthong::charset::from_utf8(declared->text(), c.cs);
    REQUIRE(back.ok());
    CHECK(*back == *legacy);
  }
}

TEST_CASE("reading a legacy message as UTF-8 is an error, not mojibake", "[parser][charset]") {
  auto tcvn = lienthong::charset::from_utf8(message_with(""), Charset::kTcvn3);
  REQUIRE(tcvn.ok());
  auto r = parse_view(*tcvn);  // MSH-18 empty: UTF-8 assumed
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("tcvn3") != std::string::npos);
  std::size_t first_high = 0;
  while (static_cast<unsigned char>((*tcvn)[first_high]) < 0x80) ++first_high;
  CHECK(r.error().offset == first_high);
}

TEST_CASE("error offsets in a converted message point into the bytes received", "[parser][charset]") {
  // Found by the parse fuzzer: 0xD4 is one byte in TCVN3 but three in UTF-8, so an
  // offset into the conversion overshot the input.
  std::string msg =
      "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|5|P|2.5|||||\xd4\xd4\xd4\xd4\xd4\xd4|TCVN\rPID1|\r";
  ParseOptions strict;
  strict.strict = true;
  auto r = parse_view(msg, strict);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().offset == msg.find("PID1"));
}
