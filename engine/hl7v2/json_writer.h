// HL7 v2 messages as JSON, for people and scripts that do not speak ER7.
//
//   {"segments":[{"id":"PID","fields":{"3":[["12345","","","MR"]],"5":[["NGUYEN","VAN A"]],"8":"M"}}]}
//
// Fields are keyed by their HL7 number; empty fields are left out. A field of
// one repetition, one component and one subcomponent is a string; otherwise it
// is an array of repetitions, each a string (no components) or an array of
// components, each a string or an array of subcomponent strings. Values are
// unescaped UTF-8 (Element::text of the leaves); HL7's explicit null "" is JSON
// null. MSH-1 and MSH-2 are strings as written. Several messages (a batch, an
// MLLP file) are {"messages":[<message>,...]}.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::hl7v2 {

struct JsonOptions {
  bool pretty = false;  // indented, one value per line
};

std::string to_json(const Message& message, const JsonOptions& options = {});
std::string to_json(const std::vector<Message>& messages, const JsonOptions& options = {});

// Parses every message of the batch; the first that fails is the error, its
// offset made relative to the whole input (BatchFile::bytes).
Result<std::string, ParseError> to_json(const BatchFile& batch, const ParseOptions& parse_options = {},
                                        const JsonOptions& options = {});

}  // namespace lienthong::hl7v2
