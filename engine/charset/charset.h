// Character sets that HL7 v2 senders in Viet Nam really use, and conversion of
// their bytes to and from UTF-8 in Unicode Normalization Form C (NFC).
//
// Inside lienthong every text is UTF-8 NFC. Legacy encodings are converted at the
// edge: to_utf8() when a message is read, from_utf8() when one must be sent back
// in the sender's encoding. Bytes that are not valid in the declared encoding are
// an error naming the byte offset, never silently turned into mojibake.
//
// Thread-safety: all functions are pure; tables are immutable; safe from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace lienthong::charset {

enum class Charset {
  kUtf8,    // UTF-8 (HL7 table 0211 "UNICODE UTF-8")
  kAscii,   // US-ASCII ("ASCII")
  kLatin1,  // ISO 8859-1 ("8859/1")
  kCp1258,  // Windows-1258: base letters plus combining tone marks; decoded to NFC
  kTcvn3,   // TCVN 5712:1993 VN3 ("ABC" fonts)
  kViscii,  // VISCII (RFC 1456); reuses six C0 control positions for letters
  kVni,     // VNI-Windows font encoding: base letter followed by modifier bytes
};

// Canonical name used by the CLI and config: "utf-8", "ascii", "latin1",
// "cp1258", "tcvn3", "viscii", "vni".
std::string_view name(Charset cs);

// Parses a CLI/config name or a common alias ("utf8", "windows-1258",
// "tcvn", "iso-8859-1", ...), case-insensitively.
std::optional<Charset> from_name(std::string_view text);

// Maps an MSH-18 value (HL7 table 0211, e.g. "UNICODE UTF-8", "8859/1", "ASCII";
// also the de-facto values Vietnamese HIS send such as "TCVN", "VNI", "CP1258").
// An empty value means the HL7 default, ASCII, which we read as UTF-8 (a superset).
// Returns nullopt for a value we do not support (e.g. "ISO IR87").
std::optional<Charset> from_msh18(std::string_view value);

// The MSH-18 value to write when building a message in `cs`.
std::string_view msh18_value(Charset cs);

// Decodes `bytes` in `cs` to UTF-8 NFC. On invalid input the Error's `where`
// is "byte N" (0-based offset into `bytes`) and the message says which byte and
// suggests the setting to check.
Result<std::string> to_utf8(std::string_view bytes, Charset cs);

// Encodes UTF-8 text (any normalization form) into `cs`. Characters that `cs`
// cannot represent are an error naming the offset in `utf8` and the character.
Result<std::string> from_utf8(std::string_view utf8, Charset cs);

// Offset of the first byte that is not well-formed UTF-8 (overlongs, surrogates,
// > U+10FFFF and truncated sequences are ill-formed), or nullopt if all is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);

// True if `utf8` may change under NFC (contains a combining mark U+0300..U+036F
// or a Hangul/other decomposed sequence we compose). Cheap; scans bytes.
bool may_need_nfc(std::string_view utf8);

// Canonical composition of well-formed UTF-8 text to NFC for the Latin and
// Vietnamese repertoire (U+0000..U+024F, U+1E00..U+1EFF with U+0300..U+036F);
// other text passes through unchanged.
std::string to_nfc(std::string_view utf8);

}  // namespace lienthong::charset
