#include "adapters/mllp/mllp_destination_config.h"

namespace lienthong::adapters::mllp {
namespace {

NegativeAckPolicy read_policy(const core::ConfigObject& object, std::string_view key, NegativeAckPolicy fallback) {
  const std::string text = object.one_of(key, {"retry", "dead"}, fallback == NegativeAckPolicy::kRetry ? "retry" : "dead");
  return text == "retry" ? NegativeAckPolicy::kRetry : NegativeAckPolicy::kDead;
}

std::chrono::milliseconds read_milliseconds(const core::ConfigObject& object, std::string_view key,
                                            std::chrono::milliseconds fallback, std::chrono::milliseconds max) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      object.duration(key, fallback, std::chrono::milliseconds(1), max));
}

}  // namespace

MllpDestinationConfig read_mllp_destination_config(const core::ConfigObject& object) {
  MllpDestinationConfig config;
  config.host = object.required_string("host");
  if (auto port = object.optional_uint("port", 1, 65535)) {
    config.port = static_cast<std::uint16_t>(*port);
  } else if (!object.has("port")) {
    object.error("port", "missing required key");
  }
  config.connections = object.uint("connections", config.connections, 1, 64);
  config.connect_timeout = read_milliseconds(object, "connect_timeout", config.connect_timeout, std::chrono::minutes(10));
  config.ack_timeout = read_milliseconds(object, "ack_timeout", config.ack_timeout, std::chrono::hours(1));
  config.on_ae = read_policy(object, "on_ae", config.on_ae);
  config.on_ar = read_policy(object, "on_ar", config.on_ar);
  return config;
}

}  // namespace lienthong::adapters::mllp
