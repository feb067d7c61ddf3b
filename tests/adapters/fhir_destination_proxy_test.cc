// The "fhir" destination through a forward proxy (adapters/http/http_connection.h):
// plain http:// with the absolute URL, https:// through a CONNECT tunnel, and a
// proxy that refuses the tunnel. The proxy and the server are real loopback ones.
#include <catch2/catch.hpp>

#include "tests/adapters/http_test_certificate.h"
#include "tests/adapters/http_test_proxy.h"
#include "tests/adapters/http_test_server.h"
#include "tests/adapters/http_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::http::FhirDestination;
using core::Verdict;

// The end of a destination object: credentials for its proxy (see proxy_credentials()).
constexpr char kProxyAuth[] =
    R"(, "proxy_auth": {"type": "basic", "user": "lienthong", "password_env": "LT_TEST_PROXY_PASSWORD"}})";

// Puts the password kProxyAuth names in the environment; returns the header value it makes.
std::string proxy_credentials() {
  setenv("LT_TEST_PROXY_PASSWORD", "pr0xy-pass", 1);
  return adapters::http::basic_authorization("lienthong", "pr0xy-pass");
}

// Delivers one transaction Bundle through a destination made of `config`.
core::DeliveryResult deliver_through(ClientIo& io, const std::string& config) {
  FhirDestination destination(io.io(), "ehr", fhir_config(config));
  return deliver_one(destination, fhir_item(1, kTransactionBundle));
}

TEST_CASE("fhir through a proxy: http:// with the absolute URL", "[http][fhir][proxy]") {
  ClientIo io;
  HttpTestServer server;
  server.set_default({200, {}, "{}"});
  HttpTestProxy proxy;
  FhirDestination destination(
      io.io(), "ehr", fhir_config(R"({"url": ")" + server.url() + R"(", "proxy": ")" + proxy.url() + "\"}"));
  for (std::int64_t id = 1; id <= 2; ++id) {
    core::DeliveryResult result = deliver_one(destination, fhir_item(id, kTransactionBundle));
    CHECK(result.verdict == Verdict::kOk);
    CHECK(result.detail == "HTTP 200");
  }
  // Each request reached the proxy with the full URL and the server in origin form.
  const std::string absolute = "POST http://127.0.0.1:" + std::to_string(server.port()) + "/fhir HTTP/1.1";
  CHECK(proxy.request_lines() == std::vector<std::string>{absolute, absolute});
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[0].target == "/fhir");
  CHECK(server.requests()[0].body == kTransactionBundle);
  CHECK(server.requests()[0].header("host") == "127.0.0.1:" + std::to_string(server.port()));
}

TEST_CASE("fhir through a proxy: https:// through a CONNECT tunnel, or the proxy's refusal", "[http][fhir][proxy][tls]") {
  const std::optional<HttpTestServer::Tls> tls = self_signed();
  if (!tls) {
    WARN("no usable openssl command: TLS proxy test skipped");
    return;
  }
  ClientIo io;
  HttpTestServer server(tls);
  server.set_default({201, {}, "{}"});
  HttpTestProxy proxy;
  const std::string authority = "localhost:" + std::to_string(server.port());
  // By host name: the certificate is checked against it (SNI) through the tunnel.
  const std::string config = R"({"url": "https://)" + authority + R"(/fhir", "ca_file": ")" + tls->cert_file +
                             R"(", "proxy": ")" + proxy.url() + "\"}";

  SECTION("the tunnel carries TLS end to end") {
    FhirDestination destination(io.io(), "ehr", fhir_config(config));
    core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
    CHECK(result.verdict == Verdict::kOk);
    CHECK(result.detail == "HTTP 201");
    result = deliver_one(destination, fhir_item(2, kTransactionBundle));  // kept alive: no second CONNECT
    CHECK(result.verdict == Verdict::kOk);
    CHECK(proxy.request_lines() == std::vector<std::string>{"CONNECT " + authority + " HTTP/1.1"});
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests()[1].target == "/fhir");
    CHECK(server.requests()[1].body == kTransactionBundle);
  }
  SECTION("a refused CONNECT is retried later, with the proxy's answer as the reason") {
    proxy.refuse_connect(403);
    FhirDestination destination(io.io(), "ehr", fhir_config(config));
    core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
    CHECK(result.verdict == Verdict::kRetry);
    CHECK(result.detail == "proxy: CONNECT " + authority + " answered 403 Refused by test proxy");
    CHECK(server.requests().empty());
  }
}

TEST_CASE("fhir through a proxy: credentials go to the proxy only; without them 407 is retried",
          "[http][fhir][proxy][auth]") {
  const std::string credentials = proxy_credentials();
  ClientIo io;
  HttpTestServer server;
  server.set_default({200, {}, "{}"});
  HttpTestProxy proxy;
  proxy.require_credentials(credentials);
  const std::string base = R"({"url": ")" + server.url() + R"(", "proxy": ")" + proxy.url() + "\"";

  SECTION("with them, the request goes through and the server never sees them") {
    core::DeliveryResult result = deliver_through(io, base + kProxyAuth);
    CHECK(result.verdict == Verdict::kOk);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].header("proxy-authorization").empty());
    CHECK(server.requests()[0].body == kTransactionBundle);
  }
  SECTION("without them, the proxy's 407 is a retry, not a dead item") {
    core::DeliveryResult result = deliver_through(io, base + "}");
    CHECK(result.verdict == Verdict::kRetry);
    CHECK(result.detail == "HTTP 407");
    CHECK(server.requests().empty());
  }
}

TEST_CASE("fhir through a proxy: a tunnel needs the proxy's credentials too", "[http][fhir][proxy][tls][auth]") {
  const std::optional<HttpTestServer::Tls> tls = self_signed();
  if (!tls) {
    WARN("no usable openssl command: TLS proxy test skipped");
    return;
  }
  ClientIo io;
  HttpTestServer server(tls);
  server.set_default({201, {}, "{}"});
  HttpTestProxy proxy;
  proxy.require_credentials(proxy_credentials());
  const std::string authority = "localhost:" + std::to_string(server.port());
  const std::string base = R"({"url": "https://)" + authority + R"(/fhir", "ca_file": ")" + tls->cert_file +
                           R"(", "proxy": ")" + proxy.url() + "\"";
  SECTION("given") {
    core::DeliveryResult result = deliver_through(io, base + kProxyAuth);
    CHECK(result.verdict == Verdict::kOk);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].header("proxy-authorization").empty());
  }
  SECTION("missing") {
    core::DeliveryResult result = deliver_through(io, base + "}");
    CHECK(result.verdict == Verdict::kRetry);
    CHECK(result.detail == "proxy: CONNECT " + authority + " answered 407 Proxy Authentication Required");
    CHECK(server.requests().empty());
  }
}

TEST_CASE("fhir through a proxy: an unreachable proxy is a connect failure", "[http][fhir][proxy]") {
  ClientIo io;
  HttpTestServer server;
  std::uint16_t closed_port = 0;
  {
    HttpTestProxy gone;  // a port that was just free and is closed again
    closed_port = gone.port();
  }
  FhirDestination destination(io.io(), "ehr",
                              fhir_config(R"({"url": ")" + server.url() + R"(", "proxy": "http://127.0.0.1:)" +
                                          std::to_string(closed_port) + R"(", "connect_timeout": "2s"})"));
  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kRetry);
  CHECK(result.detail.rfind("connect: ", 0) == 0);
  CHECK(server.requests().empty());
}

}  // namespace
}  // namespace lienthong::testing
