#include "engine/core/engine.h"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <functional>
#include <future>
#include <stdexcept>
#include <thread>

#include "engine/base/thread_name.h"
#include "engine/core/log.h"

namespace lienthong::core {
namespace {

constexpr std::chrono::seconds kDeliveryGrace{5};
constexpr std::chrono::seconds kRebindWait{2};
constexpr std::chrono::seconds kReleaseSweep{1};

std::shared_ptr<const Router> make_router(const EngineConfig& config) {
  auto zone = mapping::TimeZone::from_name(config.time_zone);
  mapping::RunOptions defaults;
  defaults.zone = zone.ok() ? *zone : mapping::TimeZone::ho_chi_minh();
  defaults.country = config.country;
  return std::make_shared<const Router>(config.routes, config.unrouted, std::move(defaults));
}

// What a reload cannot change without a restart.
bool same_process_settings(const EngineConfig& a, const EngineConfig& b) {
  return a.threads == b.threads && a.delivery_threads == b.delivery_threads && a.store == b.store;
}

}  // namespace

Engine::Engine(const EngineConfig& config, const AdapterRegistry& registry, store::Store& store)
    : config_(config),
      registry_(registry),
      store_(store),
      intake_(store),
      io_(static_cast<int>(config.threads == 0 ? 1 : config.threads)),
      delivery_(store, config.delivery_threads == 0 ? 1 : config.delivery_threads) {
  intake_.set_item_sink([this](std::vector<store::OutboundItem> items) { delivery_.offer(std::move(items)); });
}

Engine::~Engine() = default;

void Engine::apply(const EngineConfig& config) {
  intake_.set_router(make_router(config));
  stats_.set_interval(config.stats_interval);
  if (retention_) retention_->stop();
  retention_ = config.retention.enabled ? Retention::start(io_, store_, config.retention) : nullptr;
}

void Engine::reload() {
  log::info("engine.reloading", {{"config", config_.file.string()}});
  auto fresh = load_config(config_.file, registry_);
  if (!fresh.ok()) {
    for (const auto& line : fresh.error()) log::error("engine.reload_rejected", {{"error", line}});
    log::error("engine.reload_failed", {{"errors", fresh.error().size()}, {"kept", "running configuration"}});
    return;
  }
  if (!same_process_settings(config_, *fresh)) {
    log::warning("engine.reload_partial", {{"reason", "threads, delivery_threads or store changed: restart to apply them"}});
  }
  try {
    delivery_.replace(fresh->destinations, registry_.destinations, kDeliveryGrace);
  } catch (const std::exception& e) {
    log::error("engine.reload_failed", {{"reason", e.what()}});
    return;
  }
  apply(*fresh);
  std::vector<ListenerSettings> running = reload_listeners(std::move(fresh->listeners));
  const unsigned threads = config_.threads, delivery_threads = config_.delivery_threads;
  StoreSettings store = std::move(config_.store);
  config_ = std::move(*fresh);
  config_.listeners = std::move(running);  // the ones actually running
  // Still the ones in effect: a later reload compares against them, and warns again.
  config_.threads = threads;
  config_.delivery_threads = delivery_threads;
  config_.store = std::move(store);
  log::info("engine.reloaded", {{"routes", config_.routes->routes.size()}, {"destinations", config_.destinations.size()},
                                {"listeners", config_.listeners.size()}});
}

Result<std::unique_ptr<Listener>> Engine::start_listener(const ListenerSettings& settings,
                                                         std::chrono::milliseconds patience) {
  const ListenerType* type = registry_.listeners.find(settings.type);
  if (type == nullptr) return Error{"listener \"" + settings.name + "\": unknown type \"" + settings.type + "\"", {}};
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    try {
      std::unique_ptr<Listener> listener = type->create(io_, settings.spec, intake_);
      log::info("listener.started", {{"name", settings.name}, {"type", settings.type}, {"endpoint", listener->endpoint()}});
      return listener;
    } catch (const std::exception& e) {
      if (std::chrono::steady_clock::now() >= deadline) return Error{e.what(), {}};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Engine::release_retired() {
  std::lock_guard lock(retired_mu_);
  std::erase_if(retired_, [](const std::unique_ptr<Listener>& l) {
    if (l->open_connections() > 0) return false;
    log::info("listener.released", {{"endpoint", l->endpoint()}});
    l->shutdown();
    return true;
  });
}

std::vector<ListenerSettings> Engine::reload_listeners(std::vector<ListenerSettings> wanted) {
  auto wanted_as = [&](const ListenerSettings& running) -> const ListenerSettings* {
    for (const ListenerSettings& w : wanted) {
      if (w.name == running.name) return &w;
    }
    return nullptr;
  };
  release_retired();
  // Changed and removed listeners stop accepting first: a changed one may keep its port.
  std::vector<std::unique_ptr<Listener>> unchanged(listeners_.size());
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    const ListenerSettings& running = config_.listeners[i];
    const ListenerSettings* next = wanted_as(running);
    if (next != nullptr && next->type == running.type && next->text == running.text) {
      unchanged[i] = std::move(listeners_[i]);
      continue;
    }
    listeners_[i]->stop_accepting();
    log::info("listener.stopped", {{"name", running.name}, {"endpoint", listeners_[i]->endpoint()},
                                   {"reason", next == nullptr ? "removed" : "changed"}});
    std::lock_guard lock(retired_mu_);
    retired_.push_back(std::move(listeners_[i]));
  }
  std::vector<ListenerSettings> started;
  std::vector<std::unique_ptr<Listener>> running;
  for (ListenerSettings& w : wanted) {
    std::unique_ptr<Listener> listener;
    for (std::size_t i = 0; i < unchanged.size() && !listener; ++i) {
      if (unchanged[i] && config_.listeners[i].name == w.name) listener = std::move(unchanged[i]);
    }
    if (!listener) {
      // A listener stopped a moment ago closes its socket on its own strand: a
      // changed one keeping its port binds once that has happened.
      auto fresh = start_listener(w, kRebindWait);
      if (!fresh) {
        log::error("listener.start_failed", {{"name", w.name}, {"error", fresh.error().message}});
        continue;
      }
      listener = std::move(*fresh);
    }
    running.push_back(std::move(listener));
    started.push_back(std::move(w));
  }
  listeners_ = std::move(running);
  return started;
}

void Engine::run() {
  // Signals are caught before any listener opens its port: a client (or a test)
  // that sees the port open may stop the engine at once, and that must be clean.
  auto work = boost::asio::make_work_guard(io_);
  std::promise<int> stop_signal;
  boost::asio::signal_set signals(io_, SIGTERM, SIGINT);
  signals.async_wait([&stop_signal](const boost::system::error_code& ec, int number) {
    stop_signal.set_value(ec ? 0 : number);
  });
  // SIGHUP: reloads run on a thread of their own (they compile mappings and wait
  // for delivery to stop), one at a time.
  boost::asio::signal_set hangups(io_, SIGHUP);
  std::mutex reload_mu;                   // one reload at a time
  std::mutex reloads_mu;                  // guards `reloads` and `stopping`
  std::vector<std::thread> reloads;
  bool stopping = false;
  std::function<void()> wait_hangup = [&] {
    hangups.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      std::lock_guard lock(reloads_mu);
      if (stopping) return;
      reloads.emplace_back([this, &reload_mu] {
        std::lock_guard reload_lock(reload_mu);
        reload();
      });
      name_thread(reloads.back(), "lt-reload");
      wait_hangup();
    });
  };
  wait_hangup();
  // Once a second: retired listeners are let go of soon after their last
  // connection closes, not only at the next reload; the stats lines are due.
  boost::asio::steady_timer sweep(io_);
  std::atomic<bool> sweeping{true};
  std::function<void()> arm_sweep = [&] {
    sweep.expires_after(kReleaseSweep);
    sweep.async_wait([&](const boost::system::error_code& ec) {
      // Cancelled at shutdown, or fired just before: no new wait keeps the threads.
      if (ec || !sweeping) return;
      release_retired();
      stats_.tick(EngineStats::Clock::now(), intake_.counters(), delivery_.counters());
      arm_sweep();
    });
  };
  arm_sweep();

  apply(config_);
  delivery_.start(config_.destinations, registry_.destinations);
  for (const ListenerSettings& l : config_.listeners) {
    // At start a port that cannot be bound is a misconfiguration: fail at once.
    auto listener = start_listener(l, std::chrono::milliseconds(0));
    if (!listener) throw std::runtime_error(listener.error().message);
    listeners_.push_back(std::move(*listener));
  }
  log::info("engine.started", {{"config", config_.file.string()}, {"store", config_.store.path.string()},
                               {"listeners", listeners_.size()}, {"routes", config_.routes->routes.size()},
                               {"destinations", config_.destinations.size()}, {"threads", config_.threads}});

  std::vector<std::thread> threads;
  for (unsigned i = 0; i < config_.threads; ++i) {
    threads.emplace_back([this] { io_.run(); });
    name_thread(threads.back(), "lt-net");
  }

  int number = stop_signal.get_future().get();
  log::info("engine.stopping", {{"signal", number == SIGINT ? "SIGINT" : "SIGTERM"}});
  {
    std::lock_guard lock(reloads_mu);
    stopping = true;
  }
  sweeping = false;
  boost::asio::post(io_, [&] {
    hangups.cancel();
    sweep.cancel();
  });
  for (auto& t : reloads) t.join();  // a reload under way finishes first

  for (auto& l : listeners_) l->stop_accepting();
  // Messages already submitted are answered (after their commit) before connections close.
  bool idle = intake_.wait_idle(std::chrono::seconds(10));
  intake_.stop();
  bool delivery_stopped = delivery_.stop(kDeliveryGrace);
  if (retention_) retention_->stop();
  for (auto& l : listeners_) l->shutdown();
  {
    std::lock_guard lock(retired_mu_);
    for (auto& l : retired_) l->shutdown();
  }
  work.reset();
  // Give sessions a moment to write their last answers and close; then stop the loop.
  std::promise<void> drained;
  auto drained_future = drained.get_future();
  std::thread waiter([&] {
    for (auto& t : threads) t.join();
    drained.set_value();
  });
  if (drained_future.wait_for(std::chrono::seconds(3)) != std::future_status::ready) io_.stop();
  waiter.join();
  listeners_.clear();
  {
    std::lock_guard lock(retired_mu_);
    retired_.clear();
  }
  store_.close();

  IntakeCounters c = intake_.counters();
  log::info("engine.stopped", {{"received", c.received}, {"accepted", c.accepted}, {"rejected", c.rejected},
                               {"errors", c.errors}, {"duplicates", c.duplicates}, {"store_errors", c.store_errors},
                               {"drained", idle ? "yes" : "no"}, {"delivery_stopped", delivery_stopped ? "yes" : "no"}});
}

}  // namespace lienthong::core
