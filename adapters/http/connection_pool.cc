#include "adapters/http/connection_pool.h"

namespace lienthong::adapters::http {

ConnectionPool::ConnectionPool(boost::asio::io_context& io, std::shared_ptr<const HttpTarget> target,
                               std::size_t max_connections, HttpLog log)
    : io_(io), target_(std::move(target)), max_connections_(max_connections), log_(std::move(log)) {}

void ConnectionPool::acquire(Lease lease) {
  std::shared_ptr<HttpConnection> connection;
  {
    std::lock_guard lock(mutex_);
    if (!shut_down_) {
      if (!idle_.empty()) {
        connection = std::move(idle_.back());
        idle_.pop_back();
      } else if (all_.size() < max_connections_) {
        connection = HttpConnection::create(io_, target_, log_, next_id_++);
        all_.insert(connection);
      } else {
        waiting_.push_back(std::move(lease));
        return;
      }
    }
  }
  lease(std::move(connection));
}

void ConnectionPool::release(std::shared_ptr<HttpConnection> connection, bool reusable) {
  Lease next;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) {
      all_.erase(connection);
      return;
    }
    if (!reusable) {
      all_.erase(connection);
      connection.reset();
    }
    if (waiting_.empty()) {
      if (connection) idle_.push_back(std::move(connection));
      return;
    }
    next = std::move(waiting_.front());
    waiting_.pop_front();
    if (!connection) {
      connection = HttpConnection::create(io_, target_, log_, next_id_++);
      all_.insert(connection);
    }
  }
  next(std::move(connection));
}

void ConnectionPool::shutdown() {
  std::deque<Lease> waiting;
  std::unordered_set<std::shared_ptr<HttpConnection>> all;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    waiting.swap(waiting_);
    all.swap(all_);
    idle_.clear();
  }
  for (const auto& connection : all) connection->cancel();
  for (Lease& lease : waiting) lease(nullptr);
}

std::size_t ConnectionPool::connections() const {
  std::lock_guard lock(mutex_);
  return all_.size();
}

}  // namespace lienthong::adapters::http
