// Fuzz target for the stored-body codec (engine/store/body_codec.h): what the
// store reads back from a row it did not necessarily write itself (a damaged or
// edited file). Contracts checked:
// - decoding any bytes with any recorded size never reads or writes out of
//   bounds (ASan) and either fails or gives exactly `size` bytes;
// - encoding then decoding gives the input back, with or without compression,
//   and a compressed body is never larger than the input.
// Input: byte 0 picks the codec name and how the recorded size is derived,
// bytes 1-2 are a size (little endian); the rest is the stored bytes (and, for
// the round trip, the body).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/store/body_codec.h"
#include "fuzz/fuzz_require.h"

using lienthong::store::BodyCompression;
using lienthong::store::decode_body;
using lienthong::store::encode_body;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t control = data[0];
  const std::int64_t given = data[1] | (data[2] << 8);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 3), size - 3);

  // Arbitrary stored rows.
  const char* codecs[] = {"lz4", "", "zstd", "LZ4"};
  const std::int64_t sizes[] = {static_cast<std::int64_t>(bytes.size()), static_cast<std::int64_t>(bytes.size()) * 3,
                                given, -1};
  const std::string_view codec = codecs[control & 3];
  const std::int64_t recorded = sizes[(control >> 2) & 3];
  auto decoded = decode_body(codec, bytes, recorded);
  if (decoded.ok() && codec == "lz4") FUZZ_REQUIRE(static_cast<std::int64_t>(decoded->size()) == recorded);
  if (codec.empty()) FUZZ_REQUIRE(decoded.ok() && *decoded == bytes);

  // Round trip.
  for (BodyCompression compression : {BodyCompression::kLz4, BodyCompression::kNone}) {
    auto stored = encode_body(bytes, compression);
    FUZZ_REQUIRE(stored.size == static_cast<std::int64_t>(bytes.size()));
    const std::string_view row = lienthong::store::bytes_to_store(stored, bytes);
    FUZZ_REQUIRE(row.size() <= bytes.size());
    auto back = decode_body(stored.codec, row, stored.size);
    FUZZ_REQUIRE(back.ok() && *back == bytes);
  }
  return 0;
}
