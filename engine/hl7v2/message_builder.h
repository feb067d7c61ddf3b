// MessageBuilder: the write path. Builds a message from scratch or edits a copy
// of a parsed one, then serialises it.
//
// Segments are kept as their encoded fields, so a builder made from a parsed
// message serialises back to the same bytes (terminators normalised to the one
// asked for; a leading BOM dropped). Edits split only the field they touch.
//
// Paths are those of path.h without wildcards. Writing creates what is missing
// (segment occurrences are appended at the end; fields, repetitions,
// components, subcomponents are padded with empty ones). A field path without
// [n] (PID-3) writes the whole field; with [n] or a component (PID-3[2],
// PID-3.1) it writes that repetition (the first when not given) and keeps the
// others. set() escapes its text so it is one value; set_raw() takes encoded
// text and may hold delimiters. MSH-1 and MSH-2 are the delimiters themselves:
// writing them re-encodes every field for the new delimiters.
//
// All text is UTF-8; encoded() converts to a legacy charset on the way out.
// Thread-safety: one owner at a time (a plain mutable value).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/charset/charset.h"
#include "engine/hl7v2/delimiters.h"

namespace lienthong::hl7v2 {

class Message;

class MessageBuilder {
 public:
  // A message holding only "MSH|^~\&" (with the given delimiters) and, when
  // `cs` is not UTF-8, MSH-18 naming `cs`.
  explicit MessageBuilder(const Delimiters& delimiters = {}, charset::Charset cs = charset::Charset::kUtf8);
  // An editable copy of `message` (which need not outlive the builder).
  explicit MessageBuilder(const Message& message);

  const Delimiters& delimiters() const { return delimiters_; }
  charset::Charset charset() const { return charset_; }
  std::size_t segment_count() const { return segments_.size(); }
  std::string_view segment_id(std::size_t index) const { return segments_[index].front(); }

  // Writes `text` (UTF-8, escaped here) at `path`.
  Status set(std::string_view path, std::string_view text);
  // Writes already-encoded text. A whole-segment path ("PID") replaces the
  // segment (its id must stay the same).
  Status set_raw(std::string_view path, std::string_view encoded);
  // Empties the element at `path` (a whole-segment path keeps only the id).
  Status clear(std::string_view path);

  // Appends a segment with no fields; the id is three capitals or digits.
  Status add_segment(std::string_view id);
  // Removes the `occurrence`-th (1-based) segment with this id. MSH cannot be removed.
  Status remove_segment(std::string_view id, std::size_t occurrence = 1);

  // Changes the delimiters, re-encoding every field (escape sequences follow the
  // new escape character; text that now collides with a delimiter is escaped).
  Status set_delimiters(const Delimiters& delimiters);

  // The encoded raw text at `path` (empty when absent); for tests and tools.
  Result<std::string> raw(std::string_view path) const;

  // Each segment followed by `terminator`.
  std::string str(std::string_view terminator = "\r") const;
  // str() converted to `cs` (errors name the character that `cs` cannot hold).
  // With `update_msh18`, MSH-18 is first set to the table 0211 value for `cs`.
  Result<std::string> encoded(charset::Charset cs, bool update_msh18 = true,
                              std::string_view terminator = "\r") const;

 private:
  Status write(std::string_view path, std::string encoded);

  // segments_[i][0] is the id; for MSH [1] is MSH-2 and [n-1] is MSH-n,
  // otherwise [n] is field n.
  std::vector<std::vector<std::string>> segments_;
  Delimiters delimiters_;
  charset::Charset charset_ = charset::Charset::kUtf8;
};

}  // namespace lienthong::hl7v2
