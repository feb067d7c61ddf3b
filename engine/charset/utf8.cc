// UTF-8 validation and NFC for already-UTF-8 text. Most traffic is NFC UTF-8
// already, so both entry points are built around a cheap scan that lets the
// caller skip the expensive path.
//
// Thread-safety: pure functions.

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstring>

#include "engine/charset/charset.h"
#include "engine/charset/unicode.h"

namespace lienthong::charset {
namespace detail {

std::size_t valid_sequence_length(std::string_view s, std::size_t pos) {
  const std::size_t n = s.size();
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[pos + k]); };
  const unsigned char b0 = at(0);
  if (b0 < 0x80) return 1;
  const auto cont = [](unsigned char b) { return b >= 0x80 && b <= 0xBF; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return pos + 1 < n && cont(at(1)) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (pos + 2 >= n) return 0;
    const unsigned char b1 = at(1);
    // E0 excludes overlongs, ED excludes surrogates (Unicode table 3-7).
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    return b1 >= lo && b1 <= hi && cont(at(2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (pos + 3 >= n) return 0;
    const unsigned char b1 = at(1);
    // F0 excludes overlongs, F4 excludes values above U+10FFFF.
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return b1 >= lo && b1 <= hi && cont(at(2)) && cont(at(3)) ? 4 : 0;
  }
  return 0;  // C0, C1 (overlong 2-byte), F5..FF and stray continuation bytes
}

}  // namespace detail

namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view bytes) {
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
#if defined(__SSE2__)
    // Messages are mostly ASCII: skip 32 bytes per step while no high bit is set.
    while (i + 32 <= n) {
      const auto* q = reinterpret_cast<const __m128i*>(bytes.data() + i);
      if (_mm_movemask_epi8(_mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1))) != 0) break;
      i += 32;
    }
#endif
    // Mixed text (Vietnamese names between ASCII delimiters): walk a window
    // byte by byte before trying the wide skip again. ASCII bytes cost one
    // compare; two-byte letters are checked inline; longer ones by the full check.
    const std::size_t window_end = i + 32 < n ? i + 32 : n;
    while (i < window_end) {
      const auto c = static_cast<unsigned char>(bytes[i]);
      if (c < 0x80) {
        ++i;
      } else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (static_cast<unsigned char>(bytes[i + 1]) & 0xC0) == 0x80) {
        i += 2;
      } else if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) && i + 2 < n &&
                 (static_cast<unsigned char>(bytes[i + 1]) & 0xC0) == 0x80 &&
                 (static_cast<unsigned char>(bytes[i + 2]) & 0xC0) == 0x80) {
        i += 3;  // E0 and ED have narrower second-byte ranges: left to the full check
      } else {
        const std::size_t len = detail::valid_sequence_length(bytes, i);
        if (len == 0) return i;
        i += len;
      }
    }
  }
  return std::nullopt;
}

bool may_need_nfc(std::string_view utf8) {
  const std::size_t n = utf8.size();
  const char* p = utf8.data();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && (load8(p + i) & kHighBits) == 0) {
      i += 8;
      continue;
    }
    const auto b = static_cast<unsigned char>(p[i]);
    // 0xCC / 0xCD lead U+0300..U+037F (combining marks, a few Greek letters);
    // E1 85..87 lead U+1140..U+11FF (Hangul medial vowels and final jamo).
    if (b == 0xCC || b == 0xCD) return true;
    if (b == 0xE1 && i + 1 < n) {
      const auto b1 = static_cast<unsigned char>(p[i + 1]);
      if (b1 >= 0x85 && b1 <= 0x87) return true;
    }
    ++i;
  }
  return false;
}

std::string to_nfc(std::string_view utf8) {
  if (!may_need_nfc(utf8)) return std::string(utf8);
  std::string out;
  out.reserve(utf8.size());
  const std::size_t n = utf8.size();
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  // Where the most recent starter began in the input and in `out`: a following
  // mark may compose with it, so its bytes are re-read and rewritten.
  std::size_t starter_in = kNone;
  std::size_t starter_out = 0;
  detail::CodePoints seg;
  std::size_t i = 0;
  while (i < n) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {
      starter_in = i;
      starter_out = out.size();
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    const std::size_t len = detail::valid_sequence_length(utf8, i);
    if (len == 0) {  // ill-formed: keep the byte, it cannot combine with anything
      out.push_back(static_cast<char>(b));
      starter_in = kNone;
      ++i;
      continue;
    }
    std::size_t next = i;
    const char32_t cp = detail::next_cp(utf8, next);
    if (detail::combining_class(cp) == 0 && !detail::is_jamo_vt(cp)) {
      starter_in = i;
      starter_out = out.size();
      out.append(utf8.data() + i, len);
      i = next;
      continue;
    }
    // A mark (or jamo): rebuild the segment from the preceding starter.
    std::size_t pos = i;
    if (starter_in != kNone) {
      pos = starter_in;
      out.resize(starter_out);
    }
    seg.clear();
    seg.push_back(detail::next_cp(utf8, pos));
    while (pos < n && detail::valid_sequence_length(utf8, pos) != 0) {
      std::size_t peek = pos;
      const char32_t c = detail::next_cp(utf8, peek);
      if (detail::combining_class(c) == 0 && !detail::is_jamo_vt(c) && c != 0x340 &&
          c != 0x341 && c != 0x343 && c != 0x344) {
        break;
      }
      seg.push_back(c);
      pos = peek;
    }
    detail::normalize_segment(seg);
    for (std::size_t k = 0; k < seg.size(); ++k) detail::append_utf8(out, seg[k]);
    starter_in = kNone;
    i = pos;
  }
  return out;
}

}  // namespace lienthong::charset
