#include "adapters/mllp/mllp_sender.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "engine/hl7v2/header.h"
#include "engine/hl7v2/mllp_framer.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::adapters::mllp {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class MllpSender::Impl {
 public:
  Impl(MllpSenderConfig config, LogFn log) : config_(std::move(config)), log_(std::move(log)), socket_(io_) {}

  Result<SentAck, SendError> send(std::string_view message) {
    const std::string control_id = hl7v2::read_header(message).control_id;
    if (control_id.empty()) return SendError{SendError::Kind::kBadMessage, "message has no MSH-10 (control id)"};
    const std::string framed = hl7v2::mllp_wrap(message);
    discarded_at_start_ = discarded_;
    std::optional<SendError> last;
    for (int attempt = 0; attempt < std::max(config_.max_attempts, 1); ++attempt) {
      if (cancelled_.load()) return cancelled();
      if (attempt > 0) backoff(attempt);
      if (!socket_.is_open()) {
        if (auto error = connect()) {
          last = std::move(error);
          continue;
        }
      }
      auto result = exchange(framed, control_id);
      if (result.ok()) return result;
      if (cancelled_.load()) return cancelled();
      if (result.error().kind != SendError::Kind::kConnectionLost) return result;
      last = result.error();
    }
    if (cancelled_.load()) return cancelled();
    return *last;
  }

  void cancel() {
    cancelled_.store(true);
    // The socket belongs to the thread running io_: close it there, as a handler
    // that runs inside the send's run_until(), which ends the pending operation.
    asio::post(io_, [this] { close(); });
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    framer_.reset();
  }

  std::uint64_t discarded_acks() const { return discarded_; }

 private:
  SendError cancelled() const { return SendError{SendError::Kind::kConnectionLost, where() + ": cancelled"}; }

  std::string where() const { return config_.host + ":" + std::to_string(config_.port); }

  void log(LogLevel level, const std::string& line) const {
    if (log_) log_(level, line + " peer=" + where());
  }

  void backoff(int attempt) {
    auto delay = config_.backoff_initial * (1LL << std::min(attempt - 1, 20));
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(delay, config_.backoff_max));
  }

  // Runs the io_context until the pending operation's handler has run or the
  // deadline passes; then the socket is closed, which completes the operation.
  bool run_until(Clock::time_point deadline, const bool& finished) {
    io_.restart();
    while (!finished && io_.run_one_until(deadline) > 0) {
    }
    if (finished) return true;
    close();
    io_.restart();
    io_.run();
    return false;
  }

  std::optional<SendError> connect() {
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(config_.host, std::to_string(config_.port), ec);
    if (ec) return SendError{SendError::Kind::kConnect, where() + ": " + ec.message()};
    bool finished = false;
    asio::async_connect(socket_, endpoints, [&](const boost::system::error_code& e, const tcp::endpoint&) {
      ec = e;
      finished = true;
    });
    if (!run_until(Clock::now() + config_.connect_timeout, finished)) {
      return SendError{SendError::Kind::kConnect, where() + ": connect timed out"};
    }
    if (ec) {
      close();
      log(LogLevel::kWarning, "event=mllp.connect_failed error=\"" + ec.message() + "\"");
      return SendError{SendError::Kind::kConnect,
                       where() + ": " + (ec == asio::error::connection_refused ? "connection refused" : ec.message())};
    }
    socket_.set_option(tcp::no_delay(true), ec);  // one small frame per message: send it now
    framer_.emplace(config_.max_ack_bytes);
    return std::nullopt;
  }

  Result<SentAck, SendError> lost(const std::string& what) {
    close();
    return SendError{SendError::Kind::kConnectionLost, where() + ": " + what};
  }

  Result<SentAck, SendError> exchange(const std::string& framed, const std::string& control_id) {
    boost::system::error_code ec;
    bool finished = false;
    asio::async_write(socket_, asio::buffer(framed), [&](const boost::system::error_code& e, std::size_t) {
      ec = e;
      finished = true;
    });
    const auto deadline = Clock::now() + config_.ack_timeout;
    if (!run_until(deadline, finished)) return timed_out(control_id);
    if (ec) return lost("write failed: " + ec.message());

    while (true) {
      while (auto event = framer_->next()) {
        if (event->kind != hl7v2::MllpEvent::Kind::kFrame) {
          log(LogLevel::kWarning, "event=mllp.ack_bytes_discarded bytes=" + std::to_string(event->size));
          continue;
        }
        if (auto ack = match(event->payload, control_id)) return std::move(*ack);
      }
      std::size_t n = 0;
      finished = false;
      socket_.async_read_some(asio::buffer(buffer_), [&](const boost::system::error_code& e, std::size_t bytes) {
        ec = e;
        n = bytes;
        finished = true;
      });
      if (!run_until(deadline, finished)) return timed_out(control_id);
      if (ec == asio::error::eof) return lost("connection closed before the ACK");
      if (ec) return lost("read failed: " + ec.message());
      framer_->feed(std::string_view(buffer_.data(), n));
    }
  }

  std::optional<SentAck> match(const std::string& frame, const std::string& control_id) {
    auto parsed = hl7v2::parse(frame);
    if (parsed.ok()) {
      if (auto msa = parsed->find("MSA")) {
        SentAck ack{std::string(msa->field(1).raw()), std::string(msa->field(2).raw()), frame};
        if (ack.control_id == control_id) return ack;
        ++discarded_;
        log(LogLevel::kWarning, "event=mllp.ack_mismatch expected=" + control_id + " got=" + ack.control_id);
        return std::nullopt;
      }
    }
    ++discarded_;
    log(LogLevel::kWarning, "event=mllp.ack_unreadable expected=" + control_id);
    return std::nullopt;
  }

  SendError timed_out(const std::string& control_id) {
    close();
    log(LogLevel::kWarning, "event=mllp.ack_timeout control_id=" + control_id);
    std::string text = where() + ": no ACK for " + control_id + " within " +
                       std::to_string(config_.ack_timeout.count()) + " ms";
    if (discarded_ > discarded_at_start_) {
      text += " (" + std::to_string(discarded_ - discarded_at_start_) + " mismatched answers discarded)";
    }
    return SendError{SendError::Kind::kTimeout, std::move(text)};
  }

  MllpSenderConfig config_;
  LogFn log_;
  asio::io_context io_;
  tcp::socket socket_;
  std::optional<hl7v2::MllpFramer> framer_;  // per connection
  std::array<char, 16 * 1024> buffer_{};
  std::uint64_t discarded_ = 0;
  std::uint64_t discarded_at_start_ = 0;  // discarded_ when the current send began
  std::atomic<bool> cancelled_{false};
};

MllpSender::MllpSender(MllpSenderConfig config, LogFn log)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(log))) {}
MllpSender::~MllpSender() = default;

Result<SentAck, SendError> MllpSender::send(std::string_view message) { return impl_->send(message); }

std::vector<Result<SentAck, SendError>> MllpSender::send_many(const std::vector<std::string>& messages) {
  std::vector<Result<SentAck, SendError>> results;
  results.reserve(messages.size());
  for (const auto& m : messages) results.push_back(impl_->send(m));
  return results;
}

void MllpSender::close() { impl_->close(); }
void MllpSender::cancel() { impl_->cancel(); }
std::uint64_t MllpSender::discarded_acks() const { return impl_->discarded_acks(); }

}  // namespace lienthong::adapters::mllp
