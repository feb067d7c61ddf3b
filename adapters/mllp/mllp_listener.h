// MllpListener: accepts MLLP connections on host:port and hands every framed
// message to a core::MessageSink (one MllpSession per connection, see
// mllp_session.h for framing, ordering, backpressure and timeouts).
//
// Connections beyond max_connections are accepted and closed at once (and
// counted). shutdown() stops accepting, lets every connection finish and answer
// what is in flight, then closes them; connections still busy at the deadline
// are closed anyway.
//
// Thread-safety: start() once, from one thread, before the io_context runs
// handlers for it; the other methods may be called from any thread. The
// io_context may be run by several threads. The sink and the log function must
// outlive every answer callback (the sink promises one per submit). Destroying
// the listener closes the acceptor; call shutdown() first to close connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "adapters/mllp/mllp_listener_config.h"
#include "adapters/mllp/mllp_log.h"
#include "engine/base/result.h"
#include "engine/core/message_sink.h"

namespace lienthong::adapters::mllp {

struct MllpListenerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_refused = 0;  // over max_connections
  std::uint64_t connections_open = 0;
  std::uint64_t frames = 0;
  std::uint64_t answers_written = 0;
  std::uint64_t bytes_discarded = 0;
  std::uint64_t frames_too_large = 0;
  std::uint64_t idle_closes = 0;
  std::uint64_t read_timeouts = 0;
  std::uint64_t write_timeouts = 0;
};

class MllpListener {
 public:
  MllpListener(boost::asio::io_context& io, MllpListenerConfig config, core::MessageSink& sink, LogFn log = {});
  ~MllpListener();
  MllpListener(const MllpListener&) = delete;
  MllpListener& operator=(const MllpListener&) = delete;

  // Validates the config, binds and starts accepting. Errors are values:
  // "127.0.0.1:2575: address in use", "max_in_flight: must be 1..65536".
  Status start();
  // The bound port (the chosen one when the config said 0); 0 before start().
  std::uint16_t port() const;
  void stop_accepting();
  // Stop accepting, drain every connection, close what is left at `grace`;
  // then `done` runs once (on one of the io_context's threads).
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done);
  MllpListenerStats stats() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace lienthong::adapters::mllp
