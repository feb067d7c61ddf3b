// Undefined bytes and unrepresentable characters: errors name the offset.

#include <catch2/catch.hpp>

#include "engine/charset/charset.h"
#include "tests/charset/charset_test_util.h"

namespace lienthong::charset {
namespace {
using testing::bytes;
}  // namespace

TEST_CASE("undefined cp1258 bytes are errors with offset and advice") {
  // Holes of the Windows-1258 chart.
  for (const int b : {0x81, 0x8A, 0x8D, 0x8E, 0x8F, 0x90, 0x9A, 0x9D, 0x9E}) {
    const std::string raw = std::string(57, 'x') + bytes({b}) + "yz";
    auto r = to_utf8(raw, Charset::kCp1258);
    INFO("byte " << b);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().where == "byte 57");
  }
  auto r = to_utf8(std::string(57, 'x') + bytes({0x81}), Charset::kCp1258);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "byte 0x81 at offset 57 is not defined in cp1258; check the listener's or --encoding "
        "setting (the sender may use tcvn3 or vni)");
}

TEST_CASE("the defined cp1258 high bytes decode") {
  CHECK(*to_utf8(bytes({0x80, 0xFE, 0x9F}), Charset::kCp1258) == "€₫Ÿ");
}

TEST_CASE("ASCII rejects high bytes, Latin-1 maps them") {
  auto r = to_utf8("Nguy" + bytes({0xEA}) + "n", Charset::kAscii);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().where == "byte 4");
  CHECK_THAT(r.error().message, Catch::Contains("not defined in ascii"));
  CHECK(*to_utf8("0123456789" + bytes({0xC9, 0xFF}), Charset::kLatin1) == "0123456789Éÿ");
  CHECK(*from_utf8("Éÿ", Charset::kLatin1) == bytes({0xC9, 0xFF}));
  CHECK(*from_utf8("e\u0301", Charset::kLatin1) == bytes({0xE9}));  // NFC first
}

TEST_CASE("TCVN3 and VISCII undefined bytes") {
  // glibc leaves no byte of TCVN5712-1 or VISCII undefined; the one glibc gap
  // we can probe is that TCVN3 cannot hold U+0001 (its byte is Ú).
  auto r = from_utf8("a\x01", Charset::kTcvn3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().where == "byte 1");
  CHECK(r.error().message == "U+0001 cannot be encoded in tcvn3");
  CHECK(*to_utf8(bytes({0x01}), Charset::kTcvn3) == "Ú");
  CHECK(*to_utf8(bytes({0x02}), Charset::kViscii) == "Ẳ");
  CHECK_FALSE(from_utf8("\x02", Charset::kViscii).ok());
  // HL7 framing and segment separators survive.
  CHECK(*to_utf8("\x0bMSH|\r\x1c\r", Charset::kTcvn3) == "\x0bMSH|\r\x1c\r");
  CHECK(*from_utf8("\x0bMSH|\r\x1c\r", Charset::kViscii) == "\x0bMSH|\r\x1c\r");
}

TEST_CASE("characters an encoding lacks are errors naming the character and offset") {
  auto r = from_utf8("Bệnh 中", Charset::kTcvn3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "U+4E2D '中' cannot be encoded in tcvn3");
  CHECK(r.error().where == "byte 7");  // "Bệnh " is 7 bytes
  auto dash = from_utf8("a — b", Charset::kTcvn3);
  REQUIRE_FALSE(dash.ok());
  CHECK(dash.error().where == "byte 2");
  CHECK(from_utf8("a — b", Charset::kCp1258).ok());
  auto vni = from_utf8("Zoë", Charset::kVni);  // VNI has no diaeresis
  REQUIRE_FALSE(vni.ok());
  CHECK(vni.error().where == "byte 2");
  CHECK_THAT(vni.error().message, Catch::Contains("U+00EB") && Catch::Contains("vni"));
  auto ascii = from_utf8("Đ", Charset::kAscii);
  REQUIRE_FALSE(ascii.ok());
  CHECK(ascii.error().message == "U+0110 'Đ' cannot be encoded in ascii");
  auto latin = from_utf8("ắ", Charset::kLatin1);
  REQUIRE_FALSE(latin.ok());
  CHECK(latin.error().where == "byte 0");
  // A stray mark that VISCII cannot hold.
  auto mark = from_utf8("x\u0301", Charset::kViscii);
  REQUIRE_FALSE(mark.ok());
  CHECK(mark.error().message == "U+0301 cannot be encoded in viscii");
  CHECK(*from_utf8("x\u0301", Charset::kCp1258) == bytes({'x', 0xEC}));
  CHECK(*from_utf8("x\u0301", Charset::kTcvn3) == bytes({'x', 0xB3}));
}

TEST_CASE("ASCII-only text is copied unchanged by every encoding") {
  const std::string msg =
      "MSH|^~\\&|HIS|BVCR|LIS|BVCR|20240101120000||ADT^A01|MSG0001|P|2.5\rPID|1||123456\r";
  for (const Charset cs : {Charset::kUtf8, Charset::kAscii, Charset::kLatin1, Charset::kCp1258,
                           Charset::kTcvn3, Charset::kViscii, Charset::kVni}) {
    INFO(name(cs));
    CHECK(*to_utf8(msg, cs) == msg);
    CHECK(*from_utf8(msg, cs) == msg);
  }
}

}  // namespace lienthong::charset
