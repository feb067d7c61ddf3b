// Deterministic ids (docs/mapping.md MAP-8): RFC 9562 version 5 UUIDs (SHA-1)
// in the lienthong namespace, so the same business identifiers give the same
// resource id on every run and every machine.
//
// Thread-safety: pure functions. A run computes many ids, so the SHA-1 here
// works on whole blocks in place, with the 80 rounds unrolled, and the
// non-allocating uuid5() writes the text straight into the caller's buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lienthong::mapping {

// The lienthong namespace UUID: 8f0b5f0e-6c5e-5b43-9a43-6c69656e7468.
extern const std::array<std::uint8_t, 16> kLienthongNamespace;

// The length of a UUID's text: "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx".
inline constexpr std::size_t kUuidTextSize = 36;

// RFC 9562 §5.5: SHA-1 over namespace bytes + name, version 5, variant 10xx,
// written as lower-case text into `out` (kUuidTextSize characters, no NUL).
// Allocates nothing.
void uuid5(const std::array<std::uint8_t, 16>& name_space, std::string_view name, char* out);
std::string uuid5(const std::array<std::uint8_t, 16>& name_space, std::string_view name);
// uuid5(kLienthongNamespace, name), lower-case "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx".
std::string uuid5(std::string_view name);

// SHA-1 digest (FIPS 180-4) of `data`; used by uuid5, exposed for its tests.
// On x86-64 processors with the SHA extensions the rounds run on them (chosen
// once per process); sha1_portable() always runs the plain C++ rounds.
std::array<std::uint8_t, 20> sha1(std::string_view data);
std::array<std::uint8_t, 20> sha1_portable(std::string_view data);

}  // namespace lienthong::mapping
