// Message: a parsed HL7 v2 message, read without copying.
//
// Parsing (see parser.h) finds the delimiters and the segment boundaries once;
// fields, repetitions and components are found on access by scanning only the
// segment asked for. The message text is UTF-8 (legacy charsets are converted
// when parsed); text() gives back the parsed bytes unchanged, so serialising an
// unmodified message reproduces its input byte for byte.
//
// Thread-safety: immutable after parse; const methods are safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hl7v2/delimiters.h"
#include "engine/hl7v2/element.h"

namespace lienthong::hl7v2 {

// One segment: its text without the terminator.
class Segment {
 public:
  Segment(std::string_view raw, const Syntax& syntax) : raw_(raw), syntax_(syntax) {}

  std::string_view raw() const { return raw_; }
  const Syntax& syntax() const { return syntax_; }
  // The segment id ("MSH", "PID", "ZPI"): the text before the first field separator.
  std::string_view id() const;
  // Field n as HL7 numbers it: for MSH, field 1 is the field separator and
  // field 2 the encoding characters; for other segments field 1 follows the id.
  // A field past the end is empty.
  Element field(std::size_t n) const;
  // Number of the last field present (0 for a segment with only its id).
  std::size_t field_count() const;

 private:
  std::string_view raw_;
  Syntax syntax_;
};

class Message {
 public:
  Message() = default;
  Message(Message&& other) noexcept;
  Message& operator=(Message&& other) noexcept;
  Message(const Message& other);
  Message& operator=(const Message& other);

  // The message as parsed (UTF-8), including a leading BOM and the original
  // segment terminators.
  std::string_view text() const { return text_; }
  const Syntax& syntax() const { return syntax_; }
  const Delimiters& delimiters() const { return syntax_.delimiters; }
  charset::Charset charset() const { return syntax_.charset; }

  std::size_t segment_count() const { return segments_.size(); }
  Segment segment(std::size_t index) const;  // 0-based; index < segment_count()
  // The n-th (1-based) segment with this id, if present.
  std::optional<Segment> find(std::string_view id, std::size_t occurrence = 1) const;

  // Shortcuts for the header fields everybody needs (raw MSH values).
  Segment msh() const { return segment(0); }
  std::string_view control_id() const;      // MSH-10
  std::string_view message_code() const;    // MSH-9.1, e.g. "ADT"
  std::string_view trigger_event() const;   // MSH-9.2, e.g. "A01"
  std::string_view message_structure() const;  // MSH-9.3, e.g. "ADT_A01"
  std::string_view version() const;         // MSH-12.1, e.g. "2.5.1"

 private:
  friend class MessageParser;

  struct SegmentSpan {
    std::uint32_t begin;
    std::uint32_t end;  // exclusive, before the terminator
  };

  std::string owned_;      // holds the text when the parser had to copy/convert it
  std::string_view text_;  // views owned_ or the caller's buffer
  Syntax syntax_;
  std::vector<SegmentSpan> segments_;
};

}  // namespace lienthong::hl7v2
