// Engine: the running intake service. Owns the io_context and its threads, the
// Intake and the listeners created from the config through the registry; the
// store is handed in (the CLI opens the concrete one).
//
// run() blocks until SIGTERM or SIGINT, then shuts down in
// order: stop accepting, answer what is in flight, close connections, stop the
// threads, close the store (its queued appends finish first).
//
// Thread-safety: construct, run() and destroy on one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/intake.h"
#include "engine/core/listener_registry.h"
#include "engine/store/store.h"

namespace lienthong::core {

class Engine {
 public:
  Engine(const EngineConfig& config, const ListenerRegistry& registry, store::Store& store);
  ~Engine();

  // Starts the listeners (throws std::runtime_error when one cannot bind), then
  // serves until a stop signal. Returns after a clean shutdown.
  void run();

  Intake& intake() { return intake_; }

 private:
  const EngineConfig& config_;
  const ListenerRegistry& registry_;
  store::Store& store_;
  Intake intake_;
  // Sized to the threads that run it: with one, Asio queues what completes at
  // once on that thread without locking or waking anyone.
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace lienthong::core
