// MllpListenerConfig: one MLLP listener's settings, with its config keys, types,
// defaults and rules declared beside the struct (kMllpListenerKeys) so the
// config loader, `lienthong check` and the docs read them from one place.
//
// The engine's config reader (engine/core/config_reader.h) does not exist yet:
// until it does, the loader fills the struct and calls validate(), which returns
// every broken rule (empty = valid).
//
// Thread-safety: plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/charset/charset.h"
#include "engine/core/message_sink.h"

namespace lienthong::adapters::mllp {

struct MllpListenerConfig {
  std::string name;                      // listener name, becomes Inbound::source
  std::string host = "127.0.0.1";
  std::uint16_t port = 2575;             // 0: the OS picks one (tests); see MllpListener::port()
  std::string encoding = "auto";         // "auto" (MSH-18 decides) or a charset name
  std::string ack_mode = "auto";         // "auto" | "original" | "enhanced"
  std::string accept_ack = "always";     // "always" | "msh15" (docs/specs/ack.md ACK-6)
  bool strict = false;                   // strict HL7 parsing (parser.h)
  std::size_t max_frame_bytes = 16 * 1024 * 1024;
  std::size_t max_connections = 1024;
  std::int64_t idle_timeout_ms = 300000;  // no bytes and nothing in flight for this long: close
  std::int64_t read_timeout_ms = 30000;   // a started frame must end within this
  std::size_t max_in_flight = 64;         // messages awaiting an answer, per connection

  // Every broken rule as "key: what is wrong"; empty when the config is usable.
  std::vector<std::string> validate() const;

  // Resolved forms; meaningful only when validate() is empty.
  std::optional<charset::Charset> charset() const;  // nullopt for "auto"
  core::AckMode resolved_ack_mode() const;
};

// One config key: name, JSON type, default (as written in JSON) and rule.
struct ConfigKey {
  std::string_view name;
  std::string_view type;
  std::string_view default_value;
  std::string_view rule;
};

inline constexpr ConfigKey kMllpListenerKeys[] = {
    {"name", "string", "(required)", "non-empty; unique among listeners"},
    {"host", "string", "\"127.0.0.1\"", "IPv4/IPv6 address to bind"},
    {"port", "integer", "2575", "0..65535 (0: any free port)"},
    {"encoding", "string", "\"auto\"", "\"auto\" or a charset name (utf-8, cp1258, tcvn3, viscii, vni, latin1, ascii)"},
    {"ack_mode", "string", "\"auto\"", "\"auto\" | \"original\" | \"enhanced\""},
    {"accept_ack", "string", "\"always\"",
     "\"always\" (every message is answered) | \"msh15\" (only the commit answers MSH-15 asks for: ACK-6)"},
    {"strict", "boolean", "false", ""},
    {"max_frame_bytes", "integer", "16777216", ">= 1024"},
    {"max_connections", "integer", "1024", ">= 1"},
    {"idle_timeout_ms", "integer", "300000", ">= 1"},
    {"read_timeout_ms", "integer", "30000", ">= 1"},
    {"max_in_flight", "integer", "64", "1..65536"},
};

std::optional<core::AckMode> parse_ack_mode(std::string_view text);

}  // namespace lienthong::adapters::mllp
