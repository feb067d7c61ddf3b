// MllpSession: one accepted MLLP connection of an MllpListener.
//
// Reads bytes into an hl7v2::MllpFramer; each complete frame becomes an
// Inbound submitted to the MessageSink with a per-connection sequence number.
// Answers are written (MLLP-wrapped) in the order their messages arrived, even
// when the sink completes them out of order. At most max_in_flight messages
// wait for answers: when that many are pending the session stops taking frames
// and stops reading (TCP backpressure), and resumes as answers go out.
//
// Bytes outside frames are discarded and counted, not fatal. An oversized frame
// is answered at once with AR/CR (code 207, "message too large"), built from the
// MSH at the frame's start, and the connection is kept: the framer skips the
// rest of that frame and resynchronises on its 0x1C 0x0D (or the next 0x0B), so
// nothing after it is lost. A frame that is started but not finished within
// read_timeout, a connection with no bytes and nothing in flight for
// idle_timeout, or a write of answers the peer does not take within
// idle_timeout, is closed.
//
// Thread-safety: all state lives on the socket's strand. start(), drain() and
// close() may be called from any thread (they post). Sink callbacks may run on
// any thread; they go through the listener's AnswerInbox (answer_inbox.h), which
// brings them back to the strand (take_answer).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "adapters/mllp/answer_inbox.h"
#include "adapters/mllp/frame_head_tracker.h"
#include "adapters/mllp/mllp_log.h"
#include "engine/core/message_sink.h"
#include "engine/hl7v2/mllp_framer.h"

namespace lienthong::adapters::mllp {

// What every session of one listener shares; immutable once sessions exist.
struct SessionSettings {
  std::string listener_name;
  std::optional<charset::Charset> encoding;
  bool strict = false;
  core::AckMode ack_mode = core::AckMode::kAuto;
  bool honour_accept_ack = false;  // accept_ack "msh15" (ACK-6)
  std::size_t max_frame_bytes = hl7v2::MllpFramer::kDefaultMaxFrame;
  std::size_t max_in_flight = 64;
  std::chrono::milliseconds idle_timeout{300000};
  std::chrono::milliseconds read_timeout{30000};
  LogFn log;
};

// Counters of one listener, updated by its sessions from any thread.
struct ListenerCounters {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over max_connections
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> answers_written{0};
  std::atomic<std::uint64_t> bytes_discarded{0};
  std::atomic<std::uint64_t> frames_too_large{0};
  std::atomic<std::uint64_t> idle_closes{0};
  std::atomic<std::uint64_t> read_timeouts{0};
  std::atomic<std::uint64_t> write_timeouts{0};  // the peer did not take its answers
};

class MllpSession final : public AnswerTarget, public std::enable_shared_from_this<MllpSession> {
 public:
  using Clock = std::chrono::steady_clock;

  // `socket`'s executor must be a strand. `on_closed` runs once, on the strand.
  // Answers that come after `inbox` is gone (the listener was destroyed) are dropped.
  MllpSession(boost::asio::ip::tcp::socket socket, std::string peer, std::shared_ptr<const SessionSettings> settings,
              std::shared_ptr<ListenerCounters> counters, std::shared_ptr<AnswerInbox> inbox, core::MessageSink& sink,
              std::function<void()> on_closed);

  void start();
  // Stop reading and taking frames; close once every submitted message is answered.
  void drain();
  // Close now; answers still to come are dropped.
  void close();

  const std::string& peer() const { return peer_; }

  // The answer to message `seq`, from the inbox's drain (an io thread): posted
  // to the strand.
  void take_answer(std::uint64_t seq, core::Answer answer) override;

 private:
  struct Slot {
    std::optional<std::string> answer;  // framing not yet added
    bool withheld = false;              // ACK-6: decided, but the sender asked not to get it
  };

  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void take_frames();
  void on_frame(std::string payload);
  void on_too_large(const hl7v2::MllpEvent& event);
  void on_answer(std::uint64_t seq, core::Answer answer);
  void write_ready();
  void on_written(const boost::system::error_code& ec);
  void close_if_done();
  void do_close(const char* reason);
  void arm_watchdog(Clock::time_point deadline);
  void on_watchdog(const boost::system::error_code& ec);
  void resume();
  void start_write();
  // Answers not yet on the wire count too, so a peer that does not read its
  // answers cannot make us buffer without bound.
  bool full() const { return pending_.size() + queued_count_ + writing_count_ >= settings_->max_in_flight; }
  void log(LogLevel level, const std::string& line) const;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer watchdog_;
  std::string peer_;
  std::shared_ptr<const SessionSettings> settings_;
  std::shared_ptr<ListenerCounters> counters_;
  // Weak: the inbox holds sessions while their answers wait for a drain, and
  // a drain that never runs (io_context stopped) must not leave a cycle.
  std::weak_ptr<AnswerInbox> inbox_;
  core::MessageSink& sink_;
  std::function<void()> on_closed_;

  hl7v2::MllpFramer framer_;
  FrameHeadTracker heads_;
  std::vector<char> read_buffer_;

  std::deque<Slot> pending_;       // oldest first; pending_[i] has sequence first_seq_ + i
  std::uint64_t first_seq_ = 0;
  std::uint64_t next_seq_ = 0;
  std::string queued_;             // answers ready, framed, not yet handed to the socket
  std::string writing_;            // the buffer of the write in progress
  std::size_t queued_count_ = 0;   // answers in queued_
  std::size_t writing_count_ = 0;  // answers in writing_
  bool write_busy_ = false;
  bool paused_ = false;            // reading stopped because full
  bool reading_ = false;
  bool events_left_ = false;       // the framer may still hold events (we stopped when full)
  bool peer_finished_ = false;     // EOF: answer what was sent, then close
  bool draining_ = false;          // shutdown: take nothing more, answer, close
  bool closed_ = false;

  Clock::time_point last_activity_;
  Clock::time_point write_started_;  // of the write in progress
  std::optional<Clock::time_point> frame_started_;  // a frame is open since then
  std::optional<Clock::time_point> watch_deadline_;  // the watchdog's pending wait
};

// "ip:port" ("[v6]:port" for IPv6).
std::string format_peer(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace lienthong::adapters::mllp
