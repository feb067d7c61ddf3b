#include "adapters/mllp/mllp_session.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "engine/base/clock.h"
#include "engine/hl7v2/ack.h"
#include "engine/hl7v2/header.h"

namespace lienthong::adapters::mllp {
namespace {

constexpr std::size_t kReadBufferBytes = 16 * 1024;

hl7v2::AckCode reject_code(core::AckMode mode, const hl7v2::MshHeader& header) {
  switch (mode) {
    case core::AckMode::kOriginal: return hl7v2::AckCode::kAR;
    case core::AckMode::kEnhanced: return hl7v2::AckCode::kCR;
    case core::AckMode::kAuto: break;
  }
  return hl7v2::ack_code_for(header, hl7v2::AckOutcome::kReject);
}

}  // namespace

std::string format_peer(const boost::asio::ip::tcp::endpoint& endpoint) {
  const std::string ip = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + ip + "]:" + port : ip + ":" + port;
}

MllpSession::MllpSession(boost::asio::ip::tcp::socket socket, std::string peer,
                         std::shared_ptr<const SessionSettings> settings, std::shared_ptr<ListenerCounters> counters,
                         std::shared_ptr<AnswerInbox> inbox, core::MessageSink& sink,
                         std::function<void()> on_closed)
    : socket_(std::move(socket)),
      watchdog_(socket_.get_executor()),
      peer_(std::move(peer)),
      settings_(std::move(settings)),
      counters_(std::move(counters)),
      inbox_(std::move(inbox)),
      sink_(sink),
      on_closed_(std::move(on_closed)),
      framer_(settings_->max_frame_bytes),
      read_buffer_(kReadBufferBytes) {}

void MllpSession::log(LogLevel level, const std::string& line) const {
  if (settings_->log) settings_->log(level, line + " listener=" + settings_->listener_name + " peer=" + peer_);
}

void MllpSession::start() {
  boost::asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->last_activity_ = Clock::now();
    self->arm_watchdog(self->last_activity_ + self->settings_->idle_timeout);
    self->read_more();
  });
}

void MllpSession::drain() {
  boost::asio::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    // The outstanding read (if any) stays: cancelling it would cancel a write
    // in progress too. Bytes it brings are ignored.
    self->draining_ = true;
    self->close_if_done();
  });
}

void MllpSession::close() {
  boost::asio::post(socket_.get_executor(), [self = shared_from_this()] { self->do_close("closed by listener"); });
}

void MllpSession::read_more() {
  if (closed_ || reading_ || peer_finished_ || draining_) return;
  if (full() || events_left_) {
    paused_ = true;
    return;
  }
  if (paused_) {
    paused_ = false;
    // The peer could not finish a frame while we were not reading.
    if (frame_started_) {
      frame_started_ = Clock::now();
      arm_watchdog(*frame_started_ + settings_->read_timeout);
    }
  }
  reading_ = true;
  socket_.async_read_some(boost::asio::buffer(read_buffer_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            self->on_read(ec, n);
                          });
}

void MllpSession::on_read(const boost::system::error_code& ec, std::size_t n) {
  reading_ = false;
  if (closed_) return;
  if (draining_) {
    close_if_done();
    return;
  }
  if (ec == boost::asio::error::eof) {
    peer_finished_ = true;
    framer_.finish();
    events_left_ = true;
    take_frames();
    close_if_done();
    return;
  }
  if (ec) {
    do_close("read error");
    return;
  }
  const auto now = Clock::now();
  last_activity_ = now;
  const std::string_view chunk(read_buffer_.data(), n);
  heads_.begin_chunk(chunk);
  framer_.feed(chunk);
  if (!framer_.in_frame()) {
    frame_started_.reset();
  } else if (!frame_started_ || chunk.find(hl7v2::kMllpStart) != std::string_view::npos) {
    frame_started_ = now;
    arm_watchdog(now + settings_->read_timeout);
  }
  events_left_ = true;
  take_frames();
  read_more();
}

void MllpSession::take_frames() {
  if (draining_) return;
  while (!full()) {
    std::optional<hl7v2::MllpEvent> event = framer_.next();
    if (!event) {
      events_left_ = false;
      return;
    }
    switch (event->kind) {
      case hl7v2::MllpEvent::Kind::kFrame:
        on_frame(std::move(event->payload));
        break;
      case hl7v2::MllpEvent::Kind::kTooLarge:
        on_too_large(*event);
        break;
      case hl7v2::MllpEvent::Kind::kDiscarded:
        counters_->bytes_discarded += event->size;
        log(LogLevel::kWarning, "event=mllp.discarded bytes=" + std::to_string(event->size) +
                                    " offset=" + std::to_string(event->offset));
        break;
      case hl7v2::MllpEvent::Kind::kIncomplete:
        counters_->bytes_discarded += event->size;
        log(LogLevel::kWarning, "event=mllp.incomplete_frame bytes=" + std::to_string(event->size));
        break;
    }
  }
}

void MllpSession::on_frame(std::string payload) {
  ++counters_->frames;
  const std::uint64_t seq = next_seq_++;
  pending_.emplace_back();

  core::Inbound inbound;
  inbound.source = settings_->listener_name;
  inbound.peer = peer_;
  inbound.bytes = std::move(payload);
  inbound.received_at_us = unix_now_us();
  inbound.encoding = settings_->encoding;
  inbound.strict = settings_->strict;
  inbound.ack_mode = settings_->ack_mode;
  inbound.honour_accept_ack = settings_->honour_accept_ack;
  sink_.submit(std::move(inbound), [self = shared_from_this(), seq](core::Answer answer) mutable {
    // May run on any thread (the store's writer, once per message of a commit):
    // the inbox brings a commit's answers back with one post.
    if (auto inbox = self->inbox_.lock()) inbox->deliver(std::move(self), seq, std::move(answer));
  });
}

void MllpSession::take_answer(std::uint64_t seq, core::Answer answer) {
  boost::asio::post(socket_.get_executor(), [self = shared_from_this(), seq, answer = std::move(answer)]() mutable {
    self->on_answer(seq, std::move(answer));
  });
}

void MllpSession::on_too_large(const hl7v2::MllpEvent& event) {
  ++counters_->frames_too_large;
  const hl7v2::MshHeader header = hl7v2::read_header(heads_.head_of(event.offset));
  log(LogLevel::kWarning, "event=mllp.frame_too_large limit=" + std::to_string(settings_->max_frame_bytes) +
                              " control_id=" + header.control_id);
  hl7v2::AckError error;
  error.code = static_cast<int>(hl7v2::ErrorCode::kApplicationInternal);
  error.message = "message too large: over " + std::to_string(settings_->max_frame_bytes) + " bytes";
  pending_.emplace_back();
  hl7v2::AckOptions options;
  options.utc_offset_minutes = sink_.answer_utc_offset();  // the engine's zone, as its own answers (ACK-2.3)
  const hl7v2::AckCode code = reject_code(settings_->ack_mode, header);
  pending_.back().answer = hl7v2::build_ack(header, code, {error}, options);
  pending_.back().withheld = settings_->honour_accept_ack && !hl7v2::answer_requested(header, code);
  ++next_seq_;
  write_ready();
}

void MllpSession::on_answer(std::uint64_t seq, core::Answer answer) {
  if (closed_) return;
  assert(seq >= first_seq_ && seq < next_seq_);
  Slot& slot = pending_[seq - first_seq_];
  assert(!slot.answer);
  slot.answer = std::move(answer.bytes);
  slot.withheld = !answer.requested;
  write_ready();
  resume();
  close_if_done();
}

void MllpSession::write_ready() {
  bool freed = false;
  while (!pending_.empty() && pending_.front().answer) {
    if (pending_.front().withheld) {
      pending_.pop_front();
      ++first_seq_;
      freed = true;
      continue;
    }
    // Framed straight into the write buffer: no string per answer.
    const std::string& answer = *pending_.front().answer;
    queued_.reserve(queued_.size() + answer.size() + 3);
    queued_ += hl7v2::kMllpStart;
    queued_ += answer;
    queued_ += hl7v2::kMllpEnd;
    queued_ += hl7v2::kMllpEndCr;
    ++queued_count_;
    pending_.pop_front();
    ++first_seq_;
    freed = true;
  }
  if (freed) last_activity_ = Clock::now();
  if (!write_busy_) start_write();
}

void MllpSession::start_write() {
  if (queued_.empty() || closed_) return;
  writing_.swap(queued_);
  queued_.clear();
  writing_count_ = queued_count_;
  queued_count_ = 0;
  write_busy_ = true;
  write_started_ = Clock::now();
  boost::asio::async_write(socket_, boost::asio::buffer(writing_),
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                             self->on_written(ec);
                           });
}

void MllpSession::on_written(const boost::system::error_code& ec) {
  write_busy_ = false;
  if (closed_) return;
  if (ec) {
    do_close("write error");
    return;
  }
  counters_->answers_written += writing_count_;
  writing_count_ = 0;
  writing_.clear();
  last_activity_ = Clock::now();
  start_write();
  resume();
  close_if_done();
}

void MllpSession::resume() {
  if (closed_) return;
  if (events_left_) take_frames();
  read_more();
}

void MllpSession::close_if_done() {
  if (closed_ || !(peer_finished_ || draining_)) return;
  if (!pending_.empty() || write_busy_ || !queued_.empty()) return;
  if (!draining_ && events_left_) return;
  do_close(draining_ ? "drained" : "peer closed");
}

void MllpSession::do_close(const char* reason) {
  if (closed_) return;
  closed_ = true;
  log(LogLevel::kDebug, std::string("event=mllp.close reason=\"") + reason + "\" unanswered=" +
                            std::to_string(pending_.size()));
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  watchdog_.cancel();
  if (on_closed_) std::exchange(on_closed_, nullptr)();
}

void MllpSession::arm_watchdog(Clock::time_point deadline) {
  if (closed_ || (watch_deadline_ && *watch_deadline_ <= deadline)) return;
  watch_deadline_ = deadline;
  watchdog_.expires_at(deadline);  // cancels the previous wait, whose handler then does nothing
  watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) { self->on_watchdog(ec); });
}

void MllpSession::on_watchdog(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::operation_aborted || closed_) return;
  watch_deadline_.reset();
  const auto now = Clock::now();
  // A frame only times out while we are reading: when paused, the delay is ours.
  if (frame_started_ && reading_ && now >= *frame_started_ + settings_->read_timeout) {
    ++counters_->read_timeouts;
    log(LogLevel::kWarning, "event=mllp.read_timeout timeout_ms=" + std::to_string(settings_->read_timeout.count()));
    do_close("read timeout");
    return;
  }
  // A peer that stops reading its answers would hold the connection forever.
  if (write_busy_ && now >= write_started_ + settings_->idle_timeout) {
    ++counters_->write_timeouts;
    log(LogLevel::kWarning, "event=mllp.write_timeout timeout_ms=" + std::to_string(settings_->idle_timeout.count()));
    do_close("write timeout");
    return;
  }
  const bool idle = pending_.empty() && !write_busy_ && queued_.empty() && !frame_started_;
  if (idle && now >= last_activity_ + settings_->idle_timeout) {
    ++counters_->idle_closes;
    log(LogLevel::kInfo, "event=mllp.idle_timeout timeout_ms=" + std::to_string(settings_->idle_timeout.count()));
    do_close("idle timeout");
    return;
  }
  Clock::time_point next = idle ? last_activity_ + settings_->idle_timeout : now + settings_->idle_timeout;
  if (write_busy_) next = std::min(next, write_started_ + settings_->idle_timeout);
  if (frame_started_ && reading_) {
    next = std::min(next, std::max(*frame_started_ + settings_->read_timeout, now + std::chrono::milliseconds(1)));
  }
  arm_watchdog(next);
}

}  // namespace lienthong::adapters::mllp
