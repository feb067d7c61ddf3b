// Parsing HL7 v2 messages (versions 2.1 to 2.9) from bytes.
//
// Bad input is a value, never an exception or a crash: a ParseError says what
// was wrong, at which byte, in which segment and field, with the HL7 table 0357
// error code an ACK should carry. Even when parsing fails, read_header()
// (header.h) recovers enough of MSH to answer with AR/AE.
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/result.h"
#include "engine/hl7v2/message.h"

namespace lienthong::hl7v2 {

struct ParseOptions {
  // Lenient (the default for what the engine receives): LF and CRLF are accepted
  // as segment terminators as well as CR, and only MSH-9 and MSH-10 are required.
  // Strict: CR only; MSH-7, MSH-9, MSH-10, MSH-11 and MSH-12 required; version
  // must be 2.1..2.9.
  bool strict = false;
  // Overrides MSH-18 (a listener or --encoding setting).
  std::optional<charset::Charset> charset;
};

// HL7 table 0357 (message error condition codes) values we emit.
enum class ErrorCode : int {
  kSegmentSequence = 100,
  kRequiredFieldMissing = 101,
  kDataType = 102,
  kTableValueNotFound = 103,
  kUnsupportedMessageType = 200,
  kUnsupportedEvent = 201,
  kUnsupportedProcessingId = 202,
  kUnsupportedVersion = 203,
  kApplicationInternal = 207,
};

struct ParseError {
  std::string message;     // one line, no patient data
  std::size_t offset = 0;  // byte offset into the input
  std::string segment_id;  // e.g. "MSH"; empty if not known
  std::size_t segment_index = 0;  // 1-based position in the message; 0 if none
  std::size_t field = 0;          // 0 if not about one field
  ErrorCode code = ErrorCode::kApplicationInternal;

  // "byte 57, segment 2 (PID), field 3: <message>"
  std::string to_string() const;
};

// Parses a message that the caller keeps alive: for UTF-8 input the Message
// views `bytes` (no copy); legacy charsets are converted into a buffer the
// Message owns.
Result<Message, ParseError> parse_view(std::string_view bytes, const ParseOptions& options = {});
// A temporary would leave the Message viewing freed memory: use parse() instead.
template <class S>
  requires std::same_as<S, std::string>
Result<Message, ParseError> parse_view(S&& bytes, const ParseOptions& options = {}) = delete;

// Parses a message and takes ownership of its bytes.
Result<Message, ParseError> parse(std::string bytes, const ParseOptions& options = {});

}  // namespace lienthong::hl7v2
