// MllpDestinationConfig: one "mllp" destination's own settings, with its config keys,
// types, defaults and rules declared beside the struct (kMllpDestinationKeys), and the
// reader that fills it from the destination's object in the configuration file. The
// keys every destination has (name, type, concurrency, retries, stop_on_dead) are the
// core's (engine/core/destination.h); they are not read here.
//
// Thread-safety: plain value; the reader runs at start-up only, like ConfigObject.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/mllp/mllp_listener_config.h"
#include "engine/core/config_reader.h"

namespace lienthong::adapters::mllp {

// What a negative ACK becomes: a later retry, or the dead letter at once.
enum class NegativeAckPolicy : std::uint8_t { kRetry, kDead };

struct MllpDestinationConfig {
  std::string host;                   // name or address of the peer
  std::uint16_t port = 0;
  std::size_t connections = 1;        // worker threads, each with its own connection
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds ack_timeout{30000};  // from the end of the write
  NegativeAckPolicy on_ae = NegativeAckPolicy::kRetry;  // AE, and CE in enhanced mode
  NegativeAckPolicy on_ar = NegativeAckPolicy::kDead;   // AR, and CR in enhanced mode
};

inline constexpr ConfigKey kMllpDestinationKeys[] = {
    {"host", "string", "(required)", "host name or IP address of the peer"},
    {"port", "integer", "(required)", "1..65535"},
    {"connections", "integer", "1", "1..64; connections (and threads) sending at once"},
    {"connect_timeout", "duration", "\"5s\"", "1ms..10m"},
    {"ack_timeout", "duration", "\"30s\"", "1ms..1h; from the end of the write to the matching ACK"},
    {"on_ae", "string", "\"retry\"", "\"retry\" | \"dead\": what an AE (or CE) answer becomes"},
    {"on_ar", "string", "\"dead\"", "\"retry\" | \"dead\": what an AR (or CR) answer becomes"},
};

// Reads the keys of kMllpDestinationKeys; mistakes are recorded in the object's
// document with file and JSON path. Values in error keep their defaults.
MllpDestinationConfig read_mllp_destination_config(const core::ConfigObject& object);

}  // namespace lienthong::adapters::mllp
