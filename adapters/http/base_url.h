// BaseUrl: the FHIR server's base URL ("https://fhir.example.org:8443/r4"), split
// into what a connection needs (scheme, host, port) and what every request
// target starts with (path). Only http and https; no user info, query or
// fragment (a base URL with them is a configuration mistake, not something to
// pass through).
//
// Thread-safety: plain value; parse_base_url is a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace lienthong::adapters::http {

struct BaseUrl {
  bool tls = false;           // https
  std::string host;           // "fhir.example.org", "127.0.0.1", "::1" (no brackets)
  std::uint16_t port = 80;    // explicit or the scheme's default
  std::string path;           // "" or "/fhir" (never a trailing '/')

  // "Host" header value: the host (IPv6 in brackets) plus ":port" unless default.
  std::string host_header() const;
  // True when host is an IPv4 or IPv6 literal (no SNI, IP certificate check).
  bool host_is_ip() const;
  // Request target for a URL relative to the base: "" -> "/fhir" (or "/"),
  // "Patient?identifier=a|b" -> "/fhir/Patient?identifier=a|b".
  std::string target(std::string_view relative) const;
  // "https://host:port/path" without secrets (there are none in a base URL).
  std::string to_string() const;
};

// Error messages name the part that is wrong, e.g. "expected a URL starting with
// http:// or https://, found \"ftp://x\"".
Result<BaseUrl> parse_base_url(std::string_view text);

}  // namespace lienthong::adapters::http
