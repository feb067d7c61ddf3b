#include "engine/core/delivery.h"

#include <boost/asio/post.hpp>
#include <condition_variable>
#include <stdexcept>

#include "engine/base/thread_name.h"
#include "engine/core/log.h"

namespace lienthong::core {

Delivery::Delivery(store::Store& store, unsigned threads)
    : io_(static_cast<int>(threads)), work_(boost::asio::make_work_guard(io_)), store_(store) {
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
    name_thread(threads_.back(), "lt-delivery");
  }
  boost::asio::post(reads_, [] { name_current_thread("lt-queue-read"); });
}

Delivery::~Delivery() {
  // After stop() the schedulers' timers are cancelled and the destinations shut
  // down: what is left (closing connections) ends on its own; a moment later
  // anything still queued is dropped with the io_context.
  work_.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!io_.stopped() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  io_.stop();
  for (std::thread& t : threads_) t.join();
  // Reads still queued hold their schedulers; they finish (or are dropped) here,
  // before the store they read from goes away.
  reads_.join();
}

Delivery::Schedulers Delivery::build(const std::vector<DestinationSettings>& destinations,
                                     const DestinationRegistry& registry) {
  Schedulers out;
  for (const DestinationSettings& d : destinations) {
    const DestinationType* type = registry.find(d.type);
    if (type == nullptr) throw std::runtime_error("destination \"" + d.name + "\": unknown type \"" + d.type + "\"");
    out[d.name] = DeliveryScheduler::create(io_, reads_.get_executor(), store_, d.name, d.policy, type->create(io_, d.name, d.type_settings));
  }
  return out;
}

void Delivery::start(const std::vector<DestinationSettings>& destinations, const DestinationRegistry& registry) {
  auto schedulers = std::make_shared<const Schedulers>(build(destinations, registry));
  {
    std::lock_guard lock(mu_);
    schedulers_ = schedulers;
  }
  for (const auto& [name, s] : *schedulers) {
    s->start();
    log::info("destination.started", {{"name", name}});
  }
}

void Delivery::replace(const std::vector<DestinationSettings>& destinations, const DestinationRegistry& registry,
                       std::chrono::milliseconds grace) {
  auto fresh = std::make_shared<const Schedulers>(build(destinations, registry));
  std::shared_ptr<const Schedulers> old;
  {
    std::lock_guard lock(mu_);
    old = schedulers_;
    // Items committed from now on go to schedulers that have not started: those
    // ignore them and read them from the store when they start.
    schedulers_ = fresh;
  }
  stop_all(*old, grace);
  for (const auto& [name, s] : *fresh) s->start();
}

void Delivery::offer(std::vector<store::OutboundItem> items) {
  std::shared_ptr<const Schedulers> schedulers;
  {
    std::lock_guard lock(mu_);
    schedulers = schedulers_;
  }
  // Usually one destination per route target; split only when needed.
  std::map<std::string, std::vector<store::OutboundItem>> by_destination;
  for (auto& item : items) {
    if (item.status != "pending") continue;  // dead at intake (mapping failed): nothing to send
    by_destination[item.destination].push_back(std::move(item));
  }
  for (auto& [name, list] : by_destination) {
    auto it = schedulers->find(name);
    if (it != schedulers->end()) it->second->offer(std::move(list));
  }
}

bool Delivery::stop_all(const Schedulers& schedulers, std::chrono::milliseconds grace) {
  // Shared with the callbacks: one that comes after the grace period finds it alive.
  struct Countdown {
    std::mutex mu;
    std::condition_variable cv;
    std::size_t left = 0;
  };
  auto countdown = std::make_shared<Countdown>();
  countdown->left = schedulers.size();
  for (const auto& entry : schedulers) {
    entry.second->stop([countdown] {
      std::lock_guard lock(countdown->mu);
      --countdown->left;
      countdown->cv.notify_all();
    });
  }
  std::unique_lock lock(countdown->mu);
  return countdown->cv.wait_for(lock, grace, [&] { return countdown->left == 0; });
}

bool Delivery::stop(std::chrono::milliseconds grace) {
  std::shared_ptr<const Schedulers> schedulers;
  {
    std::lock_guard lock(mu_);
    schedulers = schedulers_;
    schedulers_ = std::make_shared<Schedulers>();
  }
  return stop_all(*schedulers, grace);
}

std::vector<std::pair<std::string, DeliveryCounters>> Delivery::counters() const {
  std::shared_ptr<const Schedulers> schedulers;
  {
    std::lock_guard lock(mu_);
    schedulers = schedulers_;
  }
  std::vector<std::pair<std::string, DeliveryCounters>> out;
  for (const auto& [name, s] : *schedulers) out.emplace_back(name, s->counters());
  return out;
}

}  // namespace lienthong::core
