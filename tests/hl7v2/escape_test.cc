#include "engine/hl7v2/escape.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/files.h"

using lienthong::charset::Charset;
using lienthong::hl7v2::Delimiters;
using lienthong::hl7v2::escape;
using lienthong::hl7v2::Syntax;
using lienthong::hl7v2::unescape;

namespace {
Syntax utf8() { return Syntax{Delimiters{}, Charset::kUtf8}; }
}  // namespace

TEST_CASE("each delimiter escape decodes to its delimiter", "[escape]") {
  Delimiters d;
  d.truncation = '#';
  Syntax s{d, Charset::kUtf8};
  CHECK(unescape("a\\F\\b", s) == "a|b");
  CHECK(unescape("a\\S\\b", s) == "a^b");
  CHECK(unescape("a\\T\\b", s) == "a&b");
  CHECK(unescape("a\\R\\b", s) == "a~b");
  CHECK(unescape("a\\E\\b", s) == "a\\b");
  CHECK(unescape("a\\P\\b", s) == "a#b");
  // Without a truncation character \P\ means nothing and is kept.
  CHECK(unescape("a\\P\\b", utf8()) == "a\\P\\b");
}

TEST_CASE("escapes follow the message's own escape character", "[escape]") {
  Delimiters d;
  d.escape = '!';
  d.field = '*';
  CHECK(unescape("a!F!b!E!c", Syntax{d, Charset::kUtf8}) == "a*b!c");
}

TEST_CASE("hex escapes are bytes in the message's character set", "[escape]") {
  CHECK(unescape("Vi\\XE1BB87\\t", utf8()) == "Vi\xE1\xBB\x87t");  // U+1EC7 e with circumflex and dot
  CHECK(unescape("\\X0D0A\\", utf8()) == "\r\n");
  // Not valid UTF-8 on their own: read as Latin-1, the common sender mistake.
  CHECK(unescape("\\Xe1\\", utf8()) == "\xC3\xA1");
  // In a Windows-1258 message, 0xEA 0xDE is e-circumflex + combining tilde.
  CHECK(unescape("\\XEADE\\", Syntax{Delimiters{}, Charset::kCp1258}) == "\xE1\xBB\x85");
  // Malformed hex is kept as written.
  CHECK(unescape("\\XZZ\\", utf8()) == "\\XZZ\\");
  CHECK(unescape("\\X0\\", utf8()) == "\\X0\\");
}

TEST_CASE("formatting escapes", "[escape]") {
  CHECK(unescape("line1\\.br\\line2", utf8()) == "line1\nline2");
  CHECK(unescape("a\\.sp2\\b", utf8()) == "a\n\nb");
  CHECK(unescape("\\H\\bold\\N\\ text", utf8()) == "bold text");
  CHECK(unescape("a\\.in+4\\b", utf8()) == "a\\.in+4\\b");  // kept: no plain-text meaning
  CHECK(unescape("\\C2842\\x", utf8()) == "\\C2842\\x");
  CHECK(unescape("\\Zvendor\\", utf8()) == "\\Zvendor\\");
  CHECK(unescape("unterminated \\F", utf8()) == "unterminated \\F");
  CHECK(unescape("\\\\", utf8()) == "\\\\");
}

TEST_CASE("unescaping composes Vietnamese to NFC", "[escape]") {
  // "e" + U+0302 + U+0303 in two hex escapes next to each other.
  CHECK(unescape("Nguye\\XCC82CC83\\n", utf8()) == "Nguy\xE1\xBB\x85n");
}

TEST_CASE("escape() makes any text one safe leaf value, and unescape() restores it", "[escape]") {
  Delimiters d;
  const std::string texts[] = {"plain", "a|b^c~d\\e&f", "x\r\ny", "Trần Đức Lương", "", "\\F\\"};
  for (const std::string& t : texts) {
    std::string e = escape(t, d);
    CAPTURE(t, e);
    CHECK(e.find_first_of("|^~&\r\n") == std::string::npos);
    CHECK(unescape(e, utf8()) == t);
  }
  CHECK(escape("a|b", d) == "a\\F\\b");
}

TEST_CASE("python-hl7's escape vectors", "[escape][corpus]") {
  std::string tsv = lienthong::testing::read_file(lienthong::testing::corpus_dir() + "/python-hl7/escape-vectors.tsv");
  if (tsv.empty()) { WARN("corpus not present"); return; }
  std::istringstream lines(tsv);
  std::string line;
  std::getline(lines, line);  // header
  int checked = 0;
  while (std::getline(lines, line)) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string wire = line.substr(0, tab);
    std::string rest = line.substr(tab + 1);
    std::string value = rest.substr(0, rest.find('\t'));
    CAPTURE(wire, value);
    if (wire.find("\\H\\") != std::string::npos) {
      // python-hl7 renders highlighting as _text_; we drop the markers.
      CHECK(unescape(wire, utf8()) == "text");
    } else {
      CHECK(unescape(wire, utf8()) == value);
    }
    ++checked;
  }
  CHECK(checked >= 8);
}
