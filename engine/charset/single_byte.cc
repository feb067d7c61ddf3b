// Table-driven one-byte encodings: ASCII, Latin-1, and the Vietnamese code
// pages whose tables are generated from glibc (cp1258, TCVN3, VISCII).
// CP1258 and TCVN3 also carry combining tone marks, so decoding composes to NFC
// and encoding falls back to base letter + tone byte, as glibc does.
//
// Thread-safety: pure functions over immutable tables.

#include <algorithm>
#include <cstring>
#include <span>

#include "engine/charset/codec.h"
#include "engine/charset/tables.h"

namespace lienthong::charset::detail {
namespace {

struct Table {
  const std::uint16_t* to_unicode;
  std::span<const ByteMapping> from_unicode;
  bool c0_identity;
  bool has_marks;  // defines combining marks: decode needs NFC, encode may decompose
};

Table table_for(Charset cs) {
  switch (cs) {
    case Charset::kTcvn3: return {kTcvn3ToUnicode, kTcvn3FromUnicode, kTcvn3C0Identity, true};
    case Charset::kViscii: return {kVisciiToUnicode, kVisciiFromUnicode, kVisciiC0Identity, false};
    default: return {kCp1258ToUnicode, kCp1258FromUnicode, kCp1258C0Identity, true};
  }
}

int lookup(const Table& t, char32_t cp) {
  if (cp < 0x80 && t.to_unicode[cp] == cp) return static_cast<int>(cp);
  if (cp > 0xFFFF) return -1;
  const auto it = std::lower_bound(t.from_unicode.begin(), t.from_unicode.end(), cp,
                                   [](const ByteMapping& m, char32_t key) { return m.cp < key; });
  if (it == t.from_unicode.end() || it->cp != cp) return -1;
  return it->byte;
}

// Encodes an NFC segment (a letter and its marks) that has a character the
// table lacks, as one encodable letter followed by separate mark bytes. The
// letter keeps as many marks as possible ("ậ" -> "â" + dot below rather than
// "a" + two marks), which is what glibc emits and what Vietnamese fonts expect.
// Only marks that may move after the kept ones without changing the canonical
// order are split off, so the bytes decode back to the same NFC text.
bool put_decomposed(const Table& t, CodePoints& seg, std::string& out) {
  CodePoints d;
  for (std::size_t i = 0; i < seg.size(); ++i) decompose_full(seg[i], d);
  const std::size_t n = d.size();
  if (n < 2 || combining_class(d[0]) != 0) return false;
  const std::size_t marks = n - 1;
  // A letter absorbs at most 3 marks in the repertoire (e.g. "ǘ" has 2), so
  // search kept sets of size <= 3; cap the search on absurd mark stacks.
  const std::size_t max_keep = marks > 24 ? 1 : std::min<std::size_t>(3, marks);
  std::size_t keep[3] = {0, 0, 0};
  CodePoints letter;
  for (std::size_t size = max_keep + 1; size-- > 0;) {
    // Enumerate index sets keep[0] < ... < keep[size-1] over marks 1..n-1.
    for (std::size_t k = 0; k < size; ++k) keep[k] = k + 1;
    while (true) {
      const auto kept = [&](std::size_t i) {
        for (std::size_t k = 0; k < size; ++k) {
          if (keep[k] == i) return true;
        }
        return false;
      };
      bool ok = true;
      for (std::size_t i = 1; i < n && ok; ++i) {
        if (kept(i)) continue;
        if (lookup(t, d[i]) < 0) ok = false;
        for (std::size_t k = 0; k < size && ok; ++k) {
          if (keep[k] > i && combining_class(d[keep[k]]) == combining_class(d[i])) ok = false;
        }
      }
      if (ok) {
        letter.clear();
        letter.push_back(d[0]);
        for (std::size_t k = 0; k < size; ++k) letter.push_back(d[keep[k]]);
        normalize_segment(letter);
        const int base = letter.size() == 1 ? lookup(t, letter[0]) : -1;
        if (base >= 0) {
          out.push_back(static_cast<char>(base));
          for (std::size_t i = 1; i < n; ++i) {
            if (!kept(i)) out.push_back(static_cast<char>(lookup(t, d[i])));
          }
          return true;
        }
      }
      // Next combination.
      std::size_t k = size;
      while (k > 0 && keep[k - 1] == marks - (size - k)) --k;
      if (k == 0) break;
      ++keep[k - 1];
      for (std::size_t j = k; j < size; ++j) keep[j] = keep[j - 1] + 1;
    }
  }
  return false;
}

bool all_ascii8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return (v & 0x8080808080808080ULL) == 0;
}

}  // namespace

Result<std::string> decode_ascii(std::string_view bytes) {
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i + 8 <= n && all_ascii8(bytes.data() + i)) i += 8;
  for (; i < n; ++i) {
    if (static_cast<unsigned char>(bytes[i]) >= 0x80) return decode_error(bytes, i, Charset::kAscii);
  }
  return std::string(bytes);
}

Result<std::string> decode_latin1(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i;
    while (j + 8 <= n && all_ascii8(bytes.data() + j)) j += 8;
    while (j < n && static_cast<unsigned char>(bytes[j]) < 0x80) ++j;
    out.append(bytes.data() + i, j - i);
    if (j == n) break;
    append_utf8(out, static_cast<unsigned char>(bytes[j]));  // Latin-1 byte == code point
    i = j + 1;
  }
  return out;  // Latin-1 has no combining marks, so the result is already NFC
}

Result<std::string> decode_table(std::string_view bytes, Charset cs) {
  const Table t = table_for(cs);
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  bool saw_mark = false;
  const std::size_t n = bytes.size();
  const char* p = bytes.data();
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i;
    while (j + 8 <= n && (t.c0_identity ? all_ascii8(p + j) : printable_ascii8(p + j))) j += 8;
    out.append(p + i, j - i);
    i = j;
    if (i == n) break;
    const auto b = static_cast<unsigned char>(p[i]);
    const std::uint16_t cp = t.to_unicode[b];
    if (cp == kUndefined) return decode_error(bytes, i, cs);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else {
      append_utf8(out, cp);
      if (combining_class(cp) != 0) saw_mark = true;
    }
    ++i;
  }
  if (saw_mark) return to_nfc(out);
  return out;
}

Result<std::string> encode_ascii(std::string_view utf8) {
  return encode_segments(
      utf8, Charset::kAscii, [](unsigned char) { return true; },
      [](char32_t cp, std::string& out) {
        if (cp >= 0x80) return false;
        out.push_back(static_cast<char>(cp));
        return true;
      },
      no_fallback);
}

Result<std::string> encode_latin1(std::string_view utf8) {
  return encode_segments(
      utf8, Charset::kLatin1, [](unsigned char) { return true; },
      [](char32_t cp, std::string& out) {
        if (cp > 0xFF) return false;
        out.push_back(static_cast<char>(cp));
        return true;
      },
      no_fallback);
}

Result<std::string> encode_table(std::string_view utf8, Charset cs) {
  const Table t = table_for(cs);
  return encode_segments(
      utf8, cs, [&t](unsigned char b) { return t.to_unicode[b] == b; },
      [&t](char32_t cp, std::string& out) {
        const int b = lookup(t, cp);
        if (b < 0) return false;
        out.push_back(static_cast<char>(b));
        return true;
      },
      [&t](CodePoints& seg, std::string& out) {
        return t.has_marks && put_decomposed(t, seg, out);
      });
}

}  // namespace lienthong::charset::detail
