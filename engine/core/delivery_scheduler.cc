#include "engine/core/delivery_scheduler.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "engine/base/clock.h"
#include "engine/core/log.h"

namespace lienthong::core {
namespace {

constexpr auto kPollInterval = std::chrono::seconds(1);

const char* outcome_name(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "ok";
    case Verdict::kRetry: return "retry";
    case Verdict::kFail: return "fail";
  }
  return "retry";
}

}  // namespace

std::shared_ptr<DeliveryScheduler> DeliveryScheduler::create(boost::asio::io_context& io,
                                                             boost::asio::any_io_executor reads, store::Store& store,
                                                             std::string name, DeliveryPolicy policy,
                                                             std::unique_ptr<Destination> destination) {
  return std::shared_ptr<DeliveryScheduler>(new DeliveryScheduler(io, std::move(reads), store, std::move(name),
                                                                  std::move(policy), std::move(destination)));
}

DeliveryScheduler::DeliveryScheduler(boost::asio::io_context& io, boost::asio::any_io_executor reads,
                                     store::Store& store, std::string name, DeliveryPolicy policy,
                                     std::unique_ptr<Destination> destination)
    : strand_(boost::asio::make_strand(io)),
      reads_(std::move(reads)),
      store_(store),
      name_(std::move(name)),
      policy_(std::move(policy)),
      destination_(std::move(destination)),
      retry_timer_(strand_),
      poll_timer_(strand_),
      random_(std::random_device{}()) {}

DeliveryCounters DeliveryScheduler::counters() const {
  return DeliveryCounters{delivered_.load(), retried_.load(), dead_.load(), held_count_.load(),
                          in_flight_count_.load(), in_memory_count_.load()};
}

void DeliveryScheduler::start() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->started_ = true;
    self->refill();
    self->poll_timer_.expires_after(kPollInterval);
    self->poll_timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->poll();
    });
  });
}

void DeliveryScheduler::offer(std::vector<store::OutboundItem> items) {
  boost::asio::post(strand_, [self = shared_from_this(), items = std::move(items)]() mutable {
    // Before start they are in the store, which start reads; after stop the next
    // start reads them.
    if (self->stopping_ || !self->started_) return;
    if (self->loading_) {
      // After the read: those it has are skipped by id, the rest go in behind it.
      for (auto& item : items) self->offered_.push_back(std::move(item));
      return;
    }
    for (auto& item : items) self->add(std::move(item));
    self->pump();
    self->flush();
  });
}

void DeliveryScheduler::stop(std::function<void()> done) {
  boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->stopping_ = true;
    self->stopped_ = std::move(done);
    self->retry_timer_.cancel();
    self->poll_timer_.cancel();
    self->destination_->shutdown();
    self->maybe_stopped();
  });
}

void DeliveryScheduler::maybe_stopped() {
  if (!stopping_ || in_flight_ > 0 || !stopped_) return;
  flush_now();
  auto done = std::move(stopped_);
  stopped_ = nullptr;
  done();
}

// --- the window ---------------------------------------------------------------

void DeliveryScheduler::add(store::OutboundItem item) {
  if (item.id <= last_id_ || spilled_) return;  // known already, or waiting in the store
  if (item.destination != name_) return;
  if (window_.size() >= policy_.window) {
    spilled_ = true;  // it and later ones are read from the store when room frees up
    return;
  }
  last_id_ = item.id;
  if (auto blocked = blocked_.find(item.ordering_key); blocked != blocked_.end()) {
    if (item.replay_of && *item.replay_of == blocked->second) {
      // The replayed copy of the dead item: the key is released. Items this run
      // held after the replay was taken are replayed too, behind it (DLV-6.3).
      blocked_.erase(blocked);
      if (auto held = held_.find(item.ordering_key); held != held_.end()) {
        store::ReplayRequest request;
        request.ids = std::move(held->second);
        held_.erase(held);
        store_.replay(std::move(request), [name = name_](Result<std::vector<std::int64_t>> r) {
          if (!r) log::error("delivery.replay_failed", {{"destination", name}, {"reason", r.error().to_string()}});
        });
      }
    } else {
      hold(item.id, "held: item " + std::to_string(blocked->second) + " of the same key is dead");
      held_[item.ordering_key].push_back(item.id);
      return;
    }
  }
  Entry entry;
  entry.item.id = item.id;
  entry.item.message_id = item.message_id;
  entry.item.route = std::move(item.route);
  entry.item.message_type = item.message_type;
  entry.item.control_id = std::move(item.control_id);
  entry.item.content_type = std::move(item.content_type);
  entry.item.body = std::move(item.body);
  entry.item.attempt = item.attempts + 1;
  entry.item.created_at_us = item.created_at_us;
  entry.key = std::move(item.ordering_key);
  entry.message_type = std::move(item.message_type);
  entry.created_at_us = item.created_at_us;
  entry.due_us = item.next_attempt_at_us;
  const std::string key = entry.key;
  window_.emplace(item.id, std::move(entry));
  in_memory_count_.store(window_.size());
  Lane& lane = lanes_[key];
  lane.ids.push_back(item.id);
  if (lane.ids.size() == 1) schedule(key);
}

void DeliveryScheduler::refill() {
  if (loading_ || stopping_ || window_.size() >= policy_.window) return;
  store::QueueLoad load;
  load.destination = name_;
  load.after_id = last_id_;
  load.limit = policy_.window - window_.size();
  // Until one read has told which keys are blocked, every read asks again.
  load.with_blocked = !loaded_at_start_;
  loading_ = true;
  boost::asio::post(reads_, [self = shared_from_this(), load]() mutable {
    auto snapshot = self->store_.load_queue(load);
    auto& strand = self->strand_;
    boost::asio::post(strand, [self = std::move(self), snapshot = std::move(snapshot), at_start = load.with_blocked,
                               limit = load.limit]() mutable { self->loaded(std::move(snapshot), at_start, limit); });
  });
}

void DeliveryScheduler::refill_if_room() {
  // Room again: what waits in the store comes in in pages, not one by one.
  if (spilled_ && window_.size() <= policy_.window / 2) refill();
}

void DeliveryScheduler::loaded(Result<store::QueueSnapshot> snapshot, bool at_start, std::size_t limit) {
  loading_ = false;
  std::vector<store::OutboundItem> offered = std::move(offered_);
  offered_.clear();
  if (stopping_) return;
  if (!snapshot) {
    log::error("delivery.load_failed", {{"destination", name_}, {"reason", snapshot.error().to_string()}});
    // What was offered meanwhile is in the store: the next read (poll) gets it.
    if (!offered.empty()) spilled_ = true;
    return;
  }
  if (at_start) {
    loaded_at_start_ = true;
    for (const store::BlockedKey& b : snapshot->blocked) blocked_[b.key] = b.dead_id;
    if (!snapshot->orphan_held.empty()) {
      // Held behind an item that is no longer dead (replayed while they were being
      // held): they go on, behind the replayed copy.
      store::ReplayRequest request;
      request.ids = snapshot->orphan_held;
      store_.replay(std::move(request), [name = name_](Result<std::vector<std::int64_t>> r) {
        if (!r) log::error("delivery.replay_failed", {{"destination", name}, {"reason", r.error().to_string()}});
      });
    }
  }
  const bool full_page = snapshot->pending.size() >= limit;
  spilled_ = false;
  for (auto& item : snapshot->pending) add(std::move(item));
  // A full page may have more behind it; a short one means the store has no
  // more than what is now known (later commits arrive through offer()).
  if (full_page) spilled_ = true;
  // Offered during the read, in commit (id) order: those the read saw are <= last_id_
  // and skipped by add(); a full page leaves the rest to the next read.
  for (auto& item : offered) add(std::move(item));
  pump();
  flush();
  refill_if_room();
}

void DeliveryScheduler::schedule(const std::string& key) {
  auto lane = lanes_.find(key);
  if (lane == lanes_.end() || lane->second.ids.empty()) return;
  Entry& head = window_.at(lane->second.ids.front());
  if (head.in_flight) return;
  if (head.due_us <= unix_now_us()) {
    ready_.push_back(key);
  } else {
    timed_.emplace(head.due_us, key);
    arm_retry_timer();
  }
}

void DeliveryScheduler::pump() {
  while (!stopping_ && in_flight_ < policy_.concurrency && !ready_.empty()) {
    std::string key = std::move(ready_.front());
    ready_.pop_front();
    auto lane = lanes_.find(key);
    if (lane == lanes_.end() || lane->second.ids.empty()) continue;
    Entry& head = window_.at(lane->second.ids.front());
    if (head.in_flight) continue;
    if (head.due_us > unix_now_us()) {  // a stale wake-up: the head waits for its retry time
      schedule(key);
      continue;
    }
    send(head);
  }
}

void DeliveryScheduler::send(Entry& entry) {
  entry.in_flight = true;
  ++in_flight_;
  in_flight_count_.store(in_flight_);
  const std::int64_t started = unix_now_us();
  const std::int64_t id = entry.item.id;
  destination_->deliver(entry.item, [self = shared_from_this(), id, started](DeliveryResult result) {
    boost::asio::post(self->strand_, [self, id, started, result = std::move(result)]() mutable {
      self->answered(id, std::move(result), started);
      self->pump();
      self->flush();
    });
  });
}

// --- answers ------------------------------------------------------------------

void DeliveryScheduler::answered(std::int64_t id, DeliveryResult result, std::int64_t started_us) {
  --in_flight_;
  in_flight_count_.store(in_flight_);
  auto it = window_.find(id);
  if (it == window_.end()) return;  // cannot happen: an item leaves the window only when answered
  Entry& entry = it->second;
  entry.in_flight = false;
  const std::int64_t now = unix_now_us();
  if (stopping_ && result.verdict == Verdict::kRetry) {
    // Cut short by shutdown: not an attempt; the item stays pending in the store.
    maybe_stopped();
    return;
  }
  store::AttemptRecord attempt{started_us, now - started_us, outcome_name(result.verdict), result.detail};
  const int attempts = entry.item.attempt;
  if (log::enabled(log::Level::kDebug)) {
    log::debug("delivery.answer", {{"destination", name_}, {"item", id}, {"attempt", attempts},
                                   {"outcome", attempt.outcome}, {"detail", result.detail}});
  }
  switch (result.verdict) {
    case Verdict::kOk: {
      delivered_.fetch_add(1, std::memory_order_relaxed);
      queue_update(store::ItemUpdate{id, "done", false, attempts, 0, {}, std::move(attempt)});
      finish_head(entry.key);
      break;
    }
    case Verdict::kRetry: {
      retried_.fetch_add(1, std::memory_order_relaxed);
      const bool out_of_attempts = policy_.max_attempts > 0 && attempts >= policy_.max_attempts;
      const bool too_old = now - entry.created_at_us >= policy_.max_age.count();
      if (out_of_attempts || too_old) {
        std::string reason = (out_of_attempts ? "gave up after " + std::to_string(attempts) + " attempts"
                                              : "gave up: older than max_age") +
                             " (last: " + result.detail + ")";
        kill(entry, reason, std::move(attempt));
        break;
      }
      std::int64_t delay = backoff(attempts).count();
      if (result.retry_after) {
        delay = std::max<std::int64_t>(delay, std::chrono::duration_cast<std::chrono::microseconds>(*result.retry_after).count());
      }
      entry.due_us = now + delay;
      entry.item.attempt = attempts + 1;
      queue_update(store::ItemUpdate{id, "pending", false, attempts, entry.due_us, result.detail, std::move(attempt)});
      schedule(entry.key);
      break;
    }
    case Verdict::kFail:
      kill(entry, result.detail, std::move(attempt));
      break;
  }
  maybe_stopped();
}

void DeliveryScheduler::finish_head(std::string key) {  // a copy: the entry holding it is erased here
  auto lane = lanes_.find(key);
  const std::int64_t id = lane->second.ids.front();
  lane->second.ids.pop_front();
  window_.erase(id);
  in_memory_count_.store(window_.size());
  if (lane->second.ids.empty()) {
    lanes_.erase(lane);
  } else {
    schedule(key);
  }
  refill_if_room();
}

void DeliveryScheduler::kill(Entry& entry, const std::string& reason, store::AttemptRecord attempt) {
  dead_.fetch_add(1, std::memory_order_relaxed);
  const bool blocks = policy_.stops_on_dead(entry.message_type);
  const std::string key = entry.key;
  const std::int64_t id = entry.item.id;
  log::warning("delivery.dead", {{"destination", name_}, {"item", id}, {"message_id", entry.item.message_id},
                                 {"attempts", entry.item.attempt}, {"holds_key", blocks ? "yes" : "no"}});
  queue_update(store::ItemUpdate{id, "dead", blocks, entry.item.attempt, 0, reason, std::move(attempt)});
  if (!blocks) {
    finish_head(key);
    return;
  }
  // Everything behind it with the same key waits for an operator (DLV-6).
  blocked_[key] = id;
  auto lane = lanes_.find(key);
  std::deque<std::int64_t> ids = std::move(lane->second.ids);
  lanes_.erase(lane);
  window_.erase(id);
  for (std::size_t i = 1; i < ids.size(); ++i) {
    hold(ids[i], "held: item " + std::to_string(id) + " of the same key is dead");
    held_[key].push_back(ids[i]);
    window_.erase(ids[i]);
  }
  in_memory_count_.store(window_.size());
  refill_if_room();
}

void DeliveryScheduler::hold(std::int64_t id, const std::string& reason) {
  held_count_.fetch_add(1, std::memory_order_relaxed);
  queue_update(store::ItemUpdate{id, "held", false, 0, 0, reason, std::nullopt});
}

std::chrono::microseconds DeliveryScheduler::backoff(int attempts) {
  // initial * 2^(attempts-1), capped, then +-20% so that many items retried
  // together do not come back together.
  double base = static_cast<double>(policy_.backoff_initial.count());
  for (int i = 1; i < attempts && base < static_cast<double>(policy_.backoff_max.count()); ++i) base *= 2;
  base = std::min(base, static_cast<double>(policy_.backoff_max.count()));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::microseconds(static_cast<std::int64_t>(base * jitter(random_)));
}

// --- store writes ---------------------------------------------------------------

void DeliveryScheduler::queue_update(store::ItemUpdate update) { updates_.push_back(std::move(update)); }

void DeliveryScheduler::flush() {
  if (updates_.empty() || flush_posted_) return;
  // Answers that are already queued on the strand add theirs first: one store
  // write (one savepoint in a group commit) for all of them, not one per answer.
  flush_posted_ = true;
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->flush_now();
  });
}

void DeliveryScheduler::flush_now() {
  if (updates_.empty()) return;
  std::vector<store::ItemUpdate> batch = std::move(updates_);
  updates_.clear();
  // A failed write leaves the items pending in the store: after a restart they
  // are sent again (at-least-once), which the destinations' idempotence absorbs.
  store_.update_items(std::move(batch), [name = name_](Status s) {
    if (!s) log::error("delivery.update_failed", {{"destination", name}, {"reason", s.error().to_string()}});
  });
}

// --- timers ---------------------------------------------------------------------

void DeliveryScheduler::arm_retry_timer() {
  if (timed_.empty()) return;
  const std::int64_t due = timed_.begin()->first;
  if (retry_timer_due_ != 0 && retry_timer_due_ <= due) return;  // already set to fire earlier
  retry_timer_due_ = due;
  retry_timer_.expires_after(std::chrono::microseconds(std::max<std::int64_t>(0, due - unix_now_us())));
  retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled (re-armed earlier, or stopping)
    self->on_retry_timer();
  });
}

void DeliveryScheduler::on_retry_timer() {
  retry_timer_due_ = 0;
  const std::int64_t now = unix_now_us();
  while (!timed_.empty() && timed_.begin()->first <= now) {
    std::string key = std::move(timed_.begin()->second);
    timed_.erase(timed_.begin());
    ready_.push_back(std::move(key));
  }
  arm_retry_timer();
  pump();
  flush();
}

void DeliveryScheduler::poll() {
  if (stopping_) return;
  // Replayed items (written by another process) and anything that did not fit.
  refill();
  // For `lienthong queue`: only when something changed, or every 10 s as a sign
  // of life (each report is a commit, so an idle engine would sync every second).
  const std::int64_t now = unix_now_us();
  const auto in_flight = static_cast<std::int64_t>(in_flight_);
  const auto in_memory = static_cast<std::int64_t>(window_.size());
  if (in_flight != reported_in_flight_ || in_memory != reported_in_memory_ || now - reported_at_us_ >= 10'000'000) {
    reported_in_flight_ = in_flight;
    reported_in_memory_ = in_memory;
    reported_at_us_ = now;
    store_.report_status({store::DeliveryStatus{name_, in_flight, in_memory, now}}, [](Status) {});
  }
  pump();
  flush();
  poll_timer_.expires_after(kPollInterval);
  poll_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->poll();
  });
}

}  // namespace lienthong::core
