// HL7 v2 escape sequences: decoding a value read from a message and encoding a
// value written into one.
//
// Decoded: \F\ \S\ \T\ \R\ \E\ \P\ (v2.7 truncation), \Xhh..\ (bytes in the
// message's charset, converted to UTF-8), \.br\ and \.sp\ (line breaks),
// \H\ \N\ (highlighting: dropped). Anything else (\Cxxyy\, \Mxxyyzz\, \Zxx\,
// other formatting commands, an unterminated sequence) is kept as written.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "engine/hl7v2/delimiters.h"

namespace lienthong::hl7v2 {

// True if `raw` contains the escape character (so decoding may change it).
bool has_escape(std::string_view raw, const Delimiters& d);

// Appends the decoded form of `raw` to `out` (UTF-8, NFC).
void unescape(std::string_view raw, const Syntax& syntax, std::string& out);
std::string unescape(std::string_view raw, const Syntax& syntax);

// Appends `text` (UTF-8) to `out` with every delimiter escaped, and CR/LF as
// \X0D\ / \X0A\, so the result is one leaf value.
void escape(std::string_view text, const Delimiters& d, std::string& out);
std::string escape(std::string_view text, const Delimiters& d);

}  // namespace lienthong::hl7v2
