#include "adapters/mllp/mllp_listener_type.h"

#include <stdexcept>

#include "adapters/mllp/mllp_listener.h"
#include "adapters/mllp/mllp_listener_config_reader.h"
#include "engine/core/log.h"

namespace lienthong::adapters::mllp {
namespace {

// How long shutdown() waits for in-flight answers before closing connections.
constexpr std::chrono::seconds kShutdownGrace{10};

core::log::Level to_core(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return core::log::Level::kDebug;
    case LogLevel::kInfo: return core::log::Level::kInfo;
    case LogLevel::kWarning: return core::log::Level::kWarning;
    case LogLevel::kError: return core::log::Level::kError;
  }
  return core::log::Level::kInfo;
}

// Adapter lines are "event=NAME k=v ..."; core::log takes the event apart from
// a fixed field list, so the rest travels as one field.
void log_to_core(LogLevel level, const std::string& line) {
  const core::log::Level core_level = to_core(level);
  if (!core::log::enabled(core_level)) return;
  std::string_view text = line;
  std::string_view event = "mllp";
  if (text.rfind("event=", 0) == 0) {
    const std::size_t end = text.find(' ');
    event = text.substr(6, end == std::string_view::npos ? std::string_view::npos : end - 6);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  core::log::write(core_level, event, {core::log::Field("detail", text)});
}

class CoreMllpListener : public core::Listener {
 public:
  CoreMllpListener(boost::asio::io_context& io, const MllpListenerConfig& config, core::MessageSink& sink)
      : host_(config.host), listener_(io, config, sink, log_to_core) {}

  Status start() { return listener_.start(); }
  std::string endpoint() const override { return host_ + ":" + std::to_string(listener_.port()); }
  void stop_accepting() override { listener_.stop_accepting(); }
  void shutdown() override { listener_.shutdown(kShutdownGrace, [] {}); }

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
