// The encoding characters of one HL7 v2 message (MSH-1 and MSH-2) and the
// character set its text is in. Small and copied by value into every view.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/charset/charset.h"

namespace lienthong::hl7v2 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';      // '\0' when MSH-2 declares none
  char subcomponent = '&'; // '\0' when MSH-2 declares none
  char truncation = '\0';  // v2.7+: fifth MSH-2 character (usually '#'); '\0' when absent

  // MSH-2 as it should be written for these delimiters.
  std::string_view encoding_characters(char (&buf)[5]) const;
};

// What an element view needs to split and decode its text.
struct Syntax {
  Delimiters delimiters;
  // Charset the sender declared (MSH-18 or an override). The message text that
  // views point into is always UTF-8; the charset matters for \Xhh\ escapes,
  // whose bytes are in the sender's character set.
  charset::Charset charset = charset::Charset::kUtf8;
};

}  // namespace lienthong::hl7v2
