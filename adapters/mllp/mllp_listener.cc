#include "adapters/mllp/mllp_listener.h"

#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/mllp/answer_inbox.h"
#include "adapters/mllp/mllp_session.h"

namespace lienthong::adapters::mllp {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Live sessions of one listener; shared with the sessions' close callbacks.
class SessionRegistry {
 public:
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  void add(std::uint64_t id, const std::shared_ptr<MllpSession>& session) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(id, session);
  }
  void remove(std::uint64_t id) {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex_);
      sessions_.erase(id);
      if (sessions_.empty()) done = std::exchange(on_empty_, nullptr);
    }
    if (done) done();
  }
  std::vector<std::shared_ptr<MllpSession>> live() {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<MllpSession>> out;
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
  // Runs `done` now if empty, else when the last session goes; at most once.
  void when_empty(std::function<void()> done) {
    {
      std::lock_guard lock(mutex_);
      if (!sessions_.empty()) {
        if (on_empty_) {  // a second shutdown: both callers hear of the end
          done = [first = std::move(on_empty_), second = std::move(done)] {
            first();
            second();
          };
        }
        on_empty_ = std::move(done);
        return;
      }
    }
    done();
  }
  void fire_empty_now() {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex_);
      done = std::exchange(on_empty_, nullptr);
    }
    if (done) done();
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<MllpSession>> sessions_;
  std::function<void()> on_empty_;
};

}  // namespace

class MllpListener::Impl : public std::enable_shared_from_this<MllpListener::Impl> {
 public:
  Impl(asio::io_context& io, MllpListenerConfig config, core::MessageSink& sink, LogFn log)
      : io_(io),
        config_(std::move(config)),
        sink_(sink),
        strand_(asio::make_strand(io)),
        acceptor_(strand_),
        retry_timer_(strand_),
        counters_(std::make_shared<ListenerCounters>()),
        inbox_(std::make_shared<AnswerInbox>(io.get_executor())),
        registry_(std::make_shared<SessionRegistry>()) {
    auto settings = std::make_shared<SessionSettings>();
    settings->listener_name = config_.name;
    settings->encoding = config_.charset();
    settings->strict = config_.strict;
    settings->ack_mode = config_.resolved_ack_mode();
    settings->honour_accept_ack = config_.accept_ack == "msh15";
    settings->max_frame_bytes = config_.max_frame_bytes;
    settings->max_in_flight = config_.max_in_flight;
    settings->idle_timeout = std::chrono::milliseconds(config_.idle_timeout_ms);
    settings->read_timeout = std::chrono::milliseconds(config_.read_timeout_ms);
    settings->log = std::move(log);
    settings_ = std::move(settings);
  }

  Status start() {
    const std::string where = config_.host + ":" + std::to_string(config_.port);
    if (auto errors = config_.validate(); !errors.empty()) {
      std::string text;
      for (const auto& e : errors) text += (text.empty() ? "" : "; ") + e;
      return Error{text, "listener " + config_.name};
    }
    boost::system::error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address(config_.host, ec), config_.port);
    if (!ec) acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      return Error{ec == asio::error::address_in_use ? std::string("address in use") : ec.message(), where};
    }
    port_ = acceptor_.local_endpoint(ec).port();
    log(LogLevel::kInfo, "event=mllp.listening address=" + config_.host + ":" + std::to_string(port_));
    accept();
    return Status::Ok();
  }

  std::uint16_t port() const { return port_; }

  void stop_accepting() {
    asio::post(strand_, [self = shared_from_this()] { self->close_acceptor(); });
  }

  void shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
    asio::post(strand_, [self = shared_from_this(), grace, done = std::move(done)]() mutable {
      self->close_acceptor();
      // When the last session ends, the deadline timer must go too, or it keeps
      // the io_context busy for the whole grace period after the work is done.
      self->registry_->when_empty([self, done = std::move(done)]() {
        asio::post(self->strand_, [self] { self->retry_timer_.cancel(); });
        if (done) done();
      });
      for (auto& session : self->registry_->live()) session->drain();
      self->retry_timer_.expires_after(grace);
      self->retry_timer_.async_wait([self](const boost::system::error_code& ec) {
        if (ec) return;
        auto left = self->registry_->live();
        if (!left.empty()) {
          self->log(LogLevel::kWarning, "event=mllp.shutdown_deadline closing=" + std::to_string(left.size()));
        }
        for (auto& session : left) session->close();
        // Sessions already gone from the map but whose weak_ptr expired count as closed.
        if (left.empty()) self->registry_->fire_empty_now();
      });
    });
  }

  MllpListenerStats stats() const {
    MllpListenerStats s;
    s.connections_accepted = counters_->connections_accepted;
    s.connections_refused = counters_->connections_refused;
    s.connections_open = registry_->size();
    s.frames = counters_->frames;
    s.answers_written = counters_->answers_written;
    s.bytes_discarded = counters_->bytes_discarded;
    s.frames_too_large = counters_->frames_too_large;
    s.idle_closes = counters_->idle_closes;
    s.read_timeouts = counters_->read_timeouts;
    s.write_timeouts = counters_->write_timeouts;
    return s;
  }

  void drop_answers() { inbox_->clear(); }

  void close_acceptor() {
    shutting_down_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                                tcp::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  void on_accept(const boost::system::error_code& ec, tcp::socket socket) {
    if (shutting_down_ || !acceptor_.is_open()) return;
    if (ec) {
      // Out of descriptors and the like: wait a little rather than spin.
      log(LogLevel::kError, "event=mllp.accept_error error=\"" + ec.message() + "\"");
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
        if (!e && !self->shutting_down_) self->accept();
      });
      return;
    }
    boost::system::error_code ep_ec;
    const std::string peer = format_peer(socket.remote_endpoint(ep_ec));
    if (registry_->size() >= config_.max_connections) {
      ++counters_->connections_refused;
      log(LogLevel::kWarning, "event=mllp.connection_refused reason=max_connections limit=" +
                                  std::to_string(config_.max_connections) + " peer=" + peer);
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      ++counters_->connections_accepted;
      // Answers are small writes: without NODELAY, Nagle holds the second one
      // until the peer's delayed ACK (~40 ms), which caps a pipelining peer.
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      const std::uint64_t id = next_id_++;
      auto registry = registry_;
      auto session = std::make_shared<MllpSession>(std::move(socket), peer, settings_, counters_, inbox_,
                                                   sink_, [registry, id] { registry->remove(id); });
      registry_->add(id, session);
      log(LogLevel::kDebug, "event=mllp.connection peer=" + peer);
      session->start();
    }
    accept();
  }

  void log(LogLevel level, const std::string& line) const {
    if (settings_->log) settings_->log(level, line + " listener=" + config_.name);
  }

  asio::io_context& io_;
  MllpListenerConfig config_;
  core::MessageSink& sink_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::shared_ptr<ListenerCounters> counters_;
  std::shared_ptr<AnswerInbox> inbox_;
  std::shared_ptr<SessionRegistry> registry_;
  std::shared_ptr<const SessionSettings> settings_;
  std::uint16_t port_ = 0;
  std::uint64_t next_id_ = 0;
  bool shutting_down_ = false;
};

MllpListener::MllpListener(asio::io_context& io, MllpListenerConfig config, core::MessageSink& sink, LogFn log)
    : impl_(std::make_shared<Impl>(io, std::move(config), sink, std::move(log))) {}

MllpListener::~MllpListener() {
  impl_->stop_accepting();
  impl_->drop_answers();
}

Status MllpListener::start() { return impl_->start(); }
std::uint16_t MllpListener::port() const { return impl_->port(); }
void MllpListener::stop_accepting() { impl_->stop_accepting(); }
void MllpListener::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  if (!done) done = [] {};
  impl_->shutdown(grace, std::move(done));
}
MllpListenerStats MllpListener::stats() const { return impl_->stats(); }

}  // namespace lienthong::adapters::mllp
