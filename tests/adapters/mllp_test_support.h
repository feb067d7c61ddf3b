// Helpers for the MLLP adapter tests: a MessageSink that answers from its own
// thread (after an optional delay, out of order on purpose, or held until
// released), a listener running on a thread pool, and a blocking raw client
// whose reads time out so a broken listener fails a test instead of hanging it.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "adapters/mllp/mllp_listener.h"
#include "engine/core/message_sink.h"
#include "engine/hl7v2/ack.h"
#include "engine/hl7v2/header.h"
#include "engine/hl7v2/mllp_framer.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::testing {

// A small ADT^A01 (made-up patient) with the given control id.
inline std::string make_message(const std::string& control_id, const std::string& padding = "") {
  return "MSH|^~\\&|HIS|BV_A|LIENTHONG|SO_YT|20240131142005+0700||ADT^A01^ADT_A01|" + control_id +
         "|P|2.5.1\rEVN|A01|20240131142005\rPID|1||BN0001^^^BV_A^PI||NGUYEN^VAN A" + padding + "\r";
}

// MSA-1 and MSA-2 of an ACK ("" when absent).
struct AckFields {
  std::string code;
  std::string control_id;
};
inline AckFields ack_fields(const std::string& ack) {
  auto parsed = hl7v2::parse(ack);
  if (!parsed.ok()) return {};
  auto msa = parsed->find("MSA");
  if (!msa) return {};
  return {std::string(msa->field(1).raw()), std::string(msa->field(2).raw())};
}

// Answers every submit from a worker thread: AA/CA for what parses, the codec's
// reject ACK for what does not. Each round takes everything queued and answers
// it newest first, so answers on a connection come back out of order.
class TestSink : public core::MessageSink {
 public:
  explicit TestSink(std::chrono::milliseconds delay = std::chrono::milliseconds(0)) : delay_(delay) {
    worker_ = std::thread([this] { run(); });
  }
  ~TestSink() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      held_ = false;
    }
    cv_.notify_all();
    worker_.join();
  }

  void submit(core::Inbound message, core::AnswerCallback done) override {
    std::lock_guard lock(mutex_);
    ++submitted_;
    outstanding_max_ = std::max(outstanding_max_, submitted_ - answered_);
    queue_.push_back({std::move(message), std::move(done)});
    cv_.notify_all();
  }

  // The engine's zone for answers the listener builds itself (MessageSink::answer_utc_offset).
  std::optional<int> answer_utc_offset() const override {
    const std::int64_t minutes = utc_offset_.load();
    if (minutes == kNoOffset) return std::nullopt;
    return static_cast<int>(minutes);
  }
  void set_answer_utc_offset(std::optional<int> minutes) { utc_offset_.store(minutes ? *minutes : kNoOffset); }

  // While held, nothing is answered.
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    cv_.notify_all();
  }
  // Waits (bounded) until at least n messages were submitted.
  bool wait_submitted(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return submitted_ >= n; });
  }
  std::size_t submitted() {
    std::lock_guard lock(mutex_);
    return submitted_;
  }
  std::size_t outstanding_max() {
    std::lock_guard lock(mutex_);
    return outstanding_max_;
  }
  std::vector<core::Inbound> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

  static core::Answer answer_for(const core::Inbound& in) {
    hl7v2::ParseOptions options;
    options.strict = in.strict;
    options.charset = in.encoding;
    auto parsed = hl7v2::parse(in.bytes, options);
    if (!parsed.ok()) return {hl7v2::build_reject_ack(in.bytes, parsed.error()), false};
    const hl7v2::MshHeader header = hl7v2::read_header(*parsed);
    return {hl7v2::build_ack(header, hl7v2::ack_code_for(header, hl7v2::AckOutcome::kAccept)), true};
  }

 private:
  struct Item {
    core::Inbound message;
    core::AnswerCallback done;
  };

  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      cv_.wait(lock, [&] { return (!queue_.empty() && !held_) || (stop_ && queue_.empty()); });
      if (queue_.empty()) return;
      std::deque<Item> batch;
      batch.swap(queue_);
      lock.unlock();
      if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
        core::Answer answer = answer_for(it->message);
        {
          std::lock_guard count(mutex_);
          ++answered_;
          received_.push_back(it->message);
        }
        it->done(std::move(answer));
      }
      lock.lock();
      cv_.notify_all();
    }
  }

  // An atomic optional<int> needs libatomic with clang (it is 8 bytes aligned to 4).
  static constexpr std::int64_t kNoOffset = INT64_MIN;
  std::atomic<std::int64_t> utc_offset_{kNoOffset};

  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  std::vector<core::Inbound> received_;
  std::size_t submitted_ = 0;
  std::size_t answered_ = 0;
  std::size_t outstanding_max_ = 0;
  bool held_ = false;
  bool stop_ = false;
  std::thread worker_;
};

// Answers inside submit(), on the caller's thread (as Intake does for a refusal).
class InlineSink : public core::MessageSink {
 public:
  void submit(core::Inbound message, core::AnswerCallback done) override {
    ++submitted;
    done(TestSink::answer_for(message));
  }
  std::atomic<std::size_t> submitted{0};
};

// Never answers until destroyed; then answers everything it holds.
class SilentSink : public core::MessageSink {
 public:
  ~SilentSink() override {
    for (auto& item : held_) item.second(TestSink::answer_for(item.first));
  }
  void submit(core::Inbound message, core::AnswerCallback done) override {
    std::lock_guard lock(mutex_);
    held_.emplace_back(std::move(message), std::move(done));
  }
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<core::Inbound, core::AnswerCallback>> held_;
};

// An io_context run by `threads` threads until destroyed.
class IoThreads {
 public:
  explicit IoThreads(int threads = 2) : guard_(boost::asio::make_work_guard(io_)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~IoThreads() { stop(); }
  void stop() {
    guard_.reset();
    io_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

inline adapters::mllp::MllpListenerConfig test_config() {
  adapters::mllp::MllpListenerConfig config;
  config.name = "test";
  config.host = "127.0.0.1";
  config.port = 0;
  return config;
}

// A blocking client; every read gives up after `timeout` (SO_RCVTIMEO).
class RawClient {
 public:
  explicit RawClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : socket_(io_) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    connected_ = !ec;
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    if (connected_) ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  bool connected() const { return connected_; }

  bool send(const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
    return !ec;
  }
  bool send_frame(const std::string& message) { return send(hl7v2::mllp_wrap(message)); }

  // The next answer (framing removed), or nullopt on close, error or timeout.
  std::optional<std::string> read_frame() {
    while (true) {
      while (auto e = framer_.next()) {
        if (e->kind == hl7v2::MllpEvent::Kind::kFrame) return std::move(e->payload);
      }
      char buf[4096];
      boost::system::error_code ec;
      std::size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec) {
        last_error_ = ec;
        return std::nullopt;
      }
      framer_.feed(std::string_view(buf, n));
    }
  }
  // True when the server closed the connection (EOF or reset) before the timeout.
  bool wait_closed() {
    while (read_frame()) {
    }
    return last_error_ == boost::asio::error::eof || last_error_ == boost::asio::error::connection_reset;
  }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
  // Half-close: no more bytes from us; answers can still come.
  void finish_sending() {
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  hl7v2::MllpFramer framer_;
  boost::system::error_code last_error_;
  bool connected_ = false;
};

}  // namespace lienthong::testing
