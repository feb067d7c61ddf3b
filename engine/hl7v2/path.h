// Paths into a message, as integration engineers write them:
//   PID-3        first repetition of PID-3 (HL7 terser convention)
//   PID-3[2].1   component 1 of the 2nd repetition
//   PID-5.1.1    subcomponent 1 of component 1
//   OBX[3]-5     field 5 of the 3rd OBX;  OBX[*]-5  field 5 of every OBX
//   PID-3[*]     every repetition;        MSH-9.2   trigger event
//   PID          the whole segment
// A '.' may stand for the '-' after the segment id (PID.3.1). Indexes are 1-based.
//
// Thread-safety: Path is a plain value; select() is const on the message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/hl7v2/element.h"

namespace lienthong::hl7v2 {

class Message;

struct Path {
  static constexpr std::size_t kAll = static_cast<std::size_t>(-1);

  char segment[4] = {0, 0, 0, 0};  // e.g. "PID"
  std::size_t segment_occurrence = 1;  // or kAll
  std::size_t field = 0;               // 0: the whole segment
  std::size_t repetition = 1;          // or kAll
  bool repetition_given = false;       // [n] or [*] was written
  std::size_t component = 0;           // 0: the whole repetition
  std::size_t subcomponent = 0;        // 0: the whole component

  std::string_view segment_id() const { return std::string_view(segment, 3); }
  std::string to_string() const;
};

// Errors name the offending character position and what was expected, e.g.
// "PID-x: at 4: expected a field number".
Result<Path> parse_path(std::string_view text);

// Every element the path selects, in message order. A path with no wildcard
// selects at most one element; an absent position selects nothing.
std::vector<Element> select(const Message& message, const Path& path);

}  // namespace lienthong::hl7v2
