// VNI-Windows: the font encoding of the VNI typing software, common in southern
// Viet Nam. There is no iconv/ICU converter, so the mapping is written out here.
//
// Structure: a vowel is its ASCII base letter followed by one modifier byte that
// carries the hat (circumflex/breve) and/or the tone; the modifier's case
// follows the base letter's (lower-case modifier byte - 0x20 = upper-case one).
// i with a tone, y with dot below, đ, ơ and ư are single bytes; ơ/ư then take a
// tone modifier like any base. Bytes 0x80-0x9F keep their cp1252 punctuation.
//
// Sources (facts only, cross-checked byte by byte; they agree on every letter):
//   - Unikey's VNI-Win table (ukengine/tables/doublebytes/vni_win.cpp in
//     ibus-unikey): base letter in the low byte, modifier in the high byte,
//     and the cp1252 punctuation 0x80-0x9F kept as is.
//   - duydev/vietnamese-conversion src/charsets.ts (Unicode <-> VNI strings).
//   - Scribd "Bảng đối chiếu encoding các bộ chữ hiện hành với Unicode" (VNI hex column).
// Bytes 0xA0-0xBF and the remaining 0xC0-0xFF positions carry no Vietnamese letter
// in these sources, so they are rejected rather than guessed.
//
// Thread-safety: pure functions over constant tables.

#include <array>
#include <cstring>

#include "engine/charset/codec.h"
#include "engine/charset/tables.h"

namespace lienthong::charset::detail {
namespace {

constexpr char32_t kGrave = 0x300;
constexpr char32_t kAcute = 0x301;
constexpr char32_t kCircumflex = 0x302;
constexpr char32_t kTilde = 0x303;
constexpr char32_t kBreve = 0x306;
constexpr char32_t kHook = 0x309;
constexpr char32_t kHorn = 0x31B;
constexpr char32_t kDotBelow = 0x323;

struct Modifier {
  unsigned char lower;  // byte after a lower-case base; upper-case is lower - 0x20
  char32_t hat;         // 0, circumflex or breve
  char32_t tone;        // 0 or one of the five tone marks
};

constexpr std::array<Modifier, 17> kModifiers{{
    {0xE2, kCircumflex, 0}, {0xEA, kBreve, 0},
    {0xF9, 0, kAcute}, {0xF8, 0, kGrave}, {0xFB, 0, kHook}, {0xF5, 0, kTilde}, {0xEF, 0, kDotBelow},
    {0xE1, kCircumflex, kAcute}, {0xE0, kCircumflex, kGrave}, {0xE5, kCircumflex, kHook},
    {0xE3, kCircumflex, kTilde}, {0xE4, kCircumflex, kDotBelow},
    {0xE9, kBreve, kAcute}, {0xE8, kBreve, kGrave}, {0xFA, kBreve, kHook},
    {0xFC, kBreve, kTilde}, {0xEB, kBreve, kDotBelow},
}};

struct Single {
  unsigned char byte;
  char32_t cp;
};

constexpr std::array<Single, 18> kSingles{{
    {0xCC, 0x00CC}, {0xEC, 0x00EC},  // Ì ì
    {0xCD, 0x00CD}, {0xED, 0x00ED},  // Í í
    {0xC6, 0x1EC8}, {0xE6, 0x1EC9},  // Ỉ ỉ
    {0xD3, 0x0128}, {0xF3, 0x0129},  // Ĩ ĩ
    {0xD2, 0x1ECA}, {0xF2, 0x1ECB},  // Ị ị
    {0xD1, 0x0110}, {0xF1, 0x0111},  // Đ đ
    {0xD4, 0x01A0}, {0xF4, 0x01A1},  // Ơ ơ
    {0xD6, 0x01AF}, {0xF6, 0x01B0},  // Ư ư
    {0xCE, 0x1EF4}, {0xEE, 0x1EF5},  // Ỵ ỵ
}};

// What a byte means on its own; built once at compile time.
struct ByteInfo {
  std::array<char32_t, 256> cp{};        // 0 = no stand-alone meaning
  std::array<signed char, 256> mod{};    // index into kModifiers, or -1
};

constexpr ByteInfo make_byte_info() {
  ByteInfo info;
  for (int b = 0; b < 0x80; ++b) info.cp[b] = static_cast<char32_t>(b);
  for (int b = 0; b < 256; ++b) info.mod[b] = -1;
  for (const Single& s : kSingles) info.cp[s.byte] = s.cp;
  for (std::size_t k = 0; k < kModifiers.size(); ++k) {
    info.mod[kModifiers[k].lower] = static_cast<signed char>(k);
    info.mod[kModifiers[k].lower - 0x20] = static_cast<signed char>(k);
  }
  return info;
}

constexpr ByteInfo kByteInfo = make_byte_info();

char32_t ascii_lower(char32_t c) { return c >= 'A' && c <= 'Z' ? c + 0x20 : c; }
bool is_upper(char32_t base) { return (base >= 'A' && base <= 'Z') || base == 0x1A0 || base == 0x1AF; }

// Whether modifier `m` may follow VNI base `base` (an ASCII vowel or ơ/ư).
// Mirrors what VNI can produce: no hat on u/y/ơ/ư, breve only on a, and no
// tones on i or dot below on y (those are single bytes).
bool applies(char32_t base, const Modifier& m) {
  const char32_t l = ascii_lower(base);
  if (l == 0x1A0 || l == 0x1A1 || l == 0x1AF || l == 0x1B0) return m.hat == 0;
  switch (l) {
    case 'a': return true;
    case 'e':
    case 'o': return m.hat != kBreve;
    case 'u': return m.hat == 0;
    case 'y': return m.hat == 0 && m.tone != kDotBelow;
    default: return false;
  }
}

char32_t cp1252_high(unsigned char b) {
  return b >= 0x80 && b < 0xA0 && kCp1252High[b - 0x80] != kUndefined ? kCp1252High[b - 0x80] : 0;
}

bool all_ascii8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return (v & 0x8080808080808080ULL) == 0;
}

}  // namespace

Result<std::string> decode_vni(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  const std::size_t n = bytes.size();
  const char* p = bytes.data();
  std::size_t i = 0;
  while (i < n) {
    // Bulk-copy ASCII, but never the last byte before a high byte: it may be a
    // base letter that the following modifier applies to.
    std::size_t j = i;
    while (j + 8 < n && all_ascii8(p + j) && static_cast<unsigned char>(p[j + 8]) < 0x80) j += 8;
    out.append(p + i, j - i);
    i = j;
    if (i == n) break;
    const auto b = static_cast<unsigned char>(p[i]);
    char32_t cp = kByteInfo.cp[b];
    if (cp == 0 && b != 0) cp = cp1252_high(b);
    if (cp == 0 && b != 0) {
      if (kByteInfo.mod[b] >= 0) {
        return decode_error(bytes, i, Charset::kVni,
                            "is a vni accent byte with no letter before it that it can apply to");
      }
      return decode_error(bytes, i, Charset::kVni);
    }
    if (i + 1 < n) {
      const signed char k = kByteInfo.mod[static_cast<unsigned char>(p[i + 1])];
      if (k >= 0) {
        const Modifier& m = kModifiers[static_cast<std::size_t>(k)];
        if (!applies(cp, m)) {
          return decode_error(bytes, i + 1, Charset::kVni,
                              "is a vni accent byte that cannot apply to the character before it");
        }
        // Compose via NFC: "ậ" is ạ + circumflex, not â + dot below.
        CodePoints seg;
        seg.push_back(cp);
        if (m.hat != 0) seg.push_back(m.hat);
        if (m.tone != 0) seg.push_back(m.tone);
        normalize_segment(seg);
        for (std::size_t k = 0; k < seg.size(); ++k) append_utf8(out, seg[k]);
        i += 2;
        continue;
      }
    }
    append_utf8(out, cp);
    ++i;
  }
  return out;  // every letter is emitted precomposed, so the text is NFC
}

namespace {

bool put_vni(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
    return true;
  }
  for (unsigned b = 0x80; b < 0xA0; ++b) {
    if (cp1252_high(static_cast<unsigned char>(b)) == cp) {
      out.push_back(static_cast<char>(b));
      return true;
    }
  }
  for (const Single& s : kSingles) {
    if (s.cp == cp) {
      out.push_back(static_cast<char>(s.byte));
      return true;
    }
  }
  CodePoints d;
  decompose_full(cp, d);
  if (d.size() < 2 || d[0] >= 0x80) return false;
  char32_t base = d[0];
  char32_t hat = 0;
  char32_t tone = 0;
  bool horn = false;
  for (std::size_t k = 1; k < d.size(); ++k) {
    const char32_t m = d[k];
    if ((m == kCircumflex || m == kBreve) && hat == 0) {
      hat = m;
    } else if (m == kHorn && !horn) {
      horn = true;
    } else if ((m == kGrave || m == kAcute || m == kHook || m == kTilde || m == kDotBelow) &&
               tone == 0) {
      tone = m;
    } else {
      return false;
    }
  }
  if (horn) {
    const char32_t l = ascii_lower(base);
    if (hat != 0 || (l != 'o' && l != 'u')) return false;
    base = l == 'o' ? (base == l ? 0x1A1 : 0x1A0) : (base == l ? 0x1B0 : 0x1AF);
    if (tone == 0) return false;  // bare ơ/ư are singles, handled above
  }
  for (const Modifier& m : kModifiers) {
    if (m.hat != hat || m.tone != tone || !applies(base, m)) continue;
    unsigned char base_byte = static_cast<unsigned char>(base);
    if (horn) {
      for (const Single& s : kSingles) {
        if (s.cp == base) base_byte = s.byte;
      }
    }
    out.push_back(static_cast<char>(base_byte));
    out.push_back(static_cast<char>(is_upper(base) ? m.lower - 0x20 : m.lower));
    return true;
  }
  return false;
}

}  // namespace

Result<std::string> encode_vni(std::string_view utf8) {
  return encode_segments(
      utf8, Charset::kVni, [](unsigned char) { return true; }, put_vni, no_fallback);
}

}  // namespace lienthong::charset::detail
