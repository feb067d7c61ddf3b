// DeliveryScheduler: one destination's queue (docs/specs/delivery.md DLV-2..8).
//
// Items of one ordering key are sent strictly in id (intake) order, one at a
// time; items of different keys go out in parallel, up to the policy's
// concurrency. Each answer becomes an update written through the store's group
// commit: done; retry later (exponential backoff with jitter, at least the
// peer's Retry-After) while attempts and age allow; or dead with the reason. A
// dead item of a type the policy's stop_on_dead names holds its key's later
// items ("held") until an operator replays it (the replayed copy releases the
// key).
//
// At most `window` items are kept in memory; the rest wait in the store and are
// read in id order as room frees up. New items arrive from intake (offer, right
// after their commit) and from the store (start, and a poll each second that
// also picks up items replayed by another process). Store reads run on the
// `reads` executor, never on the strand: a page of a backlog is megabytes, and the
// io_context's threads also answer MLLP senders.
//
// Thread-safety: every public method may be called from any thread; the state
// lives on a strand of the engine's io_context.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/delivery_config.h"
#include "engine/core/destination.h"
#include "engine/store/store.h"

namespace lienthong::core {

struct DeliveryCounters {
  std::uint64_t delivered = 0;
  std::uint64_t retried = 0;   // attempts answered "retry"
  std::uint64_t dead = 0;
  std::uint64_t held = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t in_memory = 0;
};

class DeliveryScheduler : public std::enable_shared_from_this<DeliveryScheduler> {
 public:
  // `reads` runs the store reads (a thread of its own; it must outlive the
  // reads this scheduler posts, i.e. be joined before the store closes).
  static std::shared_ptr<DeliveryScheduler> create(boost::asio::io_context& io, boost::asio::any_io_executor reads,
                                                   store::Store& store, std::string name, DeliveryPolicy policy,
                                                   std::unique_ptr<Destination> destination);

  // Reads the store (pending items, blocked keys) and starts sending.
  void start();
  // Items just committed for this destination, in id order.
  void offer(std::vector<store::OutboundItem> items);
  // Sends nothing new, shuts the destination down, and calls `done` (on the
  // strand) once no attempt is in flight; their updates are queued in the store.
  void stop(std::function<void()> done);

  const std::string& name() const { return name_; }
  DeliveryCounters counters() const;

 private:
  struct Entry {
    DeliveryItem item;
    std::string key;
    std::string message_type;
    std::int64_t created_at_us = 0;
    std::int64_t due_us = 0;  // not before (retry backoff)
    bool in_flight = false;
  };
  struct Lane {
    std::deque<std::int64_t> ids;  // in the window, in id order; the front is next
  };

  DeliveryScheduler(boost::asio::io_context& io, boost::asio::any_io_executor reads, store::Store& store,
                    std::string name, DeliveryPolicy policy, std::unique_ptr<Destination> destination);

  void add(store::OutboundItem item);
  void refill();
  void refill_if_room();  // when items wait in the store and half the window is free
  void loaded(Result<store::QueueSnapshot> snapshot, bool at_start, std::size_t limit);
  void schedule(const std::string& key);
  void pump();
  void send(Entry& entry);
  void answered(std::int64_t id, DeliveryResult result, std::int64_t started_us);
  void finish_head(std::string key);
  void kill(Entry& entry, const std::string& reason, store::AttemptRecord attempt);
  void hold(std::int64_t id, const std::string& reason);
  void queue_update(store::ItemUpdate update);
  void flush();      // soon, together with the answers already queued
  void flush_now();
  void arm_retry_timer();
  void on_retry_timer();
  void poll();
  void maybe_stopped();
  std::chrono::microseconds backoff(int attempts);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::any_io_executor reads_;
  store::Store& store_;
  const std::string name_;
  const DeliveryPolicy policy_;
  std::unique_ptr<Destination> destination_;

  // Strand state.
  std::map<std::int64_t, Entry> window_;
  std::unordered_map<std::string, Lane> lanes_;
  std::deque<std::string> ready_;                   // keys whose front item may go now
  std::multimap<std::int64_t, std::string> timed_;  // due time -> key waiting for it
  std::unordered_map<std::string, std::int64_t> blocked_;  // key -> the dead item holding it
  std::unordered_map<std::string, std::vector<std::int64_t>> held_;  // key -> items held this run
  std::int64_t last_id_ = 0;  // every item <= this is known (in the window or finished)
  bool spilled_ = false;      // items > last_id_ wait in the store
  bool loading_ = false;      // a store read is out: offers wait in offered_
  bool loaded_at_start_ = false;  // blocked keys known (the first full read succeeded)
  std::vector<store::OutboundItem> offered_;
  bool started_ = false;
  bool stopping_ = false;
  std::size_t in_flight_ = 0;
  std::vector<store::ItemUpdate> updates_;
  bool flush_posted_ = false;
  std::function<void()> stopped_;
  boost::asio::steady_timer retry_timer_;
  std::int64_t retry_timer_due_ = 0;
  boost::asio::steady_timer poll_timer_;
  std::int64_t reported_in_flight_ = -1, reported_in_memory_ = -1, reported_at_us_ = 0;
  std::mt19937_64 random_;

  std::atomic<std::uint64_t> delivered_{0}, retried_{0}, dead_{0}, held_count_{0}, in_flight_count_{0},
      in_memory_count_{0};
};

}  // namespace lienthong::core
