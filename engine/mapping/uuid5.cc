#include "engine/mapping/uuid5.h"

#include <cstddef>

namespace lienthong::mapping {

const std::array<std::uint8_t, 16> kLienthongNamespace = {
    0x8f, 0x0b, 0x5f, 0x0e, 0x6c, 0x5e, 0x5b, 0x43,
    0x9a, 0x43, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x68};

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// SHA-1 state over 64-byte blocks (FIPS 180-4 §6.1).
class Sha1 {
 public:
  void update(const std::uint8_t* data, std::size_t size) {
    total_bytes_ += size;
    while (size > 0) {
      std::size_t take = 64 - used_;
      if (take > size) take = size;
      for (std::size_t i = 0; i < take; ++i) block_[used_ + i] = data[i];
      used_ += take;
      data += take;
      size -= take;
      if (used_ == 64) {
        compress();
        used_ = 0;
      }
    }
  }

  std::array<std::uint8_t, 20> finish() {
    const std::uint64_t bit_length = total_bytes_ * 8;
    // Padding: 0x80, zeros up to 56 mod 64, then the 64-bit big-endian length.
    const std::uint8_t one = 0x80;
    update(&one, 1);
    const std::uint8_t zero = 0;
    while (used_ != 56) update(&zero, 1);
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<std::uint8_t>(bit_length >> (56 - 8 * i));
    update(length, 8);

    std::array<std::uint8_t, 20> digest{};
    for (int i = 0; i < 5; ++i) {
      for (int b = 0; b < 4; ++b) {
        digest[static_cast<std::size_t>(4 * i + b)] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * b));
      }
    }
    return digest;
  }

 private:
  void compress() {
    std::uint32_t w[80];
    for (int t = 0; t < 16; ++t) {
      w[t] = (std::uint32_t{block_[4 * t]} << 24) | (std::uint32_t{block_[4 * t + 1]} << 16) |
             (std::uint32_t{block_[4 * t + 2]} << 8) | std::uint32_t{block_[4 * t + 3]};
    }
    for (int t = 16; t < 80; ++t) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
    for (int t = 0; t < 80; ++t) {
      std::uint32_t f, k;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const std::uint32_t temp = rotl(a, 5) + f + e + k + w[t];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = temp;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
  }

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

std::string uuid5(const std::array<std::uint8_t, 16>& name_space, std::string_view name) {
  Sha1 hash;
  hash.update(name_space.data(), name_space.size());
  hash.update(reinterpret_cast<const std::uint8_t*>(name.data()), name.size());
  const std::array<std::uint8_t, 20> digest = hash.finish();

  std::uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = digest[static_cast<std::size_t>(i)];
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x50);  // version 5
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // variant 10xx

  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0f]);
  }
  return text;
}

std::string uuid5(std::string_view name) { return uuid5(kLienthongNamespace, name); }

}  // namespace lienthong::mapping
