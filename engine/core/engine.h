// Engine: the running service. Owns the io_context and its threads, the
// Intake (with the Router built from the routes), the Delivery (a scheduler per
// destination), Retention, and the listeners created through the registry; the
// store is handed in (the CLI opens the concrete one).
//
// run() blocks until SIGTERM or SIGINT, then shuts down in order: stop
// accepting, answer what is in flight, stop delivery (attempts in flight are
// cut short and stay pending), close connections, stop the threads, close the
// store (its queued writes finish first). SIGHUP reloads the configuration file
// (docs/specs/delivery.md DLV-8): routes, mappings, destinations and retention
// are replaced when the new configuration has no error (otherwise every error
// is logged and the running one stays). A listener whose config object did not
// change keeps running; one that changed or went away stops accepting, and its
// open connections are served until they close (it is let go of within a second
// after that) or the engine stops; new and
// changed ones start (one that cannot bind within 2 s is logged, the rest go on). The
// store and the thread count need a restart (logged as such).
//
// Thread-safety: construct, run() and destroy on one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/core/adapter_registry.h"
#include "engine/core/config.h"
#include "engine/core/delivery.h"
#include "engine/core/engine_stats.h"
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
  // Makes the running listeners those of `wanted` (see above); returns the
  // settings of the ones that run, in the order of `wanted`.
  std::vector<ListenerSettings> reload_listeners(std::vector<ListenerSettings> wanted);
  // A listener of `settings`, bound and accepting, or why not; a bind that fails
  // is tried again for up to `patience` (a listener just stopped may still hold
  // the port).
  Result<std::unique_ptr<Listener>> start_listener(const ListenerSettings& settings, std::chrono::milliseconds patience);
  // Lets go of retired listeners whose last connection has closed (no new ones
  // come: they stopped accepting). Run every second and at each reload.
  void release_retired();

  EngineConfig config_;
  const AdapterRegistry& registry_;
  store::Store& store_;
  Intake intake_;
  // Sized to the threads that run it: with one, Asio queues what completes at
  // once on that thread without locking or waking anyone.
  boost::asio::io_context io_;
  Delivery delivery_;
  std::shared_ptr<Retention> retention_;
  std::vector<std::unique_ptr<Listener>> listeners_;  // one per config_.listeners entry
  // Stopped accepting at a reload; their connections are served until they close
  // (then release_retired() lets go of them) or the engine stops. Guarded by
  // retired_mu_: reloads, the sweep timer and shutdown touch it from their threads.
  std::mutex retired_mu_;
  std::vector<std::unique_ptr<Listener>> retired_;
  EngineStats stats_;  // ticked by the once-a-second timer of run()
};

}  // namespace lienthong::core
