// Names of the charsets: canonical CLI/config names, their aliases, and the
// MSH-18 values (HL7 table 0211 plus what Vietnamese HIS send in practice).
//
// Thread-safety: pure functions over constant tables.

#include <array>
#include <cctype>
#include <string>

#include "engine/charset/charset.h"

namespace lienthong::charset {
namespace {

struct Alias {
  std::string_view text;  // upper case, as compared after folding
  Charset cs;
};

// Accepted by from_name(). Kept generous: these come from hand-written config.
constexpr std::array<Alias, 28> kNameAliases{{
    {"UTF-8", Charset::kUtf8},
    {"UTF8", Charset::kUtf8},
    {"UNICODE UTF-8", Charset::kUtf8},
    {"ASCII", Charset::kAscii},
    {"US-ASCII", Charset::kAscii},
    {"LATIN1", Charset::kLatin1},
    {"LATIN-1", Charset::kLatin1},
    {"ISO-8859-1", Charset::kLatin1},
    {"ISO8859-1", Charset::kLatin1},
    {"ISO_8859-1", Charset::kLatin1},
    {"8859/1", Charset::kLatin1},
    {"CP1258", Charset::kCp1258},
    {"CP-1258", Charset::kCp1258},
    {"WINDOWS-1258", Charset::kCp1258},
    {"WIN1258", Charset::kCp1258},
    {"TCVN3", Charset::kTcvn3},
    {"TCVN", Charset::kTcvn3},
    {"TCVN5712", Charset::kTcvn3},
    {"TCVN-5712", Charset::kTcvn3},
    {"TCVN5712-1", Charset::kTcvn3},
    {"TCVN5712-1:1993", Charset::kTcvn3},
    {"VN3", Charset::kTcvn3},
    {"VISCII", Charset::kViscii},
    {"VNI", Charset::kVni},
    {"VNI-WINDOWS", Charset::kVni},
    {"VNI-WIN", Charset::kVni},
    {"VNI WINDOWS", Charset::kVni},
    {"VNIWIN", Charset::kVni},
}};

// MSH-18 values: HL7 table 0211 first, then de-facto Vietnamese values.
constexpr std::array<Alias, 16> kMsh18Values{{
    {"UNICODE UTF-8", Charset::kUtf8},
    {"ASCII", Charset::kAscii},
    {"8859/1", Charset::kLatin1},
    {"UTF-8", Charset::kUtf8},
    {"UTF8", Charset::kUtf8},
    {"ISO-8859-1", Charset::kLatin1},
    {"CP1258", Charset::kCp1258},
    {"WINDOWS-1258", Charset::kCp1258},
    {"TCVN", Charset::kTcvn3},
    {"TCVN3", Charset::kTcvn3},
    {"TCVN5712", Charset::kTcvn3},
    {"TCVN-5712", Charset::kTcvn3},
    {"VISCII", Charset::kViscii},
    {"VNI", Charset::kVni},
    {"VNI-WINDOWS", Charset::kVni},
    {"VNI-WIN", Charset::kVni},
}};

std::string fold(std::string_view text) {
  std::size_t b = 0;
  std::size_t e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  std::string out;
  out.reserve(e - b);
  for (std::size_t i = b; i < e; ++i) {
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
  }
  return out;
}

template <std::size_t N>
std::optional<Charset> find(const std::array<Alias, N>& table, std::string_view key) {
  for (const Alias& a : table) {
    if (a.text == key) return a.cs;
  }
  return std::nullopt;
}

}  // namespace

std::string_view name(Charset cs) {
  switch (cs) {
    case Charset::kUtf8: return "utf-8";
    case Charset::kAscii: return "ascii";
    case Charset::kLatin1: return "latin1";
    case Charset::kCp1258: return "cp1258";
    case Charset::kTcvn3: return "tcvn3";
    case Charset::kViscii: return "viscii";
    case Charset::kVni: return "vni";
  }
  return "unknown";
}

std::optional<Charset> from_name(std::string_view text) {
  return find(kNameAliases, fold(text));
}

std::optional<Charset> from_msh18(std::string_view value) {
  const std::string key = fold(value);
  // HL7 default (ASCII) is read as UTF-8, its superset, so that senders that
  // leave MSH-18 empty but send UTF-8 (most do) are not rejected.
  if (key.empty()) return Charset::kUtf8;
  // "UNICODE" (UCS-2 in older HL7 versions), "ISO IR87", etc. are unsupported.
  return find(kMsh18Values, key);
}

std::string_view msh18_value(Charset cs) {
  switch (cs) {
    case Charset::kUtf8: return "UNICODE UTF-8";
    case Charset::kAscii: return "ASCII";
    case Charset::kLatin1: return "8859/1";
    case Charset::kCp1258: return "CP1258";
    case Charset::kTcvn3: return "TCVN3";
    case Charset::kViscii: return "VISCII";
    case Charset::kVni: return "VNI";
  }
  return "UNICODE UTF-8";
}

}  // namespace lienthong::charset
