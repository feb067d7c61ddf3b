// UTF-8 validation, NFC composition and the fast-path predicates.

#include <catch2/catch.hpp>

#include "engine/charset/charset.h"
#include "tests/charset/charset_test_util.h"

namespace lienthong::charset {
namespace {
using testing::bytes;
}  // namespace

TEST_CASE("find_invalid_utf8 accepts well-formed text") {
  CHECK_FALSE(find_invalid_utf8("").has_value());
  CHECK_FALSE(find_invalid_utf8("MSH|^~\\&|HIS|BV|||20240101||ADT^A01|1|P|2.5").has_value());
  CHECK_FALSE(find_invalid_utf8("Bệnh viện Chợ Rẫy 中文 😀").has_value());
  CHECK_FALSE(find_invalid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})).has_value());  // U+10FFFF
  CHECK_FALSE(find_invalid_utf8(bytes({0xEF, 0xBF, 0xBF})).has_value());        // U+FFFF
  CHECK_FALSE(find_invalid_utf8(bytes({0xED, 0x9F, 0xBF})).has_value());        // U+D7FF
}

TEST_CASE("find_invalid_utf8 reports the offset of the first ill-formed sequence") {
  const std::string p = "0123456789";  // 10 bytes so the 8-byte fast path runs first
  CHECK(find_invalid_utf8(p + bytes({0xC0, 0xAF})) == 10u);              // overlong '/'
  CHECK(find_invalid_utf8(p + bytes({0xC1, 0xBF})) == 10u);              // overlong
  CHECK(find_invalid_utf8(p + bytes({0xE0, 0x80, 0xAF})) == 10u);        // overlong 3-byte
  CHECK(find_invalid_utf8(p + bytes({0xF0, 0x80, 0x80, 0xAF})) == 10u);  // overlong 4-byte
  CHECK(find_invalid_utf8(p + bytes({0xED, 0xA0, 0x80})) == 10u);        // U+D800 surrogate
  CHECK(find_invalid_utf8(p + bytes({0xED, 0xBF, 0xBF})) == 10u);        // U+DFFF surrogate
  CHECK(find_invalid_utf8(p + bytes({0xF4, 0x90, 0x80, 0x80})) == 10u);  // U+110000
  CHECK(find_invalid_utf8(p + bytes({0xF5, 0x80, 0x80, 0x80})) == 10u);  // beyond F4
  CHECK(find_invalid_utf8(p + bytes({0xFF})) == 10u);
  CHECK(find_invalid_utf8(p + bytes({0x80})) == 10u);                    // stray continuation
  CHECK(find_invalid_utf8(p + "ệ" + bytes({0xE1, 0xBB})) == 13u);       // truncated at end
  CHECK(find_invalid_utf8(p + bytes({0xE1, 0xBB}) + "x") == 10u);        // truncated mid-text
  CHECK(find_invalid_utf8(bytes({0xC3})) == 0u);
  CHECK(find_invalid_utf8("ok" + bytes({0xC3, 0x41})) == 2u);
}

TEST_CASE("to_utf8 from UTF-8 rejects invalid bytes with offset and advice") {
  auto r = to_utf8("Nguy" + bytes({0xEA}) + "n", Charset::kUtf8);  // a cp1258 byte in UTF-8
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().where == "byte 4");
  CHECK_THAT(r.error().message, Catch::Contains("0xEA") && Catch::Contains("offset 4") &&
                                    Catch::Contains("--encoding") && Catch::Contains("vni"));
}

TEST_CASE("to_utf8 from UTF-8 composes to NFC and copies NFC text unchanged") {
  CHECK(*to_utf8("Nguye\u0302\u0303n", Charset::kUtf8) == "Nguyễn");
  CHECK(*to_utf8("Nguyễn Thị Ánh Tuyết", Charset::kUtf8) == "Nguyễn Thị Ánh Tuyết");
  CHECK(to_utf8("", Charset::kUtf8).value().empty());
}

TEST_CASE("to_nfc composes Latin and Vietnamese sequences canonically") {
  CHECK(to_nfc("e\u0302\u0303") == "ễ");
  CHECK(to_nfc("E\u0302\u0303") == "Ễ");
  // Marks of the same class keep their order: e + tilde + circumflex is not ễ.
  CHECK(to_nfc("e\u0303\u0302") == "ẽ\u0302");
  // Dot below (class 220) sorts before circumflex (230) either way round.
  CHECK(to_nfc("a\u0302\u0323") == "ậ");
  CHECK(to_nfc("a\u0323\u0302") == "ậ");
  CHECK(to_nfc("o\u031B\u0301") == "ớ");
  CHECK(to_nfc("u\u031B\u0323") == "ự");
  CHECK(to_nfc("d") == "d");
  // A precomposed letter followed by a mark is decomposed first, as NFC requires.
  CHECK(to_nfc("ế\u0323") == "ệ\u0301");
  CHECK(to_nfc("ê\u0301") == "ế");
  // Singleton decompositions.
  CHECK(to_nfc("a\u0340") == "à");
  CHECK(to_nfc("\u0341") == "\u0301");
  // Marks with nothing to compose with pass through.
  CHECK(to_nfc("x\u0301") == "x\u0301");
  CHECK(to_nfc("\u0301a") == "\u0301a");
  // Hangul conjoining jamo.
  CHECK(to_nfc("\u1100\u1161\u11A8") == "\uAC01");
  CHECK(to_nfc("\uAC00\u11A8") == "\uAC01");
  // Text outside the repertoire is left alone.
  CHECK(to_nfc("中文 😀 Ωμέγα") == "中文 😀 Ωμέγα");
}

TEST_CASE("to_nfc is idempotent") {
  for (const char* s : {"e\u0303\u0302", "ế\u0323\u0301\u0300", "a\u0328\u0301\u0323",
                        "\u0301\u0301x\u0344", "\u1100\u1161\u11A8\u11A8", "Ǖ\u0304"}) {
    const std::string once = to_nfc(s);
    CHECK(to_nfc(once) == once);
  }
}

TEST_CASE("to_nfc survives ill-formed input without reading out of bounds") {
  CHECK(to_nfc(bytes({'e', 0xCC})) == bytes({'e', 0xCC}));
  CHECK(to_nfc(bytes({0xCC, 0x81, 0xFF})) == bytes({0xCC, 0x81, 0xFF}));
}

TEST_CASE("may_need_nfc is true only where a mark or jamo may compose") {
  CHECK_FALSE(may_need_nfc(""));
  CHECK_FALSE(may_need_nfc("PID|||123^^^BV||Nguyễn^Văn A"));
  CHECK_FALSE(may_need_nfc("中文"));
  CHECK(may_need_nfc("Nguye\u0302\u0303n"));
  CHECK(may_need_nfc("0123456789abcdef\u0301"));
  CHECK(may_need_nfc("\u1100\u1161"));
}

TEST_CASE("from_utf8 rejects invalid UTF-8 input with its offset") {
  auto r = from_utf8("abc" + bytes({0xED, 0xA0, 0x80}), Charset::kVni);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().where == "byte 3");
  CHECK_THAT(r.error().message, Catch::Contains("not valid UTF-8"));
  auto u = from_utf8(bytes({0xF4, 0x90, 0x80, 0x80}), Charset::kUtf8);
  REQUIRE_FALSE(u.ok());
  CHECK(u.error().where == "byte 0");
}

TEST_CASE("from_utf8 to UTF-8 returns NFC") {
  CHECK(*from_utf8("Nguye\u0302\u0303n", Charset::kUtf8) == "Nguyễn");
}

}  // namespace lienthong::charset
