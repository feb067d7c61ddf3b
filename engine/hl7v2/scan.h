// Byte scanning primitives shared by the parser and the element views. Hot:
// every field access skips separators with these, so they work 16 bytes at a
// time with SSE2 where available (all x86-64) and byte by byte elsewhere.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lienthong::hl7v2::scan {

// Pointer just past the n-th occurrence of `c` in [p, end), or nullptr if there
// are fewer than n. n == 0 returns p.
inline const char* after_nth(const char* p, const char* end, char c, std::size_t n) {
  if (n == 0) return p;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, needle)));
    // Walk the hits rather than popcount them: baseline x86-64 has no POPCNT
    // instruction, and HL7 chunks hold few separators.
    while (mask != 0) {
      if (--n == 0) return p + __builtin_ctz(mask) + 1;
      mask &= mask - 1;
    }
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    if (*p == c && --n == 0) return p + 1;
  }
  return nullptr;
}

// First occurrence of `c` in [p, end), or end.
inline const char* find(const char* p, const char* end, char c) {
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(x, needle));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != c) ++p;
  return p;
}

// First occurrence of `a` or `b` in [p, end), or end. (std::string_view's
// find_first_of calls memchr once per byte of the haystack: ~100x slower.)
inline const char* find_either(const char* p, const char* end, char a, char b) {
#if defined(__SSE2__)
  const __m128i na = _mm_set1_epi8(a);
  const __m128i nb = _mm_set1_epi8(b);
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, na), _mm_cmpeq_epi8(x, nb)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != a && *p != b) ++p;
  return p;
}

// Number of occurrences of `c` in [p, end).
inline std::size_t count(const char* p, const char* end, char c) {
  std::size_t n = 0;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, needle))); mask != 0;
         mask &= mask - 1) {
      ++n;
    }
    p += 16;
  }
#endif
  for (; p < end; ++p) n += *p == c;
  return n;
}

}  // namespace lienthong::hl7v2::scan
