// Building HL7 v2 acknowledgements (docs/specs/ack.md, sections ACK-1 to ACK-4).
//
// The answer is built from the original's MshHeader (header.h), so a message
// that failed to parse can still be answered with its own delimiters and
// control id. Mode: enhanced when the original's MSH-15 or MSH-16 is set
// (commit codes CA/CE/CR; AA/AE/AR for an application ACK), original otherwise.
// MSH-9, MSA and ERR follow the original's version (2.1/2.2, 2.3.x, 2.4, 2.5+).
// Texts are escaped with the original's delimiters; they must not carry patient
// data (callers pass reasons, not values). Segments end with CR.
//
// Thread-safety: pure functions; the clock is read only when no time is given.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hl7v2/header.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::hl7v2 {

enum class AckCode : std::uint8_t { kAA, kAE, kAR, kCA, kCE, kCR };

std::string_view to_string(AckCode code);
// "AA", "ce", ... (case-insensitive); nullopt for anything else.
std::optional<AckCode> parse_ack_code(std::string_view text);

// What the receiver decided; mapped to a code for the original's mode.
enum class AckOutcome : std::uint8_t { kAccept, kError, kReject };

// ACK-1.1: enhanced mode when MSH-15 or MSH-16 is not empty.
bool is_enhanced_mode(const MshHeader& original);
// AA/AE/AR in original mode, CA/CE/CR (commit ACK) in enhanced mode.
AckCode ack_code_for(const MshHeader& original, AckOutcome outcome);

// ACK-6: whether the original asked to be sent an answer with `code`. Only
// commit answers (CA/CE/CR) are conditional, on MSH-15: NE never, ER only
// CE/CR, SU only CA; AL, empty or any other value always. Answers in original
// mode (AA/AE/AR) are always sent.
bool answer_requested(const MshHeader& original, AckCode code);

enum class Severity : char { kError = 'E', kWarning = 'W', kInformation = 'I' };

// Where an error is (ERL / ELD). Zero or empty means "not known" and is left out.
struct ErrorLocation {
  std::string segment_id;             // "PID"
  std::size_t segment_sequence = 0;   // occurrence of that segment id, 1-based
  std::size_t field = 0;
  std::size_t field_repetition = 0;
  std::size_t component = 0;
  std::size_t subcomponent = 0;
};

struct AckError {
  int code = static_cast<int>(ErrorCode::kApplicationInternal);  // HL7 table 0357
  ErrorLocation location;
  Severity severity = Severity::kError;
  std::string message;  // for people (ERR-8, or MSA-3 before v2.5); no patient data
};

// The table 0357 text for `code` ("Required field missing"); empty if not a table value.
std::string_view hl7_error_text(int code);

struct AckOptions {
  // MSH-10 of the answer. Empty: one is made from the time and a process-wide counter.
  std::string control_id;
  // MSH-7. Unset: the clock's now.
  std::optional<std::chrono::system_clock::time_point> time;
  // UTC offset written in MSH-7, in minutes (Viet Nam: +420). Unset: the host's local offset.
  std::optional<int> utc_offset_minutes;
};

// An HL7 TS with seconds and offset: "20240131142005+0700".
std::string hl7_timestamp(std::chrono::system_clock::time_point time, int utc_offset_minutes);
// MSH-7 as build_ack writes it for `options`: its time and offset, else now and the host's offset.
std::string ack_timestamp(const AckOptions& options);

// The version the answer is written in: the original's MSH-12.1 when it is one
// of 2.1 .. 2.9.x, else "2.5.1".
std::string ack_version(const MshHeader& original);

// The ACK message (segments ended by CR). `errors` become ERR segments.
std::string build_ack(const MshHeader& original, AckCode code, const std::vector<AckError>& errors = {},
                      const AckOptions& options = {});

// AckError for a parse failure: its 0357 code, location and message. `bytes`
// (the input that failed, optional) lets the segment's occurrence be counted.
AckError ack_error_from(const ParseError& error, std::string_view bytes = {});

// ACK-4.3: answers bytes that did not parse with AR (original mode) or CR
// (enhanced mode), MSH recovered by read_header(bytes).
std::string build_reject_ack(std::string_view bytes, const ParseError& error, const AckOptions& options = {});

}  // namespace lienthong::hl7v2
