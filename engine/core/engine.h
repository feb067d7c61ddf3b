// Engine: the running service. Owns the io_context and its threads, the
// Intake (with the Router built from the routes), the Delivery (a scheduler per
// destination), Retention, and the listeners created through the registry; the
// store is handed in (the CLI opens the concrete one).
//
// run() blocks until SIGTERM or SIGINT, then shuts down in order: stop
// accepting, answer what is in flight, stop delivery (attempts in flight are
// cut short and stay pending), close connections, stop the threads, close the
// store (its queued writes finish first). SIGHUP reloads the configuration file:
// routes, mappings, destinations and retention are replaced when the new
// configuration has no error (otherwise every error is logged and the running
// one stays); listeners and connections are kept (a change to listeners or the
// store needs a restart and is logged as such).
//
// Thread-safety: construct, run() and destroy on one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "engine/core/adapter_registry.h"
#include "engine/core/config.h"
#include "engine/core/delivery.h"
#include "engine/core/intake.h"
#include "engine/core/retention.h"
#include "engine/store/store.h"

namespace lienthong::core {

class Engine {
 public:
  Engine(const EngineConfig& config, const AdapterRegistry& registry, store::Store& store);
  ~Engine();

  // Starts the listeners (throws std::runtime_error when one cannot bind), then
  // serves until a stop signal. Returns after a clean shutdown.
  void run();

  Intake& intake() { return intake_; }

 private:
  void apply(const EngineConfig& config);  // router, delivery, retention
  void reload();

  EngineConfig config_;
  const AdapterRegistry& registry_;
  store::Store& store_;
  Intake intake_;
  // Sized to the threads that run it: with one, Asio queues what completes at
  // once on that thread without locking or waking anyone.
  boost::asio::io_context io_;
  Delivery delivery_;
  std::shared_ptr<Retention> retention_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace lienthong::core
