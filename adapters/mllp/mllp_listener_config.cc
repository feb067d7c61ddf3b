#include "adapters/mllp/mllp_listener_config.h"

#include <boost/asio/ip/address.hpp>

namespace lienthong::adapters::mllp {

std::optional<core::AckMode> parse_ack_mode(std::string_view text) {
  if (text == "auto") return core::AckMode::kAuto;
  if (text == "original") return core::AckMode::kOriginal;
  if (text == "enhanced") return core::AckMode::kEnhanced;
  return std::nullopt;
}

std::vector<std::string> MllpListenerConfig::validate() const {
  std::vector<std::string> errors;
  if (name.empty()) errors.push_back("name: must not be empty");
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) errors.push_back("host: \"" + host + "\" is not an IP address");
  if (encoding != "auto" && !charset::from_name(encoding)) {
    errors.push_back("encoding: \"" + encoding + "\" is not \"auto\" or a known charset");
  }
  if (!parse_ack_mode(ack_mode)) {
    errors.push_back("ack_mode: \"" + ack_mode + "\" is not one of auto, original, enhanced");
  }
  if (accept_ack != "always" && accept_ack != "msh15") {
    errors.push_back("accept_ack: \"" + accept_ack + "\" is not one of always, msh15");
  }
  if (max_frame_bytes < 1024) errors.push_back("max_frame_bytes: must be at least 1024");
  if (max_connections < 1) errors.push_back("max_connections: must be at least 1");
  if (idle_timeout_ms < 1) errors.push_back("idle_timeout_ms: must be at least 1");
  if (read_timeout_ms < 1) errors.push_back("read_timeout_ms: must be at least 1");
  if (max_in_flight < 1 || max_in_flight > 65536) errors.push_back("max_in_flight: must be 1..65536");
  return errors;
}

std::optional<charset::Charset> MllpListenerConfig::charset() const {
  if (encoding == "auto") return std::nullopt;
  return charset::from_name(encoding);
}

core::AckMode MllpListenerConfig::resolved_ack_mode() const {
  return parse_ack_mode(ack_mode).value_or(core::AckMode::kAuto);
}

}  // namespace lienthong::adapters::mllp
