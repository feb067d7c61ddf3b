#include "engine/hl7v2/delimiters.h"

namespace lienthong::hl7v2 {

std::string_view Delimiters::encoding_characters(char (&buf)[5]) const {
  std::size_t n = 0;
  buf[n++] = component;
  if (repetition != '\0') buf[n++] = repetition;
  if (escape != '\0') buf[n++] = escape;
  if (subcomponent != '\0') buf[n++] = subcomponent;
  if (truncation != '\0') buf[n++] = truncation;
  return std::string_view(buf, n);
}

}  // namespace lienthong::hl7v2
