// How an outbound item's body is kept in the store (docs/specs/store.md
// STORE-10). Bodies are the mapped documents (a FHIR Bundle of an ADT is ~18 KB
// of JSON) and are written once, read at delivery and kept until retention: with
// LZ4 they take about a third of the bytes, so a commit writes, syncs and later
// checkpoints a third as much for ~1 us of CPU per 1.4 KB compressed (`lz4 -b1` on a Bundle).
//
// Encoding happens on the caller's thread (append), never on the single writer
// thread; decoding where items are read. A body is kept as is when it is short
// or does not shrink. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace lienthong::store {

enum class BodyCompression { kNone, kLz4 };

// How the `outbound` row holds a body: `codec` "" (the body as it is) or "lz4"
// (`bytes` is an LZ4 block); `size` the body's length once decoded. A body kept
// as it is is not copied: `bytes` stays empty and bytes_to_store gives the body.
struct StoredBody {
  std::string codec;
  std::string bytes;
  std::int64_t size = 0;
};

// Bodies shorter than this are stored as they are (nothing to gain).
inline constexpr std::size_t kCompressFromBytes = 512;

StoredBody encode_body(std::string_view body, BodyCompression compression);

// The bytes the row's `body` column gets for `body` encoded as `stored`.
inline std::string_view bytes_to_store(const StoredBody& stored, std::string_view body) {
  return stored.codec.empty() ? body : std::string_view(stored.bytes);
}

// The body back; an unknown codec or bytes that do not decode to `size` are an
// error (a damaged row), never a guess.
Result<std::string> decode_body(std::string_view codec, std::string_view bytes, std::int64_t size);

}  // namespace lienthong::store
