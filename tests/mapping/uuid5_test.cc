#include "engine/mapping/uuid5.h"

#include <catch2/catch.hpp>

#include <string>

using lienthong::mapping::sha1;
using lienthong::mapping::sha1_portable;
using lienthong::mapping::uuid5;

namespace {

std::string hex(const std::array<std::uint8_t, 20>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0f]);
  }
  return out;
}

}  // namespace

TEST_CASE("sha1: FIPS 180 / RFC 3174 test vectors") {
  CHECK(hex(sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex(sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(hex(sha1(std::string(1000000, 'a'))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1: lengths around the 64-byte block and padding boundaries") {
  // 55, 56 and 64 bytes put the length field in the same / the next block.
  // Expected values from coreutils sha1sum.
  CHECK(hex(sha1(std::string(55, 'a'))) == "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  CHECK(hex(sha1(std::string(56, 'a'))) == "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  CHECK(hex(sha1(std::string(64, 'a'))) == "0098ba824b5c16427bd7a1122a5a442a25ec644d");
  CHECK(hex(sha1("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                 "klmnopqrlmnopqrsmnopqrstnopqrstu")) == "a49b2446a02c645bf419f995b67091253a04a259");
}

TEST_CASE("sha1: the processor's SHA rounds and the portable rounds agree") {
  // sha1() may run on the SHA extensions; the portable rounds are checked too.
  CHECK(hex(sha1_portable("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex(sha1_portable(std::string(1000000, 'a'))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  std::string data;
  for (int n = 0; n < 300; ++n) {
    CHECK(sha1(data) == sha1_portable(data));
    data.push_back(static_cast<char>('a' + (n * 7) % 26));
  }
}

TEST_CASE("uuid5: RFC 9562 example (DNS namespace, www.example.com)") {
  const std::array<std::uint8_t, 16> dns = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                            0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
  CHECK(uuid5(dns, "www.example.com") == "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

TEST_CASE("uuid5: the lienthong namespace (MAP-8)") {
  // Expected values computed with /usr/bin/python3 (3.11):
  //   uuid.uuid5(uuid.UUID('8f0b5f0e-6c5e-5b43-9a43-6c69656e7468'), NAME)
  CHECK(uuid5("Patient|12345|BV") == "fc28b63c-3061-55f1-a734-ccdea31c2bb6");
  CHECK(uuid5("B\xe1\xbb\x87nh nh\xc3\xa2n|Nguy\xe1\xbb\x85n") ==  // "Bệnh nhân|Nguyễn", UTF-8
        "49968749-3f64-5a48-be1e-3b486f0004ad");
  CHECK(uuid5("") == "165b2d13-6d04-513d-9fc7-c0d779e5f148");
}

TEST_CASE("uuid5: shape, version and variant") {
  const std::string id = uuid5("Encounter|A1");
  REQUIRE(id.size() == 36);
  CHECK(id[8] == '-');
  CHECK(id[13] == '-');
  CHECK(id[18] == '-');
  CHECK(id[23] == '-');
  CHECK(id[14] == '5');
  CHECK((id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b'));
  CHECK(id == uuid5("Encounter|A1"));
  CHECK(id != uuid5("Encounter|A2"));
}
