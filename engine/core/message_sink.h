// The one interface source adapters use to hand the engine a message: an
// adapter frames bytes (MLLP, HTTP body, file), builds an Inbound and calls
// MessageSink::submit; the engine answers through the callback once it has
// decided — for an accepted message only after it is durably stored.
// Adapters know nothing of routes, mappings or the store.
//
// Thread-safety: submit() may be called from any thread. The callback may run
// on another thread (the store's answering thread); adapters must post it back to their
// own executor before touching connection state.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/charset/charset.h"

namespace lienthong::core {

// How a listener wants its messages answered.
enum class AckMode {
  kAuto,      // enhanced (CA/CE/CR) when the message's MSH-15/16 ask for it, else original
  kOriginal,  // always AA/AE/AR
  kEnhanced,  // always CA/CE/CR
};

struct Inbound {
  std::string source;             // listener name
  std::string peer;               // remote address "ip:port"
  std::string bytes;              // one message, framing removed
  std::int64_t received_at_us = 0;  // microseconds since the Unix epoch
  // Listener settings that shape how this message is read and answered.
  std::optional<charset::Charset> encoding;  // overrides MSH-18 when set
  bool strict = false;
  AckMode ack_mode = AckMode::kAuto;
  // ACK-6: send only the commit answers MSH-15 asks for (NE none, ER negative,
  // SU positive). Off by default: most MLLP senders wait for an answer whatever
  // their MSH-15 says.
  bool honour_accept_ack = false;
};

struct Answer {
  std::string bytes;      // the ACK to send back (CR-separated segments, no framing)
  bool accepted = false;  // AA/CA: durably stored (or a duplicate of a stored message)
  // ACK-6: false when the listener honours MSH-15 and the message's (NE, ER, SU)
  // asks not to be sent this answer. The answer is decided and stored all the
  // same; the adapter sends nothing.
  bool requested = true;
};

using AnswerCallback = std::function<void(Answer)>;

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Exactly one call of `done` follows every submit, also when the engine is
  // shutting down (then with a rejecting answer).
  virtual void submit(Inbound message, AnswerCallback done) = 0;
  // The UTC offset, in minutes, of the zone answers are stamped in (MSH-7; the
  // configured time_zone, ACK-2.3), for an answer an adapter builds itself (a
  // frame too large to submit). nullopt: the host's. Any thread.
  virtual std::optional<int> answer_utc_offset() const { return std::nullopt; }
};

}  // namespace lienthong::core
