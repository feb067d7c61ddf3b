// MshHeader: the MSH fields needed to answer a message, recovered best-effort
// from raw bytes even when the message does not parse (so an AR can still carry
// the sender's control id). Values are raw (escapes intact), UTF-8 or ASCII.
//
// Thread-safety: plain value; read_header is pure.
#pragma once

#include <string>
#include <string_view>

#include "engine/hl7v2/delimiters.h"

namespace lienthong::hl7v2 {

class Message;

struct MshHeader {
  Delimiters delimiters;
  bool found = false;             // an MSH segment was recognised
  std::string sending_application;    // MSH-3 (whole field)
  std::string sending_facility;       // MSH-4
  std::string receiving_application;  // MSH-5
  std::string receiving_facility;     // MSH-6
  std::string message_type;           // MSH-9 (whole field, e.g. "ADT^A01^ADT_A01")
  std::string control_id;             // MSH-10
  std::string processing_id;          // MSH-11
  std::string version;                // MSH-12 (whole field)
  std::string accept_ack_type;        // MSH-15
  std::string application_ack_type;   // MSH-16
  std::string character_set;          // MSH-18 (first repetition)
};

// Never fails: whatever cannot be found is left empty. Skips a UTF-8 BOM, MLLP
// start byte and leading whitespace; stops at the end of the first segment.
MshHeader read_header(std::string_view bytes);
MshHeader read_header(const Message& message);

}  // namespace lienthong::hl7v2
