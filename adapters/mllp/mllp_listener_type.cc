#include "adapters/mllp/mllp_listener_type.h"

#include <stdexcept>

#include "adapters/mllp/mllp_core_log.h"
#include "adapters/mllp/mllp_listener.h"
#include "adapters/mllp/mllp_listener_config_reader.h"

namespace lienthong::adapters::mllp {
namespace {

// How long shutdown() waits for in-flight answers before closing connections.
constexpr std::chrono::seconds kShutdownGrace{10};

class CoreMllpListener : public core::Listener {
 public:
  CoreMllpListener(boost::asio::io_context& io, const MllpListenerConfig& config, core::MessageSink& sink)
      : host_(config.host), listener_(io, config, sink, log_to_core) {}

  Status start() { return listener_.start(); }
  std::string endpoint() const override { return host_ + ":" + std::to_string(listener_.port()); }
  void stop_accepting() override { listener_.stop_accepting(); }
  void shutdown() override { listener_.shutdown(kShutdownGrace, [] {}); }
  std::size_t open_connections() const override { return listener_.stats().connections_open; }

 private:
  std::string host_;
  MllpListener listener_;
};

}  // namespace

core::ListenerType mllp_listener_type() {
  core::ListenerType type;
  type.parse = [](const core::ConfigObject& object) {
    MllpListenerConfig config = read_mllp_listener_config(object);
    core::ListenerSpec spec;
    spec.host = config.host;
    spec.port = config.port;
    spec.settings = std::move(config);
    return spec;
  };
  type.create = [](boost::asio::io_context& io, const core::ListenerSpec& spec,
                   core::MessageSink& sink) -> std::unique_ptr<core::Listener> {
    const auto& config = std::any_cast<const MllpListenerConfig&>(spec.settings);
    auto listener = std::make_unique<CoreMllpListener>(io, config, sink);
    if (Status started = listener->start(); !started.ok()) {
      throw std::runtime_error("listener " + config.name + ": " + started.error().to_string());
    }
    return listener;
  };
  return type;
}

}  // namespace lienthong::adapters::mllp
