// The "fhir" destination's keys: defaults, every key, mistakes with their JSON
// paths, secrets from the environment (and the headers they become on the wire).
#include <catch2/catch.hpp>

#include <cstdlib>

#include "adapters/http/fhir_destination_type.h"
#include "tests/adapters/http_test_server.h"
#include "tests/adapters/http_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::http::FhirDestination;
using adapters::http::FhirDestinationConfig;
using adapters::http::FhirMode;

// Reads destinations[0] of `json` as the core's loader will, then finish().
std::vector<std::string> errors_of(const std::string& json) {
  auto doc = core::ConfigDocument::parse(json, "lienthong.json");
  for (const core::ConfigObject& destination : doc.root().objects("destinations")) {
    destination.accept("name");
    destination.accept("type");
    adapters::http::read_fhir_destination_config(destination);
    destination.finish();
  }
  return doc.errors();
}

std::string joined(const std::vector<std::string>& errors) {
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  return all;
}

TEST_CASE("fhir config: defaults and every key", "[http][config]") {
  FhirDestinationConfig defaults = fhir_config(R"({"url": "http://127.0.0.1:8080/fhir"})");
  CHECK(defaults.url.port == 8080);
  CHECK(defaults.mode == FhirMode::kTransaction);
  CHECK(defaults.authorization.empty());
  CHECK(defaults.headers.empty());
  CHECK(defaults.timeout == std::chrono::seconds(30));
  CHECK(defaults.connect_timeout == std::chrono::seconds(5));
  CHECK(defaults.max_connections == 8);
  CHECK(defaults.tls_verify);
  CHECK(defaults.ca_file.empty());
  CHECK_FALSE(defaults.proxy.has_value());

  FhirDestinationConfig all = fhir_config(R"({
    "url": "https://fhir.example.org/r4", "mode": "resources", "timeout": "10s", "connect_timeout": 1500,
    "max_connections": 2, "tls_verify": false, "proxy": "http://proxy.bv.local:3128",
    "headers": [{"name": "X-Source", "value": "his-1"}],
  })");
  CHECK(all.url.tls);
  CHECK(all.mode == FhirMode::kResources);
  CHECK(all.timeout == std::chrono::seconds(10));
  CHECK(all.connect_timeout == std::chrono::milliseconds(1500));
  CHECK(all.max_connections == 2);
  CHECK_FALSE(all.tls_verify);
  REQUIRE(all.headers.size() == 1);
  CHECK(all.headers[0].first == "X-Source");
  REQUIRE(all.proxy.has_value());
  CHECK(all.proxy->host == "proxy.bv.local");
  CHECK(all.proxy->port == 3128);
}

TEST_CASE("fhir config: mistakes name file, JSON path and what is wrong", "[http][config]") {
  unsetenv("LT_TEST_UNSET_TOKEN");
  SECTION("missing url") {
    auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir"}]})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "lienthong.json: $.destinations[0].url: missing required key");
  }
  SECTION("bad scheme") {
    auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "ftp://h/fhir"}]})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "lienthong.json: $.destinations[0].url: expected a URL starting with http:// or "
                       "https://, found \"ftp://h/fhir\"");
  }
  SECTION("a proxy that is not http://host:port") {
    for (const char* proxy : {"https://p:3128", "http://p:3128/x", "p:3128"}) {
      INFO(proxy);
      auto errors = errors_of(std::string(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h/", "proxy": ")") +
                              proxy + "\"}]}");
      REQUIRE(errors.size() == 1);
      CHECK(errors[0].rfind("lienthong.json: $.destinations[0].proxy: expected ", 0) == 0);
    }
  }
  SECTION("proxy credentials without a proxy, or with an unset variable") {
    auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h/",
      "proxy_auth": {"type": "basic", "user": "u", "password_env": "PATH"}}]})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "lienthong.json: $.destinations[0].proxy_auth: credentials for a proxy, but no \"proxy\" is set");
    errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h/", "proxy": "http://p:3128",
      "proxy_auth": {"type": "basic", "user": "u", "password_env": "LT_TEST_UNSET_TOKEN"}}]})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "lienthong.json: $.destinations[0].proxy_auth.password_env: environment variable "
                       "LT_TEST_UNSET_TOKEN is not set");
  }
  SECTION("bad port") {
    auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h:70000/"}]})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "lienthong.json: $.destinations[0].url: expected a port 1..65535, found \"70000\"");
  }
  SECTION("unknown keys, here and in auth") {
    auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h/",
      "colour": "blue", "auth": {"type": "bearer", "token": "x", "token_env": "PATH"}}]})");
    const std::string all = joined(errors);
    INFO(all);
    CHECK(errors.size() == 2);
    CHECK(all.find("lienthong.json: $.destinations[0].colour: unknown key") != std::string::npos);
    CHECK(all.find("lienthong.json: $.destinations[0].auth.token: unknown key") != std::string::npos);
  }
  SECTION("missing environment variable") {
    auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h/",
      "auth": {"type": "bearer", "token_env": "LT_TEST_UNSET_TOKEN"}}]})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] ==
          "lienthong.json: $.destinations[0].auth.token_env: environment variable LT_TEST_UNSET_TOKEN is not set");
  }
  SECTION("wrong types and ranges") {
    auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h/",
      "mode": "batch", "timeout": "soon", "max_connections": 0, "tls_verify": "no",
      "auth": {"type": "digest"}, "headers": [{"name": "Bad Name", "value": "v"}, {"name": "Host", "value": "x"}],
      "ca_file": "/nonexistent/ca.pem"}]})");
    const std::string all = joined(errors);
    INFO(all);
    for (const char* path : {".mode:", ".timeout:", ".max_connections:", ".tls_verify:", ".auth.type:",
                             ".headers[0].name:", ".headers[1].name:", ".ca_file:"}) {
      CHECK(all.find(std::string("$.destinations[0]") + path) != std::string::npos);
    }
  }
}

TEST_CASE("fhir config: a secret never appears in an error", "[http][config]") {
  setenv("LT_TEST_SECRET", "hunter2-secret", 1);
  auto errors = errors_of(R"({"destinations": [{"name": "a", "type": "fhir", "url": "http://h/",
    "auth": {"type": "basic", "user": "a:b", "password_env": "LT_TEST_SECRET"},
    "headers": [{"name": "Authorization", "value": "x"}]}]})");
  const std::string all = joined(errors);
  INFO(all);
  CHECK(errors.size() == 2);  // ':' in the user, Authorization given twice
  CHECK(all.find("hunter2") == std::string::npos);
}

TEST_CASE("fhir: bearer and basic auth and extra headers go on every request", "[http][fhir][auth]") {
  setenv("LT_TEST_TOKEN", "t0ken-value", 1);
  setenv("LT_TEST_PASSWORD", "pw", 1);
  ClientIo io;
  HttpTestServer server;
  server.set_default({201, {}, "{}"});
  {
    FhirDestination bearer(io.io(), "a", fhir_config(R"({"url": ")" + server.url() + R"(",
      "auth": {"type": "bearer", "token_env": "LT_TEST_TOKEN"},
      "headers": [{"name": "X-Source", "value": "his-1"}]})"));
    Answers answers;
    bearer.deliver(fhir_item(1, kTransactionBundle), answers.callback(1));
    REQUIRE(answers.wait(1));
  }
  {
    FhirDestination basic(io.io(), "b", fhir_config(R"({"url": ")" + server.url() + R"(",
      "auth": {"type": "basic", "user": "lis", "password_env": "LT_TEST_PASSWORD"}})"));
    Answers answers;
    basic.deliver(fhir_item(2, kTransactionBundle), answers.callback(2));
    REQUIRE(answers.wait(1));
  }
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].header("authorization") == "Bearer t0ken-value");
  CHECK(requests[0].header("x-source") == "his-1");
  CHECK(requests[1].header("authorization") == "Basic bGlzOnB3");  // base64("lis:pw")
  CHECK(requests[1].header("x-source").empty());
}

TEST_CASE("fhir: the registry entry parses, accepts FHIR JSON only and creates", "[http][fhir]") {
  core::DestinationType type = adapters::http::fhir_destination_type();
  CHECK(type.accepts == std::vector<std::string>{core::kContentFhirJson});
  auto doc = core::ConfigDocument::parse(R"({"url": "https://127.0.0.1:1/fhir", "ca_file": "/nonexistent"})",
                                         "lienthong.json");
  std::any settings = type.parse(doc.root());
  CHECK(doc.errors().size() == 1);  // the ca_file
  boost::asio::io_context io;
  // A CA file that cannot be loaded is found when the TLS context is made.
  CHECK_THROWS_AS(type.create(io, "x", settings), std::runtime_error);
  auto fine = core::ConfigDocument::parse(R"({"url": "http://127.0.0.1:1/fhir"})", "lienthong.json");
  auto destination = type.create(io, "y", type.parse(fine.root()));
  CHECK(destination != nullptr);
}

}  // namespace
}  // namespace lienthong::testing
