// MllpSender: an MLLP client that sends one message at a time and waits for its
// ACK. Synchronous (it runs its own io_context on the calling thread), for
// `lienthong send`; destinations can wrap it later.
//
// An ACK counts only when its MSA-2 equals the MSH-10 that was sent: any other
// answer (a late ACK for an earlier message, a wrong id, one that does not
// parse) is discarded, counted and logged, and waiting goes on until the ACK
// timeout. The connection is kept between messages. Connection failures
// (refused, reset, closed before the answer) are retried on a new connection
// with exponential backoff, up to max_attempts per message — so a receiver can
// see a message twice and must deduplicate by MSH-10, as MLLP receivers do. An
// ACK timeout is not retried: the connection is closed (its state is unknown)
// and the timeout is returned.
//
// Thread-safety: one MllpSender per thread; not shareable, except cancel().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mllp/mllp_log.h"
#include "engine/base/result.h"

namespace lienthong::adapters::mllp {

struct MllpSenderConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 2575;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds ack_timeout{30000};  // from the end of the write
  int max_attempts = 3;                           // connections tried per message
  std::chrono::milliseconds backoff_initial{200};  // doubled after each failed attempt
  std::chrono::milliseconds backoff_max{5000};
  std::size_t max_ack_bytes = 1024 * 1024;
};

struct SentAck {
  std::string code;        // MSA-1: "AA", "CA", "AE", ...
  std::string control_id;  // MSA-2, equal to the MSH-10 sent
  std::string raw;         // the whole ACK, framing removed

  bool accepted() const { return code == "AA" || code == "CA"; }
};

struct SendError {
  enum class Kind : std::uint8_t {
    kConnect,         // could not connect (refused, unreachable, connect timeout)
    kTimeout,         // no matching ACK within ack_timeout
    kConnectionLost,  // the connection failed or closed before the ACK, on every attempt
    kBadMessage,      // the message has no MSH-10 to match an ACK with
  };
  Kind kind = Kind::kConnect;
  std::string message;

  std::string to_string() const { return message; }
};

class MllpSender {
 public:
  explicit MllpSender(MllpSenderConfig config, LogFn log = {});
  ~MllpSender();
  MllpSender(const MllpSender&) = delete;
  MllpSender& operator=(const MllpSender&) = delete;

  // `message` is one HL7 message without MLLP framing.
  Result<SentAck, SendError> send(std::string_view message);
  // One after the other over the same connection; one result per message.
  std::vector<Result<SentAck, SendError>> send_many(const std::vector<std::string>& messages);
  void close();
  // Any thread: a send() running on the owner's thread gives up soon (its socket is
  // closed under it) and every later send() at once, both with kConnectionLost
  // "cancelled". For shutting down without waiting out an ACK timeout. A blocking
  // host name lookup is not interrupted (numeric addresses need none).
  void cancel();

  // ACKs received and ignored because their MSA-2 did not match.
  std::uint64_t discarded_acks() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lienthong::adapters::mllp
