// engine/base/regex.h: RE2 behind a small interface; what it refuses and how it reads text.
#include <catch2/catch.hpp>

#include <string>

#include "engine/base/regex.h"

using lienthong::Regex;

namespace {

std::string why(const std::string& pattern) {
  auto r = Regex::compile(pattern);
  return r.ok() ? std::string("compiled") : r.error().message;
}

}  // namespace

TEST_CASE("regex: full_match reads the whole text, search any part of it", "[base][regex]") {
  auto r = Regex::compile("P[0-9]+");
  REQUIRE(r.ok());
  CHECK((*r)->full_match("P001"));
  CHECK_FALSE((*r)->full_match("xP001"));
  CHECK((*r)->search("xP001y"));
  CHECK_FALSE((*r)->search("P"));
  CHECK((*r)->pattern() == "P[0-9]+");
}

TEST_CASE("regex: UTF-8 text is read by characters", "[base][regex]") {
  auto r = Regex::compile("Nguy.n [^ ]{3}");
  REQUIRE(r.ok());
  CHECK((*r)->full_match("Nguyễn Thị"));  // ễ and ị are 3 bytes each: one character
  CHECK_FALSE((*r)->full_match("Nguyen Th"));
  // Bytes that are not UTF-8 do not crash the matcher; they just do not match a character class.
  CHECK_FALSE((*r)->full_match(std::string("Nguy\xff" "n Thi")));
}

TEST_CASE("regex: what cannot be matched in linear time, or is a mistake, is refused with RE2's reason",
          "[base][regex]") {
  CHECK(why("([") == "missing ]: [");
  CHECK(why("(a)\\1") == "invalid escape sequence: \\1");
  CHECK(why("(?=a)a") == "invalid perl operator: (?=");
  CHECK(why("(?<!a)b") == "invalid perl operator: (?<");
  CHECK(why("a{1001}") == "invalid repetition size: {1001}");
  CHECK(why("a{1000}") == "compiled");
  // Ten digits or more: RE2 alone would take the braces as text; refused the same way.
  CHECK(why("a{44444444444}") == "invalid repetition size: {44444444444}");
  CHECK(why("a{2,99999999999}") == "invalid repetition size: {2,99999999999}");
  // Braces that cannot be a count stay text: escaped, inside a class, or not closed.
  CHECK(why("\\{99999999999}") == "compiled");
  CHECK(why("[{99999999999}]") == "compiled");
  CHECK(why("[]{99999999999}]") == "compiled");
  CHECK(why("a{99999999999") == "compiled");
}

TEST_CASE("regex: nested repetitions fail in time linear in the text", "[base][regex]") {
  // 2^5000 ways for a backtracking matcher; a hang would fail the test through ctest's timeout.
  auto r = Regex::compile("^([A-Z]+)+$");
  REQUIRE(r.ok());
  const std::string hostile = std::string(5000, 'N') + "!";
  CHECK_FALSE((*r)->search(hostile));
  CHECK((*r)->search(std::string(1000000, 'N')));
}
