// to_utf8()/from_utf8() dispatch and the error texts. Errors name the byte and
// the setting an operator should check, because a wrong --encoding on a
// listener is by far the most common cause of undecodable bytes.
//
// Thread-safety: pure functions.

#include <cstdio>

#include "engine/charset/codec.h"

namespace lienthong::charset {
namespace detail {
namespace {

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

// The encodings an operator should try instead of `cs`.
std::string_view alternatives(Charset cs) {
  switch (cs) {
    case Charset::kUtf8: return "cp1258, tcvn3 or vni";
    case Charset::kAscii: return "utf-8 or a Vietnamese encoding";
    case Charset::kLatin1: return "utf-8 or cp1258";
    case Charset::kCp1258: return "tcvn3 or vni";
    case Charset::kTcvn3: return "vni or cp1258";
    case Charset::kViscii: return "tcvn3 or vni";
    case Charset::kVni: return "tcvn3 or cp1258";
  }
  return "utf-8";
}

}  // namespace

Error decode_error(std::string_view bytes, std::size_t offset, Charset cs, std::string_view why) {
  const auto b = offset < bytes.size() ? static_cast<unsigned char>(bytes[offset]) : 0;
  std::string msg = "byte " + hex_byte(b) + " at offset " + std::to_string(offset) + " ";
  if (why.empty()) {
    msg += "is not defined in ";
    msg += name(cs);
  } else {
    msg += why;
  }
  msg += "; check the listener's or --encoding setting (the sender may use ";
  msg += alternatives(cs);
  msg += ")";
  return Error{std::move(msg), "byte " + std::to_string(offset)};
}

Error invalid_utf8_input_error(std::string_view utf8, std::size_t offset) {
  const auto b = offset < utf8.size() ? static_cast<unsigned char>(utf8[offset]) : 0;
  return Error{"text to encode is not valid UTF-8: byte " + hex_byte(b) + " at offset " +
                   std::to_string(offset) + " starts an ill-formed sequence",
               "byte " + std::to_string(offset)};
}

Error encode_error(char32_t cp, std::size_t offset, Charset cs) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  std::string msg = buf;
  // Show the character itself only when it prints on its own.
  const bool printable = cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
                         combining_class(cp) == 0 && !(cp >= 0x300 && cp <= 0x36F);
  if (printable) {
    msg += " '";
    append_utf8(msg, cp);
    msg += "'";
  }
  msg += " cannot be encoded in ";
  msg += name(cs);
  return Error{std::move(msg), "byte " + std::to_string(offset)};
}

Result<std::string> decode_utf8(std::string_view bytes) {
  if (const auto bad = find_invalid_utf8(bytes)) {
    return decode_error(bytes, *bad, Charset::kUtf8, "is not valid UTF-8 (overlong, surrogate, "
                                                     "out of range or truncated sequence)");
  }
  return to_nfc(bytes);  // copies unchanged when no mark is present
}

}  // namespace detail

Result<std::string> to_utf8(std::string_view bytes, Charset cs) {
  switch (cs) {
    case Charset::kUtf8: return detail::decode_utf8(bytes);
    case Charset::kAscii: return detail::decode_ascii(bytes);
    case Charset::kLatin1: return detail::decode_latin1(bytes);
    case Charset::kCp1258:
    case Charset::kTcvn3:
    case Charset::kViscii: return detail::decode_table(bytes, cs);
    case Charset::kVni: return detail::decode_vni(bytes);
  }
  return Error{"unknown charset", ""};
}

Result<std::string> from_utf8(std::string_view utf8, Charset cs) {
  if (const auto bad = find_invalid_utf8(utf8)) {
    return detail::invalid_utf8_input_error(utf8, *bad);
  }
  switch (cs) {
    case Charset::kUtf8: return to_nfc(utf8);
    case Charset::kAscii: return detail::encode_ascii(utf8);
    case Charset::kLatin1: return detail::encode_latin1(utf8);
    case Charset::kCp1258:
    case Charset::kTcvn3:
    case Charset::kViscii: return detail::encode_table(utf8, cs);
    case Charset::kVni: return detail::encode_vni(utf8);
  }
  return Error{"unknown charset", ""};
}

}  // namespace lienthong::charset
