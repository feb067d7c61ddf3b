// The "fhir" destination over https: a server with a self-signed certificate
// made at test time by the openssl command (skipped with a warning without it).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "tests/adapters/http_test_certificate.h"
#include "tests/adapters/http_test_server.h"
#include "tests/adapters/http_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::http::FhirDestination;
using core::Verdict;

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
    core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
    CHECK(result.verdict == Verdict::kOk);
    CHECK(result.detail == "HTTP 201");
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].body == kTransactionBundle);
  }
  SECTION("verification against the system's CAs refuses it") {
    FhirDestination destination(io.io(), "hapi", fhir_config(R"({"url": ")" + url + R"("})"));
    core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
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
      core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
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
  for (int i = 0; i < 4; ++i) CHECK(deliver_one(destination, fhir_item(1, kTransactionBundle)).verdict == Verdict::kOk);
  // The second answer closed the connection: one reconnect, not a failure.
  CHECK(server.requests().size() == 4);
  CHECK(server.accepted() == 2);
}

}  // namespace
}  // namespace lienthong::testing
