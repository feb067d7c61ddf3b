// The "fhir" destination against a real HTTP server on loopback: requests as
// sent, verdicts per answer, keep-alive, time limits, shutdown, the pool limit.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>

#include "tests/adapters/http_test_server.h"
#include "tests/adapters/http_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::http::FhirDestination;
using core::Verdict;

std::string config_for(const HttpTestServer& server, const std::string& extra = "") {
  return R"({"url": ")" + server.url() + "\"" + extra + "}";
}

const char* kOutcome400 =
    R"({"resourceType":"OperationOutcome","issue":[)"
    R"({"severity":"error","code":"invalid","diagnostics":"Patient.birthDate: not a date"},)"
    R"({"severity":"error","code":"required","details":{"text":"Encounter.status is required"}}]})";

TEST_CASE("fhir: a transaction is POSTed to the base URL and 201 is OK", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.script({{201, {}, R"({"resourceType":"Bundle","type":"transaction-response"})"}});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server)));

  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kOk);
  CHECK(result.detail == "HTTP 201");
  CHECK_FALSE(result.retry_after);

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const RecordedRequest& r = requests[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/fhir");
  CHECK(r.body == kTransactionBundle);
  CHECK(r.header("content-type") == "application/fhir+json; charset=utf-8");
  CHECK(r.header("accept") == "application/fhir+json");
  CHECK(r.header("user-agent") == "lienthong");
  CHECK(r.header("host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(r.header("authorization").empty());
}

TEST_CASE("fhir: items one after the other share one keep-alive connection", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.set_default({201, {}, "{}"});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server)));
  for (int i = 1; i <= 5; ++i) {
    CHECK(deliver_one(destination, fhir_item(i, kTransactionBundle)).verdict == Verdict::kOk);
  }
  CHECK(server.requests().size() == 5);
  CHECK(server.accepted() == 1);
}

TEST_CASE("fhir: a keep-alive connection the server dropped is retried once on a new one", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  ScriptedResponse dropped{200, {}, "{}"};
  dropped.close = true;  // answers as keep-alive, then closes
  server.script({dropped, {201, {}, "{}"}});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server)));

  CHECK(deliver_one(destination, fhir_item(1, kTransactionBundle)).detail == "HTTP 200");
  core::DeliveryResult second = deliver_one(destination, fhir_item(2, kTransactionBundle));
  CHECK(second.verdict == Verdict::kOk);
  CHECK(second.detail == "HTTP 201");
  CHECK(server.accepted() == 2);
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].connection == 2);
}

TEST_CASE("fhir: the server's Connection: close is honoured", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.set_default({201, {{"Connection", "close"}}, "{}"});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server)));
  for (int i = 1; i <= 3; ++i) {
    CHECK(deliver_one(destination, fhir_item(i, kTransactionBundle)).verdict == Verdict::kOk);
  }
  CHECK(server.accepted() == 3);
}

TEST_CASE("fhir: 503 with Retry-After is a retry after that long; 429 and 408 retry", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.script({{503, {{"Retry-After", "7"}}, "down for maintenance"},
                 {429, {}, ""},
                 {408, {}, ""},
                 {500, {}, ""}});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server)));

  core::DeliveryResult r503 = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(r503.verdict == Verdict::kRetry);
  REQUIRE(r503.retry_after);
  CHECK(*r503.retry_after == std::chrono::seconds(7));
  CHECK(r503.detail == "HTTP 503: down for maintenance");

  core::DeliveryResult r429 = deliver_one(destination, fhir_item(2, kTransactionBundle));
  CHECK(r429.verdict == Verdict::kRetry);
  CHECK(r429.detail == "HTTP 429");
  CHECK_FALSE(r429.retry_after);
  CHECK(deliver_one(destination, fhir_item(3, kTransactionBundle)).verdict == Verdict::kRetry);
  CHECK(deliver_one(destination, fhir_item(4, kTransactionBundle)).verdict == Verdict::kRetry);
}

TEST_CASE("fhir: 400 with an OperationOutcome fails with its issue texts", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.script({{400, {}, kOutcome400}, {404, {{"Content-Type", "text/plain"}}, "no such base\r\n"}});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server)));

  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kFail);
  CHECK(result.detail == "HTTP 400: Patient.birthDate: not a date; Encounter.status is required");
  CHECK_FALSE(result.retry_after);

  core::DeliveryResult plain = deliver_one(destination, fhir_item(2, kTransactionBundle));
  CHECK(plain.verdict == Verdict::kFail);
  CHECK(plain.detail == "HTTP 404: no such base");
}

TEST_CASE("fhir: a transaction-response with an entry status 422 fails", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.script({{200, {},
                  R"({"resourceType":"Bundle","type":"transaction-response","entry":[)"
                  R"({"response":{"status":"201 Created"}},{"response":{"status":"422 Unprocessable Entity"}}]})"}});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server)));
  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kFail);
  CHECK(result.detail == "HTTP 200: entry[1] 422 Unprocessable Entity");
}

TEST_CASE("fhir: a refused connection is a retry", "[http][fhir]") {
  std::uint16_t closed_port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  ClientIo io;
  FhirDestination destination(io.io(), "hapi",
                              fhir_config(R"({"url": "http://127.0.0.1:)" + std::to_string(closed_port) + "/fhir\"}"));
  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kRetry);
  CHECK(result.detail == "connect: Connection refused");
}

TEST_CASE("fhir: a server that does not answer in time is a retry", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  ScriptedResponse stall{201, {}, "{}"};
  stall.delay = std::chrono::seconds(30);
  server.set_default(stall);
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "timeout": "200ms")")));
  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kRetry);
  CHECK(result.detail == "timeout after 200ms");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("fhir: resources mode sends one request per entry, in order", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.set_default({201, {}, "{}"});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "mode": "resources")")));

  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kOk);
  CHECK(result.detail == "HTTP 201 (2 requests)");
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "PUT");
  CHECK(requests[0].target == "/fhir/Patient?identifier=urn:oid:1.2|123");
  CHECK(requests[0].body == R"({"resourceType":"Patient","id":"p1","active":true})");
  CHECK(requests[1].method == "PUT");
  CHECK(requests[1].target == "/fhir/Encounter?identifier=urn:oid:1.3|E9");
  CHECK(requests[1].body == R"({"resourceType":"Encounter","id":"e1","status":"finished"})");
  CHECK(requests[1].header("content-type") == "application/fhir+json; charset=utf-8");
}

TEST_CASE("fhir: resources mode turns urn:uuid references into the entries' locations", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.script({{201, {{"Location", server.url() + "/Patient/abc/_history/1"}}, ""},
                 {200, {}, R"({"resourceType":"Practitioner","id":"doc9"})"},
                 {201, {}, ""}});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "mode": "resources")")));
  const std::string bundle =
      R"({"resourceType":"Bundle","type":"transaction","entry":[)"
      R"({"fullUrl":"urn:uuid:pat","resource":{"resourceType":"Patient","generalPractitioner":[{"reference":"urn:uuid:doc"}]},)"
      R"("request":{"method":"PUT","url":"Patient?identifier=urn:oid:1.2|123"}},)"
      R"({"fullUrl":"urn:uuid:doc","resource":{"resourceType":"Practitioner","id":"doc9"},)"
      R"("request":{"method":"PUT","url":"Practitioner/doc9"}},)"
      R"({"fullUrl":"urn:uuid:enc","resource":{"resourceType":"Encounter","subject":{"reference":"urn:uuid:pat"},)"
      R"("participant":[{"individual":{"reference":"urn:uuid:unknown"}}]},"request":{"method":"POST","url":"Encounter"}}]})";
  core::DeliveryResult result = deliver_one(destination, fhir_item(1, bundle));
  CHECK(result.verdict == Verdict::kOk);
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  // Known before sending: a PUT to "Type/id". Learned from the answer: the Location.
  CHECK(requests[0].body == R"({"resourceType":"Patient","generalPractitioner":[{"reference":"Practitioner/doc9"}]})");
  CHECK(requests[2].body == R"({"resourceType":"Encounter","subject":{"reference":"Patient/abc"},)"
                            R"("participant":[{"individual":{"reference":"urn:uuid:unknown"}}]})");
}

TEST_CASE("fhir: resources mode stops at the first answer that is not 2xx", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  server.script({{412, {}, R"({"resourceType":"OperationOutcome","issue":[{"diagnostics":"two matches"}]})"}});
  server.set_default({201, {}, "{}"});
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "mode": "resources")")));

  core::DeliveryResult result = deliver_one(destination, fhir_item(1, kTransactionBundle));
  CHECK(result.verdict == Verdict::kFail);
  CHECK(result.detail == "entry[0] PUT Patient: HTTP 412: two matches");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("fhir: what cannot be sent fails at once", "[http][fhir]") {
  ClientIo io;
  HttpTestServer server;
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "mode": "resources")")));
  core::DeliveryItem hl7 = fhir_item(1, "MSH|^~\\&|");
  hl7.content_type = core::kContentHl7v2;
  CHECK(deliver_one(destination, hl7).verdict == Verdict::kFail);
  core::DeliveryResult not_bundle = deliver_one(destination, fhir_item(2, R"({"resourceType":"Patient"})"));
  CHECK(not_bundle.verdict == Verdict::kFail);
  CHECK(not_bundle.detail == "the body is not a FHIR Bundle");
  core::DeliveryResult absolute = deliver_one(
      destination,
      fhir_item(3, R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"},)"
                   R"("request":{"method":"POST","url":"http://elsewhere/Patient"}}]})"));
  CHECK(absolute.verdict == Verdict::kFail);
  CHECK(server.requests().empty());
}

TEST_CASE("fhir: shutdown answers every item in flight once with a retry", "[http][fhir]") {
  Answers answers;
  constexpr int kItems = 6;
  {
    ClientIo io;
    HttpTestServer server;
    ScriptedResponse stall{201, {}, "{}"};
    stall.delay = std::chrono::seconds(30);
    server.set_default(stall);
    FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "max_connections": 2)")));
    for (int i = 1; i <= kItems; ++i) destination.deliver(fhir_item(i, kTransactionBundle), answers.callback(i));
    REQUIRE(server.wait_for_requests(2));  // two on connections, four waiting for one
    destination.shutdown();
    REQUIRE(answers.wait(kItems));
    destination.deliver(fhir_item(kItems + 1, kTransactionBundle), answers.callback(kItems + 1));
    CHECK(answers.calls(kItems + 1) == 1);  // at once
  }
  // Every io thread has finished: a late second answer would be counted by now.
  for (int i = 1; i <= kItems + 1; ++i) {
    INFO("item " << i);
    CHECK(answers.calls(i) == 1);
    CHECK(answers.result(i).verdict == Verdict::kRetry);
    CHECK(answers.result(i).detail == "shutting down");
  }
}

TEST_CASE("fhir: destroying the destination with items in flight answers each once", "[http][fhir]") {
  Answers answers;
  constexpr int kItems = 3;
  {
    ClientIo io;
    HttpTestServer server;
    ScriptedResponse stall{201, {}, "{}"};
    stall.delay = std::chrono::seconds(30);
    server.set_default(stall);
    {
      FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "max_connections": 1)")));
      for (int i = 1; i <= kItems; ++i) destination.deliver(fhir_item(i, kTransactionBundle), answers.callback(i));
      REQUIRE(server.wait_for_requests(1));
    }  // no shutdown() call: the destructor does it, the requests keep what they need
    REQUIRE(answers.wait(kItems));
  }
  for (int i = 1; i <= kItems; ++i) {
    INFO("item " << i);
    CHECK(answers.calls(i) == 1);
    CHECK(answers.result(i).detail == "shutting down");
  }
}

TEST_CASE("fhir: 50 items at once over at most max_connections connections", "[http][fhir]") {
  Answers answers;
  constexpr int kItems = 50;
  ClientIo io;
  HttpTestServer server;
  ScriptedResponse slow{201, {}, "{}"};
  slow.delay = std::chrono::milliseconds(5);  // keeps several requests in flight together
  server.set_default(slow);
  FhirDestination destination(io.io(), "hapi", fhir_config(config_for(server, R"(, "max_connections": 4)")));
  for (int i = 1; i <= kItems; ++i) destination.deliver(fhir_item(i, kTransactionBundle), answers.callback(i));
  REQUIRE(answers.wait(kItems));
  for (int i = 1; i <= kItems; ++i) {
    INFO("item " << i);
    CHECK(answers.result(i).verdict == Verdict::kOk);
    CHECK(answers.calls(i) == 1);
  }
  CHECK(server.requests().size() == kItems);
  CHECK(server.accepted() <= 4);
  CHECK(server.max_open() <= 4);
  CHECK(destination.connections() <= 4);
}

}  // namespace
}  // namespace lienthong::testing
