#include "adapters/mllp/mllp_listener_config_reader.h"

#include <boost/asio/ip/address.hpp>

namespace lienthong::adapters::mllp {

MllpListenerConfig read_mllp_listener_config(const core::ConfigObject& object) {
  MllpListenerConfig config;
  // The loader requires "name" for every listener type and reports it missing;
  // asking again would report it twice.
  config.name = object.string("name");
  config.host = object.string("host", config.host);
  boost::system::error_code ec;
  boost::asio::ip::make_address(config.host, ec);
  if (ec) object.error("host", "expected an IPv4 or IPv6 address, found \"" + config.host + "\"");
  config.port = static_cast<std::uint16_t>(object.uint("port", config.port, 0, 65535));
  config.encoding = object.string("encoding", config.encoding);
  if (config.encoding != "auto" && !charset::from_name(config.encoding)) {
    object.error("encoding", "expected \"auto\" or one of utf-8, cp1258, tcvn3, viscii, vni, latin1, ascii, found \"" +
                                 config.encoding + "\"");
    config.encoding = "auto";
  }
  config.ack_mode = object.one_of("ack_mode", {"auto", "original", "enhanced"}, config.ack_mode);
  config.accept_ack = object.one_of("accept_ack", {"always", "msh15"}, config.accept_ack);
  config.strict = object.boolean("strict", config.strict);
  config.max_frame_bytes = object.uint("max_frame_bytes", config.max_frame_bytes, 1024, 1ULL << 30);
  config.max_connections = object.uint("max_connections", config.max_connections, 1, 1000000);
  constexpr std::uint64_t kDayMs = 24ULL * 3600 * 1000;
  config.idle_timeout_ms = static_cast<std::int64_t>(object.uint("idle_timeout_ms", 300000, 1, kDayMs));
  config.read_timeout_ms = static_cast<std::int64_t>(object.uint("read_timeout_ms", 30000, 1, kDayMs));
  config.max_in_flight = object.uint("max_in_flight", config.max_in_flight, 1, 65536);
  return config;
}

}  // namespace lienthong::adapters::mllp
