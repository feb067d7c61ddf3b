// Internal: UTF-8 and normalization primitives shared by the codecs.
// Kept out of charset.h because callers outside engine/charset should only see
// whole-string conversions.
//
// Thread-safety: pure functions over immutable tables; safe from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lienthong::charset::detail {

// Decodes the code point at `pos` of text already known to be valid UTF-8 and
// advances `pos`. Callers validate first, so this does no checking beyond
// staying in bounds.
inline char32_t next_cp(std::string_view s, std::size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
  if (pos + len > s.size()) len = s.size() - pos;  // never reached for valid input
  char32_t cp = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < len; ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  }
  pos += len;
  return cp;
}

inline void append_utf8(std::string& out, char32_t cp) {
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

// Canonical combining class; only U+0300..U+036F are known (others read as 0,
// i.e. they block composition, which keeps to_nfc idempotent).
std::uint8_t combining_class(char32_t cp);

// Canonical composition of a pair, or 0 if none (Latin/Vietnamese + Hangul).
char32_t compose_pair(char32_t first, char32_t second);

// One level of canonical decomposition: sets base/mark and returns true if `cp`
// is a precomposed character of the repertoire.
bool decompose_one(char32_t cp, char32_t& base, char32_t& mark);

// True for conjoining jamo that compose with a preceding Hangul L or LV.
inline bool is_jamo_vt(char32_t cp) {
  return (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2);
}

// A short run of code points: inline storage for the usual case (a letter and
// a mark or two) so NFC work does not allocate; spills to the heap only for
// pathological inputs such as hundreds of stacked marks.
class CodePoints {
 public:
  void push_back(char32_t cp) {
    if (heap_.empty()) {
      if (size_ < inline_.size()) {
        inline_[size_++] = cp;
        return;
      }
      heap_.assign(inline_.begin(), inline_.end());
    }
    heap_.push_back(cp);
    ++size_;
  }
  std::size_t size() const { return size_; }
  char32_t* data() { return heap_.empty() ? inline_.data() : heap_.data(); }
  char32_t& operator[](std::size_t i) { return data()[i]; }
  void resize_down(std::size_t n) {
    size_ = n;
    if (!heap_.empty()) heap_.resize(n);
  }
  void clear() {
    size_ = 0;
    heap_.clear();
  }

 private:
  std::array<char32_t, 16> inline_{};
  std::vector<char32_t> heap_;
  std::size_t size_ = 0;
};

// Appends the full canonical decomposition of `cp` (repertoire only; Hangul
// syllables are left whole because nothing we encode needs their jamo).
void decompose_full(char32_t cp, CodePoints& out);

// NFC of one segment: a starter (or leading marks) followed by code points that
// may interact with it. Decomposes, orders marks canonically, then composes.
void normalize_segment(CodePoints& cps);

// Length of the well-formed UTF-8 sequence at `pos`, or 0 if it is ill-formed.
std::size_t valid_sequence_length(std::string_view s, std::size_t pos);

}  // namespace lienthong::charset::detail
