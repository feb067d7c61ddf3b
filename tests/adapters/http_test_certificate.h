// A self-signed certificate for the TLS tests of the HTTP destination, made at
// test time by the openssl command (tests skip with a warning without it).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/adapters/http_test_server.h"

namespace lienthong::testing {

// A certificate for localhost and 127.0.0.1 with its key, made once per run;
// nullopt when there is no openssl command.
inline std::optional<HttpTestServer::Tls> self_signed() {
  static const std::optional<HttpTestServer::Tls> made = []() -> std::optional<HttpTestServer::Tls> {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) return std::nullopt;
    const std::filesystem::path dir = std::filesystem::path(LIENTHONG_BINARY_DIR) / "test-work" / "http_tls";
    std::filesystem::create_directories(dir);
    HttpTestServer::Tls tls{(dir / "cert.pem").string(), (dir / "key.pem").string()};
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost"
        " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" + tls.key_file + "' -out '" + tls.cert_file +
        "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) return std::nullopt;
    return tls;
  }();
  return made;
}

}  // namespace lienthong::testing
