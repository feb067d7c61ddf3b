// The "fhir" destination over https: a server with a self-signed certificate
// made at test time by the openssl command (skipped with a warning without it).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "tests/adapters/http_test_server.h"
#include "tests/adapters/http_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::http::FhirDestination;
using core::Verdict;

// A certificate for localhost and 127.0.0.1 with its key, made once per run;
// nullopt when there is no openssl command.
std::optional<HttpTestServer::Tls> self_signed() {
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

core::DeliveryResult deliver_one(FhirDestination& destination) {
  Answers answers;
  destination.deliver(fhir_item(1, kTransactionBundle), answers.callback(1));
  REQUIRE(answers.wait(1));
  return answers.result(1);
}

TEST_CASE("fhir over TLS: verification on, off, and with a CA file", "[http][fhir][tls]") {
  const std::optional<HttpTestServer::Tls> tls = self_signed();
  if (!tls) {
    WARN("no usable openssl command: TLS test skipped");
    return;
  }
  ClientIo io;
  HttpTestServer server(tls);
  server.set_default({201, {}, "{}"});
  const std::string url = server.url();
  REQUIRE(url.rfind("https://", 0) == 0);

  SECTION("tls_verify false accepts the self-signed certificate") {
    FhirDestination destination(io.io(), "hapi", fhir_config(R"({"url": ")" + url + R"(", "tls_verify": false})"));
    core::DeliveryResult result = deliver_one(destination);
    CHECK(result.verdict == Verdict::kOk);
    CHECK(result.detail == "HTTP 201");
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].body == kTransactionBundle);
  }
  SECTION("verification against the system's CAs refuses it") {
    FhirDestination destination(io.io(), "hapi", fhir_config(R"({"url": ")" + url + R"("})"));
    core::DeliveryResult result = deliver_one(destination);
    CHECK(result.verdict == Verdict::kRetry);
    INFO(result.detail);
    CHECK(result.detail.rfind("tls: ", 0) == 0);
    CHECK(result.detail.find("certificate") != std::string::npos);
    CHECK(server.requests().empty());
  }
  SECTION("the certificate as ca_file is trusted, by IP and by host name (SNI)") {
    for (const std::string& base : {url, "https://localhost:" + std::to_string(server.port()) + "/fhir"}) {
      INFO(base);
      FhirDestination destination(
          io.io(), "hapi", fhir_config(R"({"url": ")" + base + R"(", "ca_file": ")" + tls->cert_file + "\"}"));
      core::DeliveryResult result = deliver_one(destination);
      CHECK(result.verdict == Verdict::kOk);
    }
    CHECK(server.requests().size() == 2);
  }
}

TEST_CASE("fhir over TLS: a keep-alive TLS connection serves many items", "[http][fhir][tls]") {
  const std::optional<HttpTestServer::Tls> tls = self_signed();
  if (!tls) {
    WARN("no usable openssl command: TLS test skipped");
    return;
  }
  ClientIo io;
  HttpTestServer server(tls);
  ScriptedResponse dropped{200, {}, "{}"};
  dropped.close = true;
  server.script({{201, {}, "{}"}, dropped});
  server.set_default({201, {}, "{}"});
  FhirDestination destination(io.io(), "hapi", fhir_config(R"({"url": ")" + server.url() + R"(", "tls_verify": false})"));
  for (int i = 0; i < 4; ++i) CHECK(deliver_one(destination).verdict == Verdict::kOk);
  // The second answer closed the connection: one reconnect, not a failure.
  CHECK(server.requests().size() == 4);
  CHECK(server.accepted() == 2);
}

}  // namespace
}  // namespace lienthong::testing
