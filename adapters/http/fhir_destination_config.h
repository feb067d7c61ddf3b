// FhirDestinationConfig: one "fhir" destination's own settings (the common keys
// name/type/concurrency/retries/stop_on_dead are the core's), with its config
// keys, types, defaults and rules declared beside the struct
// (kFhirDestinationKeys) so the reader, `lienthong check` and
// docs/destinations.md read them from one place.
//
// Secrets: `authorization` and `proxy_authorization` hold the resolved header
// values (read from environment variables at parse time). Nothing prints it; the config
// file only ever names the variable.
//
// Thread-safety: plain value.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/base_url.h"

namespace lienthong::adapters::http {

enum class FhirMode : unsigned char {
  kTransaction,  // POST the Bundle to the base URL
  kResources,    // each entry as its own request (entry.request.method + url), in order
};

struct FhirDestinationConfig {
  BaseUrl url;
  FhirMode mode = FhirMode::kTransaction;
  std::string authorization;  // "Bearer ..." / "Basic ..." or empty; secret
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  std::chrono::milliseconds timeout{30000};          // connect + write + read of one request
  std::chrono::milliseconds connect_timeout{5000};   // resolve + connect + TLS handshake
  std::size_t max_connections = 8;                   // keep-alive pool size
  bool tls_verify = true;                            // verify the server's certificate and name
  std::string ca_file;                               // PEM CA bundle; empty: the system store
  std::optional<BaseUrl> proxy;                      // forward proxy (http://host:port); none: direct
  std::string proxy_authorization;                   // Proxy-Authorization value or empty; secret
};

// One config key: name, JSON type, default (as written in JSON) and rule.
struct FhirConfigKey {
  std::string_view name;
  std::string_view type;
  std::string_view default_value;
  std::string_view rule;
};

inline constexpr FhirConfigKey kFhirDestinationKeys[] = {
    {"url", "string", "(required)", "base URL: http:// or https://, host, optional port and path; no query"},
    {"mode", "string", "\"transaction\"", "\"transaction\" (POST the Bundle) | \"resources\" (one request per entry)"},
    {"auth", "object", "(none)", "{\"type\": \"bearer\", \"token_env\": VAR} | {\"type\": \"basic\", \"user\": U, \"password_env\": VAR}"},
    {"headers", "array", "[]", "extra headers: [{\"name\": N, \"value\": V}]; not Host, Content-Length, Transfer-Encoding, Connection"},
    {"timeout", "duration", "\"30s\"", "1ms..1h: connect + write + read of one request"},
    {"connect_timeout", "duration", "\"5s\"", "1ms..1h: resolve + connect + TLS handshake"},
    {"max_connections", "integer", "8", "1..256 keep-alive connections to the server"},
    {"tls_verify", "boolean", "true", "false only for tests: accept any certificate"},
    {"ca_file", "string", "(system store)", "PEM file of CA certificates to trust instead of the system's"},
    {"proxy", "string", "(none: direct)", "http://host:port of a forward proxy: http:// requests go through it, https:// through a CONNECT tunnel"},
    {"proxy_auth", "object", "(none)", "credentials for the proxy, with the keys of \"auth\" (sent as Proxy-Authorization to the proxy only); needs \"proxy\""},
};

// Keys of the "auth" object.
inline constexpr FhirConfigKey kFhirAuthKeys[] = {
    {"type", "string", "(required)", "\"bearer\" | \"basic\""},
    {"token_env", "string", "(bearer: required)", "environment variable holding the token"},
    {"user", "string", "(basic: required)", "user name"},
    {"password_env", "string", "(basic: required)", "environment variable holding the password"},
};

// "Basic " value for a user and password (RFC 7617: base64 of "user:password").
std::string basic_authorization(std::string_view user, std::string_view password);
std::string base64_encode(std::string_view bytes);

// True when `name` is an HTTP header name (RFC 9110 token).
bool is_header_name(std::string_view name);
// True when `value` can be sent as a header value (no CR, LF or NUL).
bool is_header_value(std::string_view value);

}  // namespace lienthong::adapters::http
