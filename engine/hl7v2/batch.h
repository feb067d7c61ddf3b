// Splitting HL7 v2 batch files (FHS/BHS ... BTS/FTS envelopes, or just several
// messages one after another) into the bytes of each message.
//
// The split looks only at segment ids and the envelope fields it checks
// (BTS-1, FTS-1); messages are not parsed, so one bad message does not hide the
// others. Accepted: a single message; bare messages back to back; BHS..BTS;
// FHS [BHS..BTS]* FTS; a BTS without BHS; CR, LF or CRLF terminators; a leading
// UTF-8 BOM; blank lines. Rejected (ParseError, table 0357 code 100): a segment
// before the first MSH of a batch; BHS inside an open batch; FHS anywhere but
// first; a BTS-1/FTS-1 count that disagrees; a second FTS or anything after it.
// A BHS or FHS that is never closed is accepted unless `strict` is set, since
// senders that drop the trailer still deliver complete messages.
//
// Thread-safety: pure function; the result views the caller's bytes.
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::hl7v2 {

struct Batch {
  std::string_view header;   // BHS segment (no terminator) or empty
  std::string_view trailer;  // BTS segment (no terminator) or empty
  // Each message from its MSH to the end of its last segment, terminators
  // included; blank lines between messages are not part of any message.
  std::vector<std::string_view> messages;
};

struct BatchFile {
  std::string_view bytes;         // the whole input the views below point into
  std::string_view file_header;   // FHS segment or empty
  std::string_view file_trailer;  // FTS segment or empty
  std::vector<Batch> batches;     // messages outside any BHS form a batch without header

  std::size_t message_count() const;
  // True when the input had any envelope segment (FHS, BHS, BTS, FTS).
  bool has_envelope() const;
};

struct BatchOptions {
  // Also reject a BHS without BTS and an FHS without FTS.
  bool strict = false;
};

// True when `bytes`, after a UTF-8 BOM and blank lines, start with an FHS or BHS
// segment: a batch to split, not one message.
bool starts_with_envelope(std::string_view bytes);

// Errors carry the byte offset of the offending segment in `bytes`, its id, and
// `segment_index` = its 1-based position among the file's segments.
Result<BatchFile, ParseError> split_batch(std::string_view bytes, const BatchOptions& options = {});
// The BatchFile views its input: a temporary would leave it dangling.
template <class S>
  requires std::same_as<S, std::string>
Result<BatchFile, ParseError> split_batch(S&& bytes, const BatchOptions& options = {}) = delete;

// Offset of `part` (a view split_batch returned) within `bytes`.
inline std::size_t offset_in(std::string_view bytes, std::string_view part) {
  return static_cast<std::size_t>(part.data() - bytes.data());
}

}  // namespace lienthong::hl7v2
