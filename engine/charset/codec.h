// Internal: the per-encoding codecs behind to_utf8()/from_utf8(), and the error
// texts they share so every encoding reports problems the same way.
//
// Thread-safety: pure functions over immutable tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/base/result.h"
#include "engine/charset/charset.h"
#include "engine/charset/unicode.h"

namespace lienthong::charset::detail {

// Error for a byte that `cs` does not define at `offset` of the input.
// `why` replaces the default "is not defined in <cs>" explanation when the
// byte is defined but out of place (e.g. a VNI accent with no letter before it).
Error decode_error(std::string_view bytes, std::size_t offset, Charset cs,
                   std::string_view why = {});

// Error for input to from_utf8() that is not UTF-8 at all.
Error invalid_utf8_input_error(std::string_view utf8, std::size_t offset);

// Error for a character `cs` cannot represent, found at `offset` of the UTF-8 input.
Error encode_error(char32_t cp, std::size_t offset, Charset cs);

Result<std::string> decode_utf8(std::string_view bytes);
Result<std::string> decode_ascii(std::string_view bytes);
Result<std::string> decode_latin1(std::string_view bytes);
Result<std::string> decode_table(std::string_view bytes, Charset cs);  // cp1258, tcvn3, viscii
Result<std::string> decode_vni(std::string_view bytes);

// Encoders receive UTF-8 text that the caller has validated.
Result<std::string> encode_ascii(std::string_view utf8);
Result<std::string> encode_latin1(std::string_view utf8);
Result<std::string> encode_table(std::string_view utf8, Charset cs);
Result<std::string> encode_vni(std::string_view utf8);

// True if all 8 bytes at `p` are printable ASCII (0x20..0x7F), which every
// encoding here maps to itself.
inline bool printable_ascii8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kSpaces = 0x2020202020202020ULL;
  return (v & kHigh) == 0 && ((v - kSpaces) & ~v & kHigh) == 0;
}

// Drives an encoder over validated UTF-8: ASCII runs go through `ascii_ok`
// in bulk, everything else is split into NFC segments (a starter and its
// marks) and handed to `put(cp, out)` one code point at a time. The error
// offset is the first byte of the segment holding the character.
// If a segment has a code point `put` rejects, `fallback(seg, out)` gets the
// whole NFC segment and may encode it another way (base + separate mark bytes).
template <class AsciiOk, class Put, class Fallback>
Result<std::string> encode_segments(std::string_view utf8, Charset cs, AsciiOk ascii_ok, Put put,
                                    Fallback fallback) {
  std::string out;
  out.reserve(utf8.size());
  const std::size_t n = utf8.size();
  const char* p = utf8.data();
  CodePoints seg;
  std::size_t i = 0;
  const auto is_mark_lead = [&](std::size_t k) {
    if (k >= n) return false;
    const auto b = static_cast<unsigned char>(p[k]);
    return b == 0xCC || b == 0xCD;
  };
  while (i < n) {
    const auto b = static_cast<unsigned char>(p[i]);
    if (b < 0x80 && ascii_ok(b) && !is_mark_lead(i + 1)) {
      std::size_t j = i + 1;
      while (j + 8 <= n && printable_ascii8(p + j) && !is_mark_lead(j + 8)) j += 8;
      while (j < n && static_cast<unsigned char>(p[j]) < 0x80 &&
             ascii_ok(static_cast<unsigned char>(p[j])) && !is_mark_lead(j + 1)) {
        ++j;
      }
      out.append(p + i, j - i);
      i = j;
      continue;
    }
    const std::size_t start = i;
    seg.clear();
    seg.push_back(next_cp(utf8, i));
    bool needs_nfc = combining_class(seg[0]) != 0;
    while (i < n) {
      std::size_t peek = i;
      const char32_t c = next_cp(utf8, peek);
      if (combining_class(c) == 0) break;
      seg.push_back(c);
      needs_nfc = true;
      i = peek;
    }
    if (needs_nfc) normalize_segment(seg);
    const std::size_t mark = out.size();
    for (std::size_t k = 0; k < seg.size(); ++k) {
      if (put(seg[k], out)) continue;
      out.resize(mark);
      if (fallback(seg, out)) break;
      return encode_error(seg[k], start, cs);
    }
  }
  return out;
}

// Fallback for encodings without separate mark bytes.
inline bool no_fallback(CodePoints&, std::string&) { return false; }

}  // namespace lienthong::charset::detail
