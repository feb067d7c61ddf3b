#include "engine/core/engine.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <future>
#include <stdexcept>
#include <thread>

#include "engine/core/log.h"

namespace lienthong::core {

Engine::Engine(const EngineConfig& config, const ListenerRegistry& registry, store::Store& store)
    : config_(config),
      registry_(registry),
      store_(store),
      intake_(store),
      io_(static_cast<int>(config.threads == 0 ? 1 : config.threads)) {}

Engine::~Engine() = default;

void Engine::run() {
  // Signals are caught before any listener opens its port: a client (or a test)
  // that sees the port open may stop the engine at once, and that must be clean.
  auto work = boost::asio::make_work_guard(io_);
  std::promise<int> stop_signal;
  boost::asio::signal_set signals(io_, SIGTERM, SIGINT);
  signals.async_wait([&stop_signal](const boost::system::error_code& ec, int number) {
    stop_signal.set_value(ec ? 0 : number);
  });

  for (const ListenerSettings& l : config_.listeners) {
    const ListenerType* type = registry_.find(l.type);
    if (type == nullptr) throw std::runtime_error("listener \"" + l.name + "\": unknown type \"" + l.type + "\"");
    listeners_.push_back(type->create(io_, l.spec, intake_));
    log::info("listener.started", {{"name", l.name}, {"type", l.type}, {"endpoint", listeners_.back()->endpoint()}});
  }
  log::info("engine.started", {{"config", config_.file.string()}, {"store", config_.store.path.string()},
                               {"listeners", listeners_.size()}, {"threads", config_.threads}});

  std::vector<std::thread> threads;
  for (unsigned i = 0; i < config_.threads; ++i) threads.emplace_back([this] { io_.run(); });

  int number = stop_signal.get_future().get();
  log::info("engine.stopping", {{"signal", number == SIGINT ? "SIGINT" : "SIGTERM"}});

  for (auto& l : listeners_) l->stop_accepting();
  // Messages already submitted are answered (after their commit) before connections close.
  bool idle = intake_.wait_idle(std::chrono::seconds(10));
  intake_.stop();
  for (auto& l : listeners_) l->shutdown();
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
  store_.close();

  IntakeCounters c = intake_.counters();
  log::info("engine.stopped", {{"received", c.received}, {"accepted", c.accepted}, {"rejected", c.rejected},
                               {"duplicates", c.duplicates}, {"store_errors", c.store_errors},
                               {"drained", idle ? "yes" : "no"}});
}

}  // namespace lienthong::core
