// Pure parts of the "fhir" destination: base URLs, verdicts, Retry-After,
// OperationOutcome texts, request lists.
#include <catch2/catch.hpp>

#include "adapters/http/base_url.h"
#include "adapters/http/fhir_requests.h"
#include "adapters/http/http_verdict.h"

namespace lienthong::testing {
namespace {

using namespace adapters::http;
using core::Verdict;

TEST_CASE("base URL: scheme, host, port and path", "[http][url]") {
  auto a = parse_base_url("http://127.0.0.1:8080/fhir/");
  REQUIRE(a);
  CHECK_FALSE(a->tls);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  CHECK(a->path == "/fhir");
  CHECK(a->target("") == "/fhir");
  CHECK(a->target("Patient?identifier=a|b") == "/fhir/Patient?identifier=a|b");
  CHECK(a->host_header() == "127.0.0.1:8080");

  auto b = parse_base_url("HTTPS://FHIR.example.org");
  REQUIRE(b);
  CHECK(b->tls);
  CHECK(b->host == "fhir.example.org");
  CHECK(b->port == 443);
  CHECK(b->target("") == "/");
  CHECK(b->host_header() == "fhir.example.org");
  CHECK_FALSE(b->host_is_ip());

  auto c = parse_base_url("http://[::1]:9000/r4");
  REQUIRE(c);
  CHECK(c->host == "::1");
  CHECK(c->host_header() == "[::1]:9000");
  CHECK(c->host_is_ip());

  for (const char* bad : {"ftp://x/fhir", "localhost:8080/fhir", "http://", "http://:80/", "http://h:0/",
                          "http://h:99999/", "http://h:80x/", "http://u:p@h/", "http://h/fhir?x=1",
                          "http://h/a b", "http://[::1/"}) {
    INFO(bad);
    CHECK_FALSE(parse_base_url(bad));
  }
  CHECK(parse_base_url("ftp://x").error().message ==
        "expected a URL starting with http:// or https://, found \"ftp://x\"");
}

TEST_CASE("verdicts: status classes", "[http][verdict]") {
  const auto now = std::chrono::system_clock::now();
  auto verdict = [&](int status) { return classify_answer({status, "", ""}, false, now).verdict; };
  CHECK(verdict(200) == Verdict::kOk);
  CHECK(verdict(201) == Verdict::kOk);
  CHECK(verdict(204) == Verdict::kOk);
  CHECK(verdict(408) == Verdict::kRetry);
  CHECK(verdict(429) == Verdict::kRetry);
  CHECK(verdict(500) == Verdict::kRetry);
  CHECK(verdict(503) == Verdict::kRetry);
  CHECK(verdict(400) == Verdict::kFail);
  CHECK(verdict(404) == Verdict::kFail);
  CHECK(verdict(409) == Verdict::kFail);
  CHECK(verdict(422) == Verdict::kFail);
  CHECK(verdict(301) == Verdict::kFail);
  // A 4xx is never delayed, even if the server sent Retry-After.
  CHECK_FALSE(classify_answer({400, "5", ""}, false, now).retry_after);
}

TEST_CASE("verdicts: Retry-After as seconds or HTTP-date", "[http][verdict]") {
  using std::chrono::milliseconds;
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("7", now) == milliseconds(7000));
  CHECK(parse_retry_after(" 120 ", now) == milliseconds(120000));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == milliseconds(30000));
  CHECK(parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now) == milliseconds(60000));
  CHECK(parse_retry_after("Wed Oct 21 07:28:10 2015", now) == milliseconds(10000));
  CHECK(parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", now) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("-5", now));
  CHECK_FALSE(parse_retry_after("", now));
}

TEST_CASE("verdicts: what the server said, short", "[http][verdict]") {
  CHECK(operation_outcome_text(R"({"resourceType":"OperationOutcome","issue":[{"code":"invalid"}]})") == "invalid");
  CHECK_FALSE(operation_outcome_text(R"({"resourceType":"Patient"})"));
  CHECK_FALSE(operation_outcome_text("<html>"));
  std::string many = R"({"resourceType":"OperationOutcome","issue":[)";
  for (int i = 0; i < 100; ++i) many += std::string(i ? "," : "") + R"({"diagnostics":"problem number )" + std::to_string(i) + "\"}";
  many += "]}";
  const std::string text = *operation_outcome_text(many);
  CHECK(text.size() <= 503);
  CHECK(text.substr(text.size() - 3) == "...");
  // Cut on a character boundary, control bytes blanked.
  CHECK(printable_prefix("ab\xC3\xA1", 3) == "ab");
  CHECK(printable_prefix("a\nb", 10) == "a b");
  const auto now = std::chrono::system_clock::now();
  core::DeliveryResult html = classify_answer({502, "", std::string(1000, 'x')}, false, now);
  CHECK(html.detail == "HTTP 502: " + std::string(200, 'x'));
}

TEST_CASE("verdicts: a transaction-response's entries", "[http][verdict]") {
  const auto now = std::chrono::system_clock::now();
  const std::string all_ok =
      R"({"resourceType":"Bundle","type":"transaction-response","entry":[{"response":{"status":"201 Created"}},)"
      R"({"response":{"status":"200"}}]})";
  CHECK(classify_answer({200, "", all_ok}, true, now).verdict == Verdict::kOk);
  const std::string one_bad =
      R"({"resourceType":"Bundle","entry":[{"response":{"status":"409 Conflict","outcome":)"
      R"({"resourceType":"OperationOutcome","issue":[{"diagnostics":"version conflict"}]}}}]})";
  core::DeliveryResult bad = classify_answer({200, "", one_bad}, true, now);
  CHECK(bad.verdict == Verdict::kFail);
  CHECK(bad.detail == "HTTP 200: entry[0] 409 Conflict: version conflict");
  // Not checked when the request was not a transaction.
  CHECK(classify_answer({200, "", one_bad}, false, now).verdict == Verdict::kOk);
}

TEST_CASE("requests: resources mode takes method, url and resource of each entry", "[http][requests]") {
  auto requests = fhir_requests(FhirMode::kResources,
                                R"({"resourceType":"Bundle","entry":[)"
                                R"({"resource":{"resourceType":"Observation","status":"final"},"request":{"method":"POST","url":"Observation"}},)"
                                R"({"request":{"method":"DELETE","url":"/Patient/1"}}]})");
  REQUIRE(requests);
  REQUIRE(requests->size() == 2);
  CHECK((*requests)[0].method == "POST");
  CHECK((*requests)[0].body == R"({"resourceType":"Observation","status":"final"})");
  CHECK((*requests)[0].label == "entry[0] POST Observation");
  CHECK((*requests)[1].method == "DELETE");
  CHECK((*requests)[1].body.empty());
  CHECK((*requests)[1].relative == "Patient/1");
  CHECK((*requests)[1].label == "entry[1] DELETE Patient");

  for (const char* bad : {R"({"resourceType":"Bundle","entry":[{"resource":{}}]})",
                          R"({"resourceType":"Bundle","entry":[{"request":{"method":"BREW","url":"Pot"}}]})",
                          R"({"resourceType":"Bundle","entry":[{"request":{"method":"PUT","url":"Patient/1"}}]})",
                          R"({"resourceType":"Bundle","entry":[{"resource":{},"request":{"method":"PUT","url":"Patient?x=a b"}}]})",
                          "not json"}) {
    INFO(bad);
    CHECK_FALSE(fhir_requests(FhirMode::kResources, bad));
  }
  auto transaction = fhir_requests(FhirMode::kTransaction, "{}");
  REQUIRE(transaction);
  CHECK((*transaction)[0].method == "POST");
  CHECK((*transaction)[0].relative.empty());
}

TEST_CASE("requests: where an entry went, and references to it", "[http][requests]") {
  CHECK(answer_location("http://h/fhir/Patient/123/_history/2", "") == "Patient/123");
  CHECK(answer_location("Patient/123", "") == "Patient/123");
  CHECK(answer_location("/fhir/Observation/a-b.c/", "") == "Observation/a-b.c");
  CHECK(answer_location("", R"({"resourceType":"Encounter","id":"e1"})") == "Encounter/e1");
  CHECK_FALSE(answer_location("", R"({"resourceType":"OperationOutcome"})"));
  CHECK_FALSE(answer_location("http://h/fhir", "not json"));

  auto requests = fhir_requests(FhirMode::kResources,
                                R"({"resourceType":"Bundle","entry":[)"
                                R"({"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient/p1"}},)"
                                R"({"fullUrl":"urn:uuid:2","resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient?identifier=a|b"}},)"
                                R"({"fullUrl":"http://x/Patient/3","resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient/3"}}]})");
  REQUIRE(requests);
  const EntryLocations known = known_locations(*requests);
  CHECK(known == EntryLocations{{"urn:uuid:1", "Patient/p1"}});

  const std::string resource = R"({"resourceType":"Encounter","subject":{"reference":"urn:uuid:1"},"note":"urn:uuid:1"})";
  CHECK(with_resolved_references(resource, known) ==
        R"({"resourceType":"Encounter","subject":{"reference":"Patient/p1"},"note":"urn:uuid:1"})");
  CHECK(with_resolved_references(resource, {}) == resource);
  CHECK(with_resolved_references(R"({"a":1})", known) == R"({"a":1})");
}

TEST_CASE("verdicts: a server's answer nested deeper than FHIR nests is read as not FHIR, never parsed (it "
          "would overflow the stack)",
          "[http][verdict]") {
  const auto now = std::chrono::system_clock::now();
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  CHECK_FALSE(operation_outcome_text(deep));
  core::DeliveryResult refused = classify_answer({422, "", deep}, false, now);
  CHECK(refused.verdict == Verdict::kFail);
  core::DeliveryResult ok = classify_answer({200, "", "{\"resourceType\":\"Bundle\",\"entry\":" + deep + "}"}, true, now);
  CHECK(ok.verdict == Verdict::kOk);
}

}  // namespace
}  // namespace lienthong::testing
