// libFuzzer target for engine/charset. The first input byte picks the charset,
// the rest is the payload. Contracts checked:
//   - decoding never crashes and yields well-formed UTF-8 in NFC;
//   - decoded text re-encodes, and decoding that again gives the same text;
//   - the payload read as UTF-8, if it encodes, decodes back to its NFC form.
// Build: clang++ -std=c++20 -I. -fsanitize=fuzzer,address,undefined
//        fuzz/charset_fuzz.cc engine/charset/*.cc -o charset_fuzz

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/charset/charset.h"
#include "fuzz/fuzz_require.h"

namespace cs = lienthong::charset;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr cs::Charset kAll[] = {cs::Charset::kUtf8,   cs::Charset::kAscii, cs::Charset::kLatin1,
                                  cs::Charset::kCp1258, cs::Charset::kTcvn3, cs::Charset::kViscii,
                                  cs::Charset::kVni};
  const cs::Charset charset = kAll[data[0] % (sizeof kAll / sizeof kAll[0])];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);

  auto decoded = cs::to_utf8(payload, charset);
  if (decoded.ok()) {
    const std::string& text = *decoded;
    FUZZ_REQUIRE(!cs::find_invalid_utf8(text).has_value());
    FUZZ_REQUIRE(cs::to_nfc(text) == text);
    auto reencoded = cs::from_utf8(text, charset);
    FUZZ_REQUIRE(reencoded.ok());
    auto again = cs::to_utf8(*reencoded, charset);
    FUZZ_REQUIRE(again.ok());
    FUZZ_REQUIRE(*again == text);
  } else {
    FUZZ_REQUIRE(decoded.error().where.rfind("byte ", 0) == 0);
  }

  if (!cs::find_invalid_utf8(payload).has_value()) {
    const std::string nfc = cs::to_nfc(payload);
    FUZZ_REQUIRE(cs::to_nfc(nfc) == nfc);
    FUZZ_REQUIRE(!cs::may_need_nfc(payload) ? nfc == payload : true);
    auto encoded = cs::from_utf8(payload, charset);
    if (encoded.ok()) {
      auto back = cs::to_utf8(*encoded, charset);
      FUZZ_REQUIRE(back.ok());
      FUZZ_REQUIRE(*back == nfc);
    }
  }
  return 0;
}
