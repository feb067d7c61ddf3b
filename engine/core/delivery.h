// Delivery: the running destinations, each with its DeliveryScheduler, built
// from the configuration through the registry. Intake hands it every stored
// outbound item (offer, on the store's answering thread); it passes each to its
// destination's scheduler. A reload (SIGHUP) replaces every scheduler: the old
// ones stop (attempts in flight are cut short and not counted) and the new ones
// read what is pending from the store, so nothing queued is lost.
//
// Schedulers and destinations run on an io_context and thread of their own,
// not on the listeners' threads: under a burst of intake those threads' queue
// holds hundreds of mapping runs, and every step of a delivery (a write, a read,
// an answer) waited behind them, so delivery slowed to a trickle exactly when
// the backlog grew. With its own thread the OS shares the cores between the two.
//
// Thread-safety: offer() and counters() from any thread; start/replace/stop
// from the engine's control thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>

#include "engine/core/adapter_registry.h"
#include "engine/core/delivery_config.h"
#include "engine/core/delivery_scheduler.h"
#include "engine/store/store.h"

namespace lienthong::core {

class Delivery {
 public:
  // `threads` (>= 1) run the schedulers and destinations.
  Delivery(store::Store& store, unsigned threads);
  // Joins the delivery and store-read threads: call stop() first, and destroy
  // this before the store.
  ~Delivery();
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  // Builds and starts a scheduler per destination (throws std::runtime_error
  // when a destination cannot be made: start-up misconfiguration).
  void start(const std::vector<DestinationSettings>& destinations, const DestinationRegistry& registry);
  // Stops the current schedulers (waiting up to `grace` for attempts in flight),
  // then starts these.
  void replace(const std::vector<DestinationSettings>& destinations, const DestinationRegistry& registry,
               std::chrono::milliseconds grace);
  void offer(std::vector<store::OutboundItem> items);
  // Stops every scheduler; true when all stopped within `grace`.
  bool stop(std::chrono::milliseconds grace);

  std::vector<std::pair<std::string, DeliveryCounters>> counters() const;

 private:
  using Schedulers = std::map<std::string, std::shared_ptr<DeliveryScheduler>>;
  Schedulers build(const std::vector<DestinationSettings>& destinations, const DestinationRegistry& registry);
  static bool stop_all(const Schedulers& schedulers, std::chrono::milliseconds grace);

  // Declared first: destroyed last, after the schedulers and destinations on it.
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  store::Store& store_;
  // The schedulers' store reads (pages of pending items), off the io_context's
  // threads. One thread: reads share one SQLite read connection anyway.
  boost::asio::thread_pool reads_{1};
  mutable std::mutex mu_;
  std::shared_ptr<const Schedulers> schedulers_ = std::make_shared<Schedulers>();
};

}  // namespace lienthong::core
