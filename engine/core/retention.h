// Retention (docs/specs/retention.md): every `interval`, completed messages
// (no item pending, held or dead) received more than `after` ago lose their
// bodies, or are deleted with their items and attempts, `batch` messages per
// store write, so each write is small and shares a group commit with intake.
//
// Thread-safety: start/stop from the engine's control thread; the work runs on
// the io_context and the store's writer.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "engine/core/config.h"
#include "engine/store/store.h"

namespace lienthong::core {

class Retention : public std::enable_shared_from_this<Retention> {
 public:
  static std::shared_ptr<Retention> start(boost::asio::io_context& io, store::Store& store, RetentionSettings settings);
  void stop();
  std::uint64_t pruned() const { return pruned_.load(); }

 private:
  Retention(boost::asio::io_context& io, store::Store& store, RetentionSettings settings)
      : store_(store), settings_(settings), timer_(io) {}
  void wait(std::chrono::microseconds delay);
  void run_batch();

  store::Store& store_;
  const RetentionSettings settings_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint64_t> pruned_{0};
};

}  // namespace lienthong::core
