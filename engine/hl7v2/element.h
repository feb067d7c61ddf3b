// Element: a read-only view of one part of an HL7 v2 field (a field, one
// repetition, a component or a subcomponent) inside a parsed message.
//
// Views never copy and never allocate; text() unescapes on demand. An Element is
// valid while the Message it came from is alive and not moved.
// Thread-safety: immutable; safe to share between threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/hl7v2/delimiters.h"

namespace lienthong::hl7v2 {

enum class Level : std::uint8_t {
  kField,         // may contain repetitions
  kRepetition,    // may contain components
  kComponent,     // may contain subcomponents
  kSubcomponent,  // leaf
  kOpaque,        // leaf that is never split (MSH-1, MSH-2, a whole segment)
};

class Element {
 public:
  Element() = default;
  Element(std::string_view raw, const Syntax& syntax, Level level)
      : raw_(raw), syntax_(syntax), level_(level) {}

  // The encoded text exactly as in the message (escape sequences intact).
  std::string_view raw() const { return raw_; }
  Level level() const { return level_; }
  const Syntax& syntax() const { return syntax_; }

  bool empty() const { return raw_.empty(); }
  // HL7's explicit null: the two characters "" ("delete this value").
  bool is_null() const { return raw_ == "\"\""; }
  // True if this element contains the delimiter of any level below it.
  bool is_composite() const;

  // Children, 1-based as HL7 counts. Asking a field for a component means its
  // first repetition's component (HL7 terser convention); asking past the end
  // gives an empty element. Counts are at least 1 (an empty field has one empty
  // repetition), matching how HL7 numbers positions.
  Element repetition(std::size_t n) const;
  Element component(std::size_t n) const;
  Element subcomponent(std::size_t n) const;
  std::size_t repetition_count() const;
  std::size_t component_count() const;
  std::size_t subcomponent_count() const;

  // The value as text: escape sequences decoded, UTF-8 NFC. A composite
  // element (one that still has components or subcomponents) is returned in
  // its encoded form, since unescaping it would make delimiters ambiguous.
  std::string text() const;
  // As text(), but returns raw() itself (no allocation) when there is nothing
  // to decode; otherwise decodes into `scratch` and returns a view of it.
  std::string_view text(std::string& scratch) const;

 private:
  Element child(char delimiter, Level child_level, std::size_t n) const;
  std::size_t count(char delimiter) const;

  std::string_view raw_;
  Syntax syntax_;
  Level level_ = Level::kSubcomponent;
};

}  // namespace lienthong::hl7v2
