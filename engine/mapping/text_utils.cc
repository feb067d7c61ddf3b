#include "engine/mapping/text_utils.h"

namespace lienthong::mapping {
namespace {

// Length of the UTF-8 sequence starting with `lead`; stray bytes count as one.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

char32_t decode(std::string_view s, std::size_t pos, std::size_t len) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (len == 1) return b0;
  char32_t cp = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < len; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  return cp;
}

void encode(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// In a range where upper and lower case alternate (Ā ā Ă ă ...): is `cp` in
// [first, last] with the given parity (0 even, 1 odd)?
bool alternating(char32_t cp, char32_t first, char32_t last, unsigned parity) {
  return cp >= first && cp <= last && (cp & 1U) == parity;
}

char32_t upper_of(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c < 0x80) return c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
  if (alternating(c, 0x100, 0x137, 1) || alternating(c, 0x14A, 0x177, 1)) return c - 1;
  if (alternating(c, 0x139, 0x148, 0) || alternating(c, 0x179, 0x17E, 0)) return c - 1;
  if (c == 0x1A1 || c == 0x1B0) return c - 1;  // ơ, ư
  if (alternating(c, 0x1E00, 0x1E95, 1) || alternating(c, 0x1EA0, 0x1EFF, 1)) return c - 1;
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 0x20;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}

char32_t lower_of(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  if (alternating(c, 0x100, 0x137, 0) || alternating(c, 0x14A, 0x177, 0)) return c + 1;
  if (alternating(c, 0x139, 0x148, 1) || alternating(c, 0x179, 0x17E, 1)) return c + 1;
  if (c == 0x1A0 || c == 0x1AF) return c + 1;  // Ơ, Ư
  if (alternating(c, 0x1E00, 0x1E95, 0) || alternating(c, 0x1EA0, 0x1EFF, 0)) return c + 1;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

template <class Map>
std::string map_case(std::string_view s, Map map) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = sequence_length(static_cast<unsigned char>(s[i]));
    if (i + len > s.size()) len = s.size() - i;
    if (len == 1) {
      out.push_back(static_cast<char>(map(static_cast<unsigned char>(s[i]))));
    } else {
      encode(out, map(decode(s, i, len)));
    }
    i += len;
  }
  return out;
}

}  // namespace

std::string to_upper(std::string_view utf8) { return map_case(utf8, upper_of); }
std::string to_lower(std::string_view utf8) { return map_case(utf8, lower_of); }

std::string_view trim_spaces(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view substr_chars(std::string_view utf8, std::size_t start, std::size_t length) {
  std::size_t i = 0;
  std::size_t n = 1;
  while (i < utf8.size() && n < start) {
    i += sequence_length(static_cast<unsigned char>(utf8[i]));
    ++n;
  }
  if (i >= utf8.size()) return {};
  std::size_t end = i;
  for (std::size_t taken = 0; end < utf8.size() && taken < length; ++taken) {
    end += sequence_length(static_cast<unsigned char>(utf8[end]));
  }
  if (end > utf8.size()) end = utf8.size();
  return utf8.substr(i, end - i);
}

}  // namespace lienthong::mapping
