// Charset names, aliases and MSH-18 values.

#include <catch2/catch.hpp>

#include "engine/charset/charset.h"

namespace lienthong::charset {

TEST_CASE("name and from_name round trip for every charset") {
  for (const Charset cs : {Charset::kUtf8, Charset::kAscii, Charset::kLatin1, Charset::kCp1258,
                           Charset::kTcvn3, Charset::kViscii, Charset::kVni}) {
    CHECK(from_name(name(cs)) == cs);
    CHECK(from_msh18(msh18_value(cs)) == cs);
  }
}

TEST_CASE("from_name accepts common aliases case-insensitively") {
  CHECK(from_name("utf-8") == Charset::kUtf8);
  CHECK(from_name("utf8") == Charset::kUtf8);
  CHECK(from_name("UTF-8") == Charset::kUtf8);
  CHECK(from_name("ascii") == Charset::kAscii);
  CHECK(from_name("US-ASCII") == Charset::kAscii);
  CHECK(from_name("latin1") == Charset::kLatin1);
  CHECK(from_name("Latin-1") == Charset::kLatin1);
  CHECK(from_name("iso-8859-1") == Charset::kLatin1);
  CHECK(from_name("8859/1") == Charset::kLatin1);
  CHECK(from_name("cp1258") == Charset::kCp1258);
  CHECK(from_name("Windows-1258") == Charset::kCp1258);
  CHECK(from_name("tcvn3") == Charset::kTcvn3);
  CHECK(from_name("TCVN") == Charset::kTcvn3);
  CHECK(from_name("tcvn5712") == Charset::kTcvn3);
  CHECK(from_name("tcvn-5712") == Charset::kTcvn3);
  CHECK(from_name("viscii") == Charset::kViscii);
  CHECK(from_name("vni") == Charset::kVni);
  CHECK(from_name(" VNI-Windows ") == Charset::kVni);
  CHECK_FALSE(from_name("").has_value());
  CHECK_FALSE(from_name("utf-16").has_value());
  CHECK_FALSE(from_name("ebcdic").has_value());
}

TEST_CASE("from_msh18 maps HL7 table 0211 and de-facto Vietnamese values") {
  CHECK(from_msh18("") == Charset::kUtf8);  // HL7 default ASCII, read as UTF-8
  CHECK(from_msh18("  ") == Charset::kUtf8);
  CHECK(from_msh18("UNICODE UTF-8") == Charset::kUtf8);
  CHECK(from_msh18("ASCII") == Charset::kAscii);
  CHECK(from_msh18("8859/1") == Charset::kLatin1);
  CHECK(from_msh18("UTF-8") == Charset::kUtf8);
  CHECK(from_msh18("TCVN") == Charset::kTcvn3);
  CHECK(from_msh18("TCVN3") == Charset::kTcvn3);
  CHECK(from_msh18("VISCII") == Charset::kViscii);
  CHECK(from_msh18("VNI") == Charset::kVni);
  CHECK(from_msh18("CP1258") == Charset::kCp1258);
  CHECK(from_msh18("WINDOWS-1258") == Charset::kCp1258);
  CHECK(from_msh18("vni") == Charset::kVni);
  CHECK_FALSE(from_msh18("UNICODE").has_value());  // UCS-2 in old HL7 versions
  CHECK_FALSE(from_msh18("ISO IR87").has_value());
  CHECK_FALSE(from_msh18("8859/5").has_value());
}

TEST_CASE("msh18_value uses table 0211 and de-facto names") {
  CHECK(msh18_value(Charset::kUtf8) == "UNICODE UTF-8");
  CHECK(msh18_value(Charset::kAscii) == "ASCII");
  CHECK(msh18_value(Charset::kLatin1) == "8859/1");
  CHECK(msh18_value(Charset::kCp1258) == "CP1258");
  CHECK(msh18_value(Charset::kTcvn3) == "TCVN3");
  CHECK(msh18_value(Charset::kViscii) == "VISCII");
  CHECK(msh18_value(Charset::kVni) == "VNI");
}

}  // namespace lienthong::charset
