// Reading what the user points the CLI at: a file or stdin ("-"), plain HL7,
// a batch file (FHS/BHS...), or MLLP frames, into the bytes of each message.
//
// Errors are one line naming the input and where: "adt.hl7: byte 57, segment 2
// (PID), field 3: <why>"; for several messages also "message N". Offsets are
// into the file as given (MLLP framing included).
// Thread-safety: an InputFile has one owner; it must not move after split()
// (the messages view its buffers).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/charset/charset.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::cli {

struct InputOptions {
  std::optional<charset::Charset> encoding;  // --encoding; unset: MSH-18, else UTF-8
  bool strict = false;                       // --strict
};

hl7v2::ParseOptions parse_options(const InputOptions& options);

struct RawMessage {
  std::string_view bytes;
  std::size_t offset = 0;  // of its first byte in the input
  std::size_t number = 0;  // 1-based position among the input's messages
};

class InputFile {
 public:
  // Reads `path` ("-" is stdin). Error::message is the whole line (exit 66).
  static Result<InputFile> read(const std::string& path);

  const std::string& name() const { return name_; }
  std::string_view bytes() const { return bytes_; }

  // MLLP frames (detected), then batch envelopes. Error::message is the whole line (exit 2).
  Result<std::vector<RawMessage>> split(const InputOptions& options);

  // One line for a message that did not parse; `total` is how many messages the input has.
  std::string describe(const RawMessage& message, const hl7v2::ParseError& error, std::size_t total) const;

 private:
  std::string name_;
  std::string bytes_;
  std::vector<std::string> frames_;
};

}  // namespace lienthong::cli
