// VNI-Windows specifics: two-byte letters, single-byte letters, and which byte
// sequences are not VNI.

#include <catch2/catch.hpp>

#include "engine/charset/charset.h"
#include "tests/charset/charset_test_util.h"

namespace lienthong::charset {
namespace {
using testing::bytes;
}  // namespace

TEST_CASE("VNI modifier bytes after a base letter") {
  // Values from the VNI-Windows table: lower-case modifiers, upper = lower - 0x20.
  struct Case {
    std::string vni;
    const char* text;
  };
  const Case cases[] = {
      {bytes({'a', 0xF9}), "á"}, {bytes({'a', 0xF8}), "à"}, {bytes({'a', 0xFB}), "ả"},
      {bytes({'a', 0xF5}), "ã"}, {bytes({'a', 0xEF}), "ạ"}, {bytes({'a', 0xE2}), "â"},
      {bytes({'a', 0xEA}), "ă"}, {bytes({'a', 0xE1}), "ấ"}, {bytes({'a', 0xE0}), "ầ"},
      {bytes({'a', 0xE5}), "ẩ"}, {bytes({'a', 0xE3}), "ẫ"}, {bytes({'a', 0xE4}), "ậ"},
      {bytes({'a', 0xE9}), "ắ"}, {bytes({'a', 0xE8}), "ằ"}, {bytes({'a', 0xFA}), "ẳ"},
      {bytes({'a', 0xFC}), "ẵ"}, {bytes({'a', 0xEB}), "ặ"}, {bytes({'A', 0xD9}), "Á"},
      {bytes({'A', 0xC1}), "Ấ"}, {bytes({'A', 0xCB}), "Ặ"}, {bytes({'E', 0xC2}), "Ê"},
      {bytes({'O', 0xC4}), "Ộ"}, {bytes({0xD4, 0xD9}), "Ớ"}, {bytes({0xF6, 0xEF}), "ự"},
      {bytes({'y', 0xF5}), "ỹ"}, {bytes({'Y', 0xD8}), "Ỳ"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(*to_utf8(c.vni, Charset::kVni) == c.text);
    CHECK(*from_utf8(c.text, Charset::kVni) == c.vni);
  }
}

TEST_CASE("VNI single-byte letters") {
  CHECK(*to_utf8(bytes({0xF1, 0xD1}), Charset::kVni) == "đĐ");
  CHECK(*to_utf8(bytes({0xEC, 0xED, 0xE6, 0xF3, 0xF2}), Charset::kVni) == "ìíỉĩị");
  CHECK(*to_utf8(bytes({0xCC, 0xCD, 0xC6, 0xD3, 0xD2}), Charset::kVni) == "ÌÍỈĨỊ");
  CHECK(*to_utf8(bytes({0xF4, 0xF6, 0xD4, 0xD6}), Charset::kVni) == "ơưƠƯ");
  CHECK(*to_utf8(bytes({0xEE, 0xCE}), Charset::kVni) == "ỵỴ");
}

TEST_CASE("VNI keeps cp1252 punctuation in 0x80-0x9F") {
  CHECK(*to_utf8(bytes({0x93, 'x', 0x94, 0x96}), Charset::kVni) == "“x”–");
  CHECK(*from_utf8("“x”–€", Charset::kVni) == bytes({0x93, 'x', 0x94, 0x96, 0x80}));
  CHECK_FALSE(to_utf8(bytes({0x81}), Charset::kVni).ok());  // a cp1252 hole
}

TEST_CASE("VNI modifier case follows the letter; mixed case still decodes") {
  CHECK(*to_utf8(bytes({'A', 0xF9}), Charset::kVni) == "Á");  // title-cased text
  CHECK(*to_utf8(bytes({'a', 0xD9}), Charset::kVni) == "á");
}

TEST_CASE("VNI byte sequences that are not Vietnamese letters are errors") {
  auto lone = to_utf8(bytes({'x', ' ', 0xF9}), Charset::kVni);
  REQUIRE_FALSE(lone.ok());
  CHECK(lone.error().where == "byte 2");
  CHECK_THAT(lone.error().message, Catch::Contains("0xF9") && Catch::Contains("vni"));
  auto b_acute = to_utf8(bytes({'b', 0xF9}), Charset::kVni);
  REQUIRE_FALSE(b_acute.ok());
  CHECK(b_acute.error().where == "byte 1");
  CHECK_FALSE(to_utf8(bytes({'u', 0xE2}), Charset::kVni).ok());  // no û in Vietnamese
  CHECK_FALSE(to_utf8(bytes({'e', 0xEA}), Charset::kVni).ok());  // breve only on a
  CHECK_FALSE(to_utf8(bytes({'i', 0xF9}), Charset::kVni).ok());  // í is the single byte ED
  CHECK_FALSE(to_utf8(bytes({0xF4, 0xE2}), Charset::kVni).ok()); // ơ takes no hat
  auto undefined = to_utf8("0123456789" + bytes({0xA9}), Charset::kVni);
  REQUIRE_FALSE(undefined.ok());
  CHECK(undefined.error().where == "byte 10");
  CHECK_THAT(undefined.error().message, Catch::Contains("not defined in vni"));
}

TEST_CASE("VNI cannot encode Latin letters outside Vietnamese") {
  for (const char* s : {"û", "ë", "ĕ", "ç", "ñ", "ÿ"}) {
    INFO(s);
    CHECK_FALSE(from_utf8(s, Charset::kVni).ok());
  }
}

TEST_CASE("VNI handles long ASCII runs next to letters") {
  const std::string text = "Khoa Hồi sức tích cực chống độc - Bệnh viện Đa khoa tỉnh";
  auto enc = from_utf8(text, Charset::kVni);
  REQUIRE(enc.ok());
  CHECK(*to_utf8(*enc, Charset::kVni) == text);
}

}  // namespace lienthong::charset
