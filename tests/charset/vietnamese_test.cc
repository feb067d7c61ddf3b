// Vietnamese text through every legacy encoding: all letters round trip, and
// well-known names match byte sequences read off the published code charts
// (RFC 1456 for VISCII, the Windows-1258 chart, TCVN 5712 VN3 as in glibc, and
// the VNI-Windows table), not produced by this code.

#include <catch2/catch.hpp>

#include "engine/charset/charset.h"
#include "tests/charset/charset_test_util.h"

namespace lienthong::charset {
namespace {

using testing::bytes;
using testing::vietnamese_letters;

std::string encode_ok(std::string_view text, Charset cs) {
  auto r = from_utf8(text, cs);
  INFO(name(cs) << ": " << (r.ok() ? "" : r.error().to_string()));
  REQUIRE(r.ok());
  return *r;
}

std::string decode_ok(std::string_view raw, Charset cs) {
  auto r = to_utf8(raw, cs);
  INFO(name(cs) << ": " << (r.ok() ? "" : r.error().to_string()));
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("every Vietnamese letter round trips through each legacy encoding") {
  const Charset cs = GENERATE(Charset::kCp1258, Charset::kTcvn3, Charset::kViscii, Charset::kVni);
  CHECK(vietnamese_letters().size() == 146);
  std::string all;
  for (const std::string& letter : vietnamese_letters()) {
    INFO(name(cs) << " letter " << letter);
    const std::string encoded = encode_ok(letter, cs);
    CHECK_FALSE(encoded.empty());
    CHECK(encoded.size() <= 2);
    CHECK(decode_ok(encoded, cs) == letter);
    all += letter;
    all += ' ';
  }
  // And as one text, so letters next to each other do not interfere.
  CHECK(decode_ok(encode_ok(all, cs), cs) == all);
}

TEST_CASE("VISCII and TCVN3 (glibc table) use one byte per letter") {
  const Charset cs = GENERATE(Charset::kTcvn3, Charset::kViscii);
  for (const std::string& letter : vietnamese_letters()) {
    INFO(name(cs) << " letter " << letter);
    CHECK(encode_ok(letter, cs).size() == 1);
  }
}

TEST_CASE("Nguyễn Thị Ánh Tuyết in each encoding") {
  const std::string text = "Nguyễn Thị Ánh Tuyết";
  // cp1258: ễ = ê EA + tilde DE; ị = i + dot F2; Á = C1; ế = ê EA + acute EC.
  const std::string cp1258 = "Nguy" + bytes({0xEA, 0xDE}) + "n Th" + bytes({'i', 0xF2}) + " " +
                             bytes({0xC1}) + "nh Tuy" + bytes({0xEA, 0xEC}) + "t";
  // VISCII (RFC 1456): ễ AD, ị B8, Á C1, ế AA.
  const std::string viscii = "Nguy" + bytes({0xAD}) + "n Th" + bytes({0xB8}) + " " +
                             bytes({0xC1}) + "nh Tuy" + bytes({0xAA}) + "t";
  // TCVN3: ễ D4, ị DE, Á 83 (glibc's VN3 capital), ế D5.
  const std::string tcvn3 = "Nguy" + bytes({0xD4}) + "n Th" + bytes({0xDE}) + " " +
                            bytes({0x83}) + "nh Tuy" + bytes({0xD5}) + "t";
  // VNI: ễ = e + E3, ị = F2, Á = A + D9, ế = e + E1 ("Nguyeãn Thò AÙnh Tuyeát").
  const std::string vni = "Nguye" + bytes({0xE3}) + "n Th" + bytes({0xF2}) + " A" +
                          bytes({0xD9}) + "nh Tuye" + bytes({0xE1}) + "t";
  CHECK(encode_ok(text, Charset::kCp1258) == cp1258);
  CHECK(encode_ok(text, Charset::kViscii) == viscii);
  CHECK(encode_ok(text, Charset::kTcvn3) == tcvn3);
  CHECK(encode_ok(text, Charset::kVni) == vni);
  CHECK(decode_ok(cp1258, Charset::kCp1258) == text);
  CHECK(decode_ok(viscii, Charset::kViscii) == text);
  CHECK(decode_ok(tcvn3, Charset::kTcvn3) == text);
  CHECK(decode_ok(vni, Charset::kVni) == text);
}

TEST_CASE("Trần Đức Lương in each encoding") {
  const std::string text = "Trần Đức Lương";
  // VNI: the familiar "Traàn Ñöùc Löông" seen when VNI bytes are shown as cp1252.
  const std::string vni = "Tra" + bytes({0xE0}) + "n " + bytes({0xD1, 0xF6, 0xF9}) + "c L" +
                          bytes({0xF6, 0xF4}) + "ng";
  // TCVN3: ầ C7, Đ A7, ứ F8, ư AD, ơ AC.
  const std::string tcvn3 = "Tr" + bytes({0xC7}) + "n " + bytes({0xA7, 0xF8}) + "c L" +
                            bytes({0xAD, 0xAC}) + "ng";
  // cp1258: ầ = â E2 + grave CC; Đ D0; ứ = ư FD + acute EC; ư FD; ơ F5.
  const std::string cp1258 = "Tr" + bytes({0xE2, 0xCC}) + "n " + bytes({0xD0, 0xFD, 0xEC}) +
                             "c L" + bytes({0xFD, 0xF5}) + "ng";
  // VISCII: ầ A5, Đ D0, ứ D1, ư DF, ơ BD.
  const std::string viscii = "Tr" + bytes({0xA5}) + "n " + bytes({0xD0, 0xD1}) + "c L" +
                             bytes({0xDF, 0xBD}) + "ng";
  CHECK(encode_ok(text, Charset::kVni) == vni);
  CHECK(encode_ok(text, Charset::kTcvn3) == tcvn3);
  CHECK(encode_ok(text, Charset::kCp1258) == cp1258);
  CHECK(encode_ok(text, Charset::kViscii) == viscii);
  CHECK(decode_ok(vni, Charset::kVni) == text);
  CHECK(decode_ok(tcvn3, Charset::kTcvn3) == text);
  CHECK(decode_ok(cp1258, Charset::kCp1258) == text);
  CHECK(decode_ok(viscii, Charset::kViscii) == text);
}

TEST_CASE("Phạm Văn Đồng and Bệnh viện Chợ Rẫy in VNI and TCVN3") {
  // VNI "Phaïm Vaên Ñoàng": ạ = a + EF, ă = a + EA, Đ D1, ồ = o + E0.
  CHECK(encode_ok("Phạm Văn Đồng", Charset::kVni) ==
        "Pha" + bytes({0xEF}) + "m Va" + bytes({0xEA}) + "n " + bytes({0xD1}) + "o" +
            bytes({0xE0}) + "ng");
  // TCVN3: ạ B9, ă A8, Đ A7, ồ E5.
  CHECK(encode_ok("Phạm Văn Đồng", Charset::kTcvn3) ==
        "Ph" + bytes({0xB9}) + "m V" + bytes({0xA8}) + "n " + bytes({0xA7, 0xE5}) + "ng");
  // cp1258: ạ = a + F2, ă E3, Đ D0, ồ = ô F4 + CC.
  CHECK(encode_ok("Phạm Văn Đồng", Charset::kCp1258) ==
        "Pha" + bytes({0xF2}) + "m V" + bytes({0xE3}) + "n " + bytes({0xD0, 0xF4, 0xCC}) + "ng");
  // VNI "Beänh vieän Chôï Raãy": ệ = e + E4, ợ = ơ F4 + EF, ẫ = a + E3.
  const std::string vni = "Be" + bytes({0xE4}) + "nh vie" + bytes({0xE4}) + "n Ch" +
                          bytes({0xF4, 0xEF}) + " Ra" + bytes({0xE3}) + "y";
  CHECK(encode_ok("Bệnh viện Chợ Rẫy", Charset::kVni) == vni);
  CHECK(decode_ok(vni, Charset::kVni) == "Bệnh viện Chợ Rẫy");
  // TCVN3: ệ D6, ợ EE, ẫ C9.
  const std::string tcvn3 = "B" + bytes({0xD6}) + "nh vi" + bytes({0xD6}) + "n Ch" +
                            bytes({0xEE}) + " R" + bytes({0xC9}) + "y";
  CHECK(encode_ok("Bệnh viện Chợ Rẫy", Charset::kTcvn3) == tcvn3);
  CHECK(decode_ok(tcvn3, Charset::kTcvn3) == "Bệnh viện Chợ Rẫy");
  for (const Charset cs : {Charset::kCp1258, Charset::kViscii}) {
    CHECK(decode_ok(encode_ok("Bệnh viện Chợ Rẫy", cs), cs) == "Bệnh viện Chợ Rẫy");
  }
}

TEST_CASE("cp1258 decodes base + tone mark to precomposed NFC") {
  CHECK(decode_ok(bytes({0xEA, 0xDE}), Charset::kCp1258) == "ễ");
  CHECK(decode_ok(bytes({0xE2, 0xF2}), Charset::kCp1258) == "ậ");
  CHECK(decode_ok(bytes({'A', 0xDE}), Charset::kCp1258) == "Ã");
  CHECK(decode_ok(bytes({0xF5, 0xD2}), Charset::kCp1258) == "ở");
  // A tone mark with nothing to compose with stays a combining mark.
  CHECK(decode_ok(bytes({'x', 0xEC}), Charset::kCp1258) == "x\u0301");
  // Encoding splits off the tone but keeps the hat/breve/horn letter whole.
  CHECK(encode_ok("ậ", Charset::kCp1258) == bytes({0xE2, 0xF2}));
  CHECK(encode_ok("Ẫ", Charset::kCp1258) == bytes({0xC2, 0xDE}));
  CHECK(encode_ok("ặ", Charset::kCp1258) == bytes({0xE3, 0xF2}));
  CHECK(encode_ok("ữ", Charset::kCp1258) == bytes({0xFD, 0xDE}));
  CHECK(encode_ok("á", Charset::kCp1258) == bytes({0xE1}));  // precomposed byte exists
  // A letter + mark segment whose letter only exists with another mark kept:
  // "ọ̈" (o, dot below, diaeresis) is ö F6 + dot below F2.
  CHECK(encode_ok("\u1ECD\u0308", Charset::kCp1258) == bytes({0xF6, 0xF2}));
  CHECK(decode_ok(bytes({0xF6, 0xF2}), Charset::kCp1258) == "\u1ECD\u0308");
  // Many stacked tone marks still encode (each as its own byte).
  const std::string stacked = "a" + std::string(40, '\xF2');
  CHECK(encode_ok(decode_ok(stacked, Charset::kCp1258), Charset::kCp1258) == stacked);
}

TEST_CASE("TCVN3 decodes separate tone marks (B0-B4) the way glibc does") {
  CHECK(decode_ok(bytes({0xA9, 0xB3}), Charset::kTcvn3) == "ấ");  // â + acute
  CHECK(decode_ok(bytes({'a', 0xB4}), Charset::kTcvn3) == "ạ");
  CHECK(decode_ok(bytes({'x', 0xB0}), Charset::kTcvn3) == "x\u0300");
}

TEST_CASE("NFD input is normalized before encoding") {
  const std::string nfd = "Nguye\u0302\u0303n"; // e + circumflex + tilde
  CHECK(encode_ok(nfd, Charset::kViscii) == "Nguy" + bytes({0xAD}) + "n");
  CHECK(encode_ok(nfd, Charset::kVni) == "Nguye" + bytes({0xE3}) + "n");
  CHECK(encode_ok(nfd, Charset::kTcvn3) == "Nguy" + bytes({0xD4}) + "n");
  CHECK(encode_ok(nfd, Charset::kCp1258) == "Nguy" + bytes({0xEA, 0xDE}) + "n");
  // Dot below before or after the circumflex is the same letter.
  CHECK(encode_ok("a\u0323\u0302", Charset::kViscii) == bytes({0xA7}));
  CHECK(encode_ok("a\u0302\u0323", Charset::kViscii) == bytes({0xA7}));
}

}  // namespace lienthong::charset
