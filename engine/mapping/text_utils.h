// Text helpers for the mapping functions (docs/mapping.md MAP-5) that must
// count and change Unicode characters, not bytes: Vietnamese names are
// upper-cased ("nguyễn" -> "NGUYỄN") and cut by character.
//
// Case mapping covers the scripts seen in Vietnamese health data: ASCII,
// Latin-1, Latin Extended-A (đ), ơ/ư, Latin Extended Additional (the
// precomposed Vietnamese letters), basic Greek and Cyrillic. Other characters
// are kept as they are. Input is UTF-8; NFC input gives NFC output.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lienthong::mapping {

std::string to_upper(std::string_view utf8);
std::string to_lower(std::string_view utf8);

// Without leading and trailing spaces, tabs, CR and LF.
std::string_view trim_spaces(std::string_view text);

// `length` characters from the `start`-th (1-based); npos length: to the end.
std::string_view substr_chars(std::string_view utf8, std::size_t start, std::size_t length);

}  // namespace lienthong::mapping
