#include "engine/store/body_codec.h"

#include <lz4.h>

#include <limits>

namespace lienthong::store {

StoredBody encode_body(std::string_view body, BodyCompression compression) {
  StoredBody out;
  out.size = static_cast<std::int64_t>(body.size());
  if (compression == BodyCompression::kLz4 && body.size() >= kCompressFromBytes &&
      body.size() <= static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) {
    const int source_size = static_cast<int>(body.size());
    std::string packed(static_cast<std::size_t>(LZ4_compressBound(source_size)), '\0');
    const int n = LZ4_compress_default(body.data(), packed.data(), source_size, static_cast<int>(packed.size()));
    // Kept only when it saves at least an eighth: decoding is not free either.
    if (n > 0 && static_cast<std::size_t>(n) <= body.size() - body.size() / 8) {
      packed.resize(static_cast<std::size_t>(n));
      out.codec = "lz4";
      out.bytes = std::move(packed);
      return out;
    }
  }
  return out;  // as it is: the caller stores the body itself (bytes_to_store)
}

Result<std::string> decode_body(std::string_view codec, std::string_view bytes, std::int64_t size) {
  if (codec.empty()) return std::string(bytes);
  if (codec != "lz4") return Error{"unknown body codec \"" + std::string(codec) + "\"", {}};
  if (size < 0 || size > LZ4_MAX_INPUT_SIZE || bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return Error{"lz4 body: recorded size " + std::to_string(size) + " is out of range", {}};
  }
  std::string body(static_cast<std::size_t>(size), '\0');
  const int n = LZ4_decompress_safe(bytes.data(), body.data(), static_cast<int>(bytes.size()), static_cast<int>(size));
  if (n != size) {
    return Error{"lz4 body of " + std::to_string(bytes.size()) + " bytes does not decode to the recorded " +
                     std::to_string(size) + " bytes",
                 {}};
  }
  return body;
}

}  // namespace lienthong::store
