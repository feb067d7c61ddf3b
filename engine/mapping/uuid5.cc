#include "engine/mapping/uuid5.h"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace lienthong::mapping {

const std::array<std::uint8_t, 16> kLienthongNamespace = {
    0x8f, 0x0b, 0x5f, 0x0e, 0x6c, 0x5e, 0x5b, 0x43,
    0x9a, 0x43, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x68};

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// The four kinds of rounds (FIPS 180-4 §4.1.1, §4.2.1): choose, parity,
// majority, parity; each written with the fewest operations.
template <int Kind>
std::uint32_t mix(std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  if constexpr (Kind == 0) return d ^ (b & (c ^ d));
  if constexpr (Kind == 2) return (b & c) | (d & (b | c));
  return b ^ c ^ d;
}
template <int Kind>
constexpr std::uint32_t kRoundConstant = Kind == 0 ? 0x5a827999 : Kind == 1 ? 0x6ed9eba1 : Kind == 2 ? 0x8f1bbcdc : 0xca62c1d6;

// Word t of the message schedule, in a ring of 16: W[t] for t < 16, else
// rotl(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16], 1), written back in place.
inline std::uint32_t word(std::uint32_t* w, int t) {
  if (t < 16) return w[t];
  w[t & 15] = rotl(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
  return w[t & 15];
}

// One round; the caller rotates the roles of a..e instead of moving values.
template <int Kind>
inline void step(std::uint32_t a, std::uint32_t& b, std::uint32_t c, std::uint32_t d, std::uint32_t& e,
                  std::uint32_t x) {
  e += rotl(a, 5) + mix<Kind>(b, c, d) + kRoundConstant<Kind> + x;
  b = rotl(b, 30);
}

// Twenty rounds of one kind, starting at round `first`.
template <int Kind>
inline void twenty(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c, std::uint32_t& d, std::uint32_t& e,
                   std::uint32_t* w) {
  constexpr int first = Kind * 20;
#pragma GCC unroll 4
  for (int t = first; t < first + 20; t += 5) {
    step<Kind>(a, b, c, d, e, word(w, t));
    step<Kind>(e, a, b, c, d, word(w, t + 1));
    step<Kind>(d, e, a, b, c, word(w, t + 2));
    step<Kind>(c, d, e, a, b, word(w, t + 3));
    step<Kind>(b, c, d, e, a, word(w, t + 4));
  }
}

void compress_portable(std::uint32_t* h, const std::uint8_t* block) {
  std::uint32_t w[16];
  for (int t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  twenty<0>(a, b, c, d, e, w);
  twenty<1>(a, b, c, d, e, w);
  twenty<2>(a, b, c, d, e, w);
  twenty<3>(a, b, c, d, e, w);
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define LIENTHONG_SHA_NI 1

// With the SHA extensions (most x86-64 processors since 2017): four rounds
// per instruction. The state is (a, b, c, d) with a in the highest lane and
// e on its own; message words are 4 to a lane group, the first in the
// highest lane.
template <int Kind>
__attribute__((target("sha,ssse3,sse4.1"))) inline void five_groups(__m128i& abcd, __m128i& previous, __m128i* m,
                                                                   int first) {
  for (int g = first; g < first + 5; ++g) {
    __m128i w;
    if (g < 4) {
      w = m[g];
    } else {
      // Words 4g..4g+3 from those 16, 14, 8 and 3 places back (FIPS 180-4 §6.1.2).
      w = _mm_sha1msg2_epu32(
          _mm_xor_si128(_mm_sha1msg1_epu32(m[g & 3], m[(g + 1) & 3]), m[(g + 2) & 3]), m[(g + 3) & 3]);
      m[g & 3] = w;
    }
    // e for the group: e0 + w for the first, else rotl(a, 30) of the state two groups back.
    const __m128i e = g == 0 ? _mm_add_epi32(previous, w) : _mm_sha1nexte_epu32(previous, w);
    previous = abcd;
    abcd = _mm_sha1rnds4_epu32(abcd, e, Kind);
  }
}

__attribute__((target("sha,ssse3,sse4.1"))) void compress_sha_ni(std::uint32_t* h, const std::uint8_t* block) {
  const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
  __m128i m[4];
  for (int i = 0; i < 4; ++i) {
    m[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), reverse);
  }
  const __m128i abcd_in = _mm_set_epi32(static_cast<int>(h[0]), static_cast<int>(h[1]), static_cast<int>(h[2]),
                                        static_cast<int>(h[3]));
  __m128i abcd = abcd_in;
  __m128i previous = _mm_set_epi32(static_cast<int>(h[4]), 0, 0, 0);  // e, for the first group
  five_groups<0>(abcd, previous, m, 0);
  five_groups<1>(abcd, previous, m, 5);
  five_groups<2>(abcd, previous, m, 10);
  five_groups<3>(abcd, previous, m, 15);
  // The new e is rotl(a, 30) of the state before the last group, plus the old e.
  const __m128i e = _mm_sha1nexte_epu32(previous, _mm_set_epi32(static_cast<int>(h[4]), 0, 0, 0));
  abcd = _mm_add_epi32(abcd, abcd_in);
  h[0] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 3));
  h[1] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 2));
  h[2] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 1));
  h[3] = static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 0));
  h[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e, 3));
}

bool has_sha_ni() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
  const bool ssse3 = (c & (1u << 9)) != 0, sse41 = (c & (1u << 19)) != 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  return ssse3 && sse41 && (b & (1u << 29)) != 0;
}
#endif

using Compress = void (*)(std::uint32_t*, const std::uint8_t*);

Compress best_compress() {
#if defined(LIENTHONG_SHA_NI)
  if (has_sha_ni()) return compress_sha_ni;
#endif
  return compress_portable;
}

// Chosen once per process (the processor does not change).
Compress compress_best() {
  static const Compress chosen = best_compress();
  return chosen;
}

// SHA-1 state (FIPS 180-4 §6.1): whole blocks are compressed where they lie;
// only a partial block is copied.
class Sha1 {
 public:
  explicit Sha1(Compress compress = compress_best()) : compress_(compress) {}

  void update(const std::uint8_t* data, std::size_t size) {
    total_bytes_ += size;
    if (used_ > 0) {
      const std::size_t take = size < 64 - used_ ? size : 64 - used_;
      std::memcpy(block_ + used_, data, take);
      used_ += take;
      data += take;
      size -= take;
      if (used_ < 64) return;
      compress(h_, block_);
      used_ = 0;
    }
    for (; size >= 64; data += 64, size -= 64) compress(h_, data);
    if (size > 0) std::memcpy(block_, data, size);
    used_ = size;
  }

  std::array<std::uint8_t, 20> finish() {
    const std::uint64_t bit_length = total_bytes_ * 8;
    // Padding: 0x80, zeros up to 56 mod 64, then the 64-bit big-endian length.
    block_[used_++] = 0x80;
    if (used_ > 56) {
      std::memset(block_ + used_, 0, 64 - used_);
      compress(h_, block_);
      used_ = 0;
    }
    std::memset(block_ + used_, 0, 56 - used_);
    for (int i = 0; i < 8; ++i) block_[56 + i] = static_cast<std::uint8_t>(bit_length >> (56 - 8 * i));
    compress(h_, block_);

    std::array<std::uint8_t, 20> digest{};
    for (int i = 0; i < 5; ++i) {
      for (int b = 0; b < 4; ++b) {
        digest[static_cast<std::size_t>(4 * i + b)] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * b));
      }
    }
    return digest;
  }

 private:
  void compress(std::uint32_t* h, const std::uint8_t* block) { compress_(h, block); }

  Compress compress_;
  std::uint32_t h_[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  std::uint8_t block_[64] = {};
  std::size_t used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace

std::array<std::uint8_t, 20> sha1(std::string_view data) {
  Sha1 hash;
  hash.update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  return hash.finish();
}

std::array<std::uint8_t, 20> sha1_portable(std::string_view data) {
  Sha1 hash(compress_portable);
  hash.update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  return hash.finish();
}

void uuid5(const std::array<std::uint8_t, 16>& name_space, std::string_view name, char* out) {
  Sha1 hash;
  hash.update(name_space.data(), name_space.size());
  hash.update(reinterpret_cast<const std::uint8_t*>(name.data()), name.size());
  const std::array<std::uint8_t, 20> digest = hash.finish();

  std::uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = digest[static_cast<std::size_t>(i)];
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x50);  // version 5
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // variant 10xx

  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *out++ = '-';
    *out++ = kHex[bytes[i] >> 4];
    *out++ = kHex[bytes[i] & 0x0f];
  }
}

std::string uuid5(const std::array<std::uint8_t, 16>& name_space, std::string_view name) {
  std::string text(kUuidTextSize, '\0');
  uuid5(name_space, name, text.data());
  return text;
}

std::string uuid5(std::string_view name) { return uuid5(kLienthongNamespace, name); }

}  // namespace lienthong::mapping
