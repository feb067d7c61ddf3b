// How outbound bodies are kept (docs/specs/store.md STORE-10): LZ4 blocks that
// decode to the recorded size, small or incompressible bodies as they are, and
// damaged rows reported, never guessed.
#include <catch2/catch.hpp>

#include <random>

#include "engine/store/body_codec.h"

using namespace lienthong::store;

namespace {

// A Bundle-like body: JSON with the repetition real Bundles have.
std::string bundle_text(int entries) {
  std::string s = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
  for (int i = 0; i < entries; ++i) {
    if (i) s += ',';
    s += R"({"fullUrl":"urn:uuid:)" + std::to_string(100000 + i * 7919) +
         R"(","resource":{"resourceType":"Observation","status":"final","valueQuantity":{"value":)" +
         std::to_string(i * 3 % 17) + R"(,"unit":"mmol/L"}},"request":{"method":"PUT","url":"Observation?identifier=)" +
         std::to_string(i) + R"("}})";
  }
  return s + "]}";
}

std::string random_bytes(std::size_t n) {
  std::mt19937 gen(7);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

}  // namespace

TEST_CASE("body codec: a Bundle is stored as an LZ4 block and decodes to the same bytes (STORE-10.1)", "[store]") {
  const std::string body = bundle_text(60);
  StoredBody stored = encode_body(body, BodyCompression::kLz4);
  CHECK(stored.codec == "lz4");
  CHECK(stored.size == static_cast<std::int64_t>(body.size()));
  CHECK(stored.bytes.size() < body.size() / 2);
  CHECK(bytes_to_store(stored, body) == stored.bytes);
  auto back = decode_body(stored.codec, stored.bytes, stored.size);
  REQUIRE(back.ok());
  CHECK(*back == body);
}

TEST_CASE("body codec: short, incompressible or unasked-for bodies are kept as they are (STORE-10.1, 10.2)", "[store]") {
  const std::string small = R"({"resourceType":"Bundle","type":"transaction","entry":[]})";
  const std::string noise = random_bytes(4096);
  const std::string body = bundle_text(20);
  for (const auto& [text, compression] : {std::pair{small, BodyCompression::kLz4}, std::pair{noise, BodyCompression::kLz4},
                                          std::pair{body, BodyCompression::kNone}}) {
    StoredBody stored = encode_body(text, compression);
    CHECK(stored.codec.empty());
    CHECK(stored.bytes.empty());  // not copied
    CHECK(bytes_to_store(stored, text) == text);
    CHECK(stored.size == static_cast<std::int64_t>(text.size()));
    auto back = decode_body(stored.codec, bytes_to_store(stored, text), stored.size);
    REQUIRE(back.ok());
    CHECK(*back == text);
  }
  // Rows written before body_size existed (-1) are plain.
  auto old = decode_body("", "abc", -1);
  REQUIRE(old.ok());
  CHECK(*old == "abc");
}

TEST_CASE("body codec: a damaged row is an error naming what is wrong (STORE-10.4)", "[store]") {
  const std::string body = bundle_text(40);
  StoredBody stored = encode_body(body, BodyCompression::kLz4);
  REQUIRE(stored.codec == "lz4");

  auto wrong_size = decode_body("lz4", stored.bytes, stored.size + 1);
  REQUIRE_FALSE(wrong_size.ok());
  CHECK_THAT(wrong_size.error().message, Catch::Contains("does not decode to the recorded"));

  auto truncated = decode_body("lz4", std::string_view(stored.bytes).substr(0, stored.bytes.size() / 2), stored.size);
  REQUIRE_FALSE(truncated.ok());

  auto negative = decode_body("lz4", stored.bytes, -1);
  REQUIRE_FALSE(negative.ok());
  CHECK_THAT(negative.error().message, Catch::Contains("out of range"));

  auto unknown = decode_body("zstd", stored.bytes, stored.size);
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.error().message, Catch::Contains("unknown body codec \"zstd\""));

  // Garbage that LZ4 must refuse without reading or writing out of bounds.
  auto garbage = decode_body("lz4", random_bytes(300), 5000);
  CHECK_FALSE(garbage.ok());
}
