// Deterministic ids (docs/mapping.md MAP-8): RFC 9562 version 5 UUIDs (SHA-1)
// in the lienthong namespace, so the same business identifiers give the same
// resource id on every run and every machine.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lienthong::mapping {

// The lienthong namespace UUID: 8f0b5f0e-6c5e-5b43-9a43-6c69656e7468.
extern const std::array<std::uint8_t, 16> kLienthongNamespace;

// RFC 9562 §5.5: SHA-1 over namespace bytes + name, version 5, variant 10xx.
std::string uuid5(const std::array<std::uint8_t, 16>& name_space, std::string_view name);
// uuid5(kLienthongNamespace, name), lower-case "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx".
std::string uuid5(std::string_view name);

// SHA-1 digest (FIPS 180-4) of `data`; used by uuid5, exposed for its tests.
std::array<std::uint8_t, 20> sha1(std::string_view data);

}  // namespace lienthong::mapping
