// ConnectionPool: up to `max_connections` keep-alive HttpConnections to one
// server. acquire() hands out an idle connection (the most recently used first,
// the likeliest to still be open), else a new one while under the limit, else
// queues the caller until release() frees one. A connection that cannot be
// reused is dropped on release, which makes room for a new one.
//
// shutdown(): no more connections are handed out (acquire answers nullptr at
// once), queued callers get nullptr, and every connection is cancelled, so a
// request on one finishes soon with HttpOutcome::cancelled.
//
// Thread-safety: all members may be called from any thread (one mutex). Lease
// callbacks run without the mutex held: inline in acquire() when a connection is
// free, or in the release()/shutdown() that freed one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "adapters/http/http_connection.h"

namespace lienthong::adapters::http {

class ConnectionPool {
 public:
  // Called with a connection the caller now holds alone, or nullptr after shutdown.
  using Lease = std::function<void(std::shared_ptr<HttpConnection>)>;

  ConnectionPool(boost::asio::io_context& io, std::shared_ptr<const HttpTarget> target, std::size_t max_connections,
                 HttpLog log);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void acquire(Lease lease);
  // Gives a leased connection back; `reusable` from HttpOutcome.
  void release(std::shared_ptr<HttpConnection> connection, bool reusable);
  void shutdown();

  std::size_t connections() const;  // open or connecting, for tests and stats

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<const HttpTarget> target_;
  const std::size_t max_connections_;
  HttpLog log_;

  mutable std::mutex mutex_;
  bool shut_down_ = false;
  std::uint64_t next_id_ = 1;
  std::vector<std::shared_ptr<HttpConnection>> idle_;
  std::unordered_set<std::shared_ptr<HttpConnection>> all_;
  std::deque<Lease> waiting_;
};

}  // namespace lienthong::adapters::http
