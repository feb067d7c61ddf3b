// Canonical decomposition / composition for the Latin + Vietnamese repertoire
// (plus Hangul jamo, which compose algorithmically). A full Unicode NFC would
// need the whole UCD; HL7 traffic in Viet Nam only needs these blocks, and the
// tables stay small enough to live in the binary.
//
// Thread-safety: pure functions over immutable tables.

#include <algorithm>

#include "engine/charset/tables.h"
#include "engine/charset/unicode.h"

namespace lienthong::charset::detail {
namespace {

constexpr char32_t kHangulS = 0xAC00;
constexpr char32_t kHangulL = 0x1100;
constexpr char32_t kHangulV = 0x1161;
constexpr char32_t kHangulT = 0x11A7;
constexpr int kHangulVCount = 21;
constexpr int kHangulTCount = 28;
constexpr int kHangulSCount = 11172;

}  // namespace

std::uint8_t combining_class(char32_t cp) {
  return cp >= 0x300 && cp <= 0x36F ? kCombiningClass[cp - 0x300] : 0;
}

char32_t compose_pair(char32_t first, char32_t second) {
  if (second >= 0x300 && second <= 0x36F && first <= 0xFFFF) {
    const auto it = std::lower_bound(
        kCompositions.begin(), kCompositions.end(), std::pair<char32_t, char32_t>(first, second),
        [](const Composition& c, const std::pair<char32_t, char32_t>& key) {
          return c.base != key.first ? c.base < key.first : c.mark < key.second;
        });
    if (it != kCompositions.end() && it->base == first && it->mark == second) return it->composed;
    return 0;
  }
  if (first >= kHangulL && first < kHangulL + 19 && second >= kHangulV &&
      second < kHangulV + kHangulVCount) {
    return kHangulS + ((first - kHangulL) * kHangulVCount + (second - kHangulV)) * kHangulTCount;
  }
  if (first >= kHangulS && first < kHangulS + kHangulSCount &&
      (first - kHangulS) % kHangulTCount == 0 && second > kHangulT &&
      second < kHangulT + kHangulTCount) {
    return first + (second - kHangulT);
  }
  return 0;
}

bool decompose_one(char32_t cp, char32_t& base, char32_t& mark) {
  if (cp < 0xC0 || cp > 0xFFFF) return false;
  const auto it = std::lower_bound(
      kDecompositions.begin(), kDecompositions.end(), cp,
      [](const Composition& c, char32_t key) { return c.composed < key; });
  if (it == kDecompositions.end() || it->composed != cp) return false;
  base = it->base;
  mark = it->mark;
  return true;
}

void decompose_full(char32_t cp, CodePoints& out) {
  // Singleton decompositions among the marks: NFC never contains these.
  switch (cp) {
    case 0x340: out.push_back(0x300); return;
    case 0x341: out.push_back(0x301); return;
    case 0x343: out.push_back(0x313); return;
    case 0x344: out.push_back(0x308); out.push_back(0x301); return;
    default: break;
  }
  char32_t base = 0;
  char32_t mark = 0;
  if (decompose_one(cp, base, mark)) {
    decompose_full(base, out);  // depth <= 3 in the repertoire
    out.push_back(mark);
    return;
  }
  out.push_back(cp);
}

void normalize_segment(CodePoints& cps) {
  CodePoints d;
  for (std::size_t i = 0; i < cps.size(); ++i) decompose_full(cps[i], d);

  // Canonical ordering: stable insertion sort inside each run of non-starters.
  // Runs are short (a few marks), so the quadratic worst case does not matter
  // in practice and it keeps equal classes in input order as Unicode requires.
  const std::size_t n = d.size();
  for (std::size_t i = 1; i < n; ++i) {
    const char32_t cp = d[i];
    const std::uint8_t cc = combining_class(cp);
    if (cc == 0) continue;
    std::size_t j = i;
    while (j > 0) {
      const std::uint8_t prev = combining_class(d[j - 1]);
      if (prev == 0 || prev <= cc) break;
      d[j] = d[j - 1];
      --j;
    }
    d[j] = cp;
  }

  // Canonical composition, in place (the write index never passes the read one).
  cps.clear();
  if (n == 0) return;
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t starter = combining_class(d[0]) == 0 ? 0 : kNone;
  std::uint8_t last_cc = combining_class(d[0]);
  cps.push_back(d[0]);
  for (std::size_t i = 1; i < n; ++i) {
    const char32_t cp = d[i];
    const std::uint8_t cc = combining_class(cp);
    if (starter != kNone) {
      const bool adjacent = cps.size() - 1 == starter;
      const bool blocked = !adjacent && (last_cc == 0 || last_cc >= cc);
      if (!blocked) {
        const char32_t composed = compose_pair(cps[starter], cp);
        if (composed != 0) {
          cps[starter] = composed;
          continue;
        }
      }
    }
    if (cc == 0) starter = cps.size();
    cps.push_back(cp);
    last_cc = cc;
  }
}

}  // namespace lienthong::charset::detail
