// The whole path with real processes and sockets (docs/specs/delivery.md):
// MLLP in -> `lienthong run` (routes, the shipped ADT mapping, SQLite) -> FHIR
// Bundles to real HTTP servers on loopback. Covers: a destination that answers
// 503 and 429 for a while (everything arrives, per patient in order, nothing
// twice), one that refuses with 400 (dead with the OperationOutcome's text, then
// `lienthong replay` after it is fixed), and SIGKILL during delivery (every item
// arrives at least once after the restart).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "adapters/mllp/mllp_sender.h"
#include "tests/adapters/http_test_server.h"
#include "tests/cli/run_cli.h"
#include "tests/e2e/engine_process.h"

using namespace lienthong;
using namespace lienthong::testing;
using namespace std::chrono_literals;

namespace {

// Patient p's n-th message: an ADT^A08 whose MSH-10 is "P<pp>-M<nnnn>".
std::string adt_for(int patient, int n) {
  char id[32];
  std::snprintf(id, sizeof id, "P%02d-M%04d", patient, n);
  return std::string("MSH|^~\\&|HIS|BV_TEST|LT|LT|20240301101500+0700||ADT^A08^ADT_A01|") + id +
         "|P|2.5\rEVN|A08|20240301101500+0700\rPID|1||PAT" + std::to_string(patient) +
         "^^^BV_TEST^MR||TRAN^THI^MAI||19900101|F\rPV1|1|O\r";
}

std::string oru_for(int patient, int n) {
  char id[32];
  std::snprintf(id, sizeof id, "R%02d-M%04d", patient, n);
  return std::string("MSH|^~\\&|LIS|BV_TEST|LT|LT|20240301101500+0700||ORU^R01^ORU_R01|") + id +
         "|P|2.5\rPID|1||PAT" + std::to_string(patient) +
         "^^^BV_TEST^MR||TRAN^THI^MAI||19900101|F\rOBR|1||LAB1|718-7^Hemoglobin^LN\r"
         "OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL|12-16|N|||F\r";
}

// Writes the engine's config: the EHR (ADT) and the lab (ORU) FHIR destinations.
void write_config(const EngineProcess& engine, const std::string& ehr_url, const std::string& lab_url) {
  std::filesystem::create_directories(engine.dir() / "routes");
  std::ofstream(engine.config()) << R"({
    "store": {"path": "store/lt.db"},
    "listeners": [{"type": "mllp", "name": "his", "port": )" << engine.port() << R"(}],
    "mappings": ")" << LIENTHONG_SOURCE_DIR << R"(/mappings",
    "routes": "routes",
    "unrouted": "reject",
    "destinations": [
      {"type": "fhir", "name": "ehr", "url": ")" << ehr_url << R"(", "concurrency": 4,
       "backoff_initial": "20ms", "backoff_max": "200ms"},
      {"type": "fhir", "name": "lab", "url": ")" << lab_url << R"(", "max_attempts": 2,
       "backoff_initial": "20ms", "backoff_max": "100ms"}
    ],
    "threads": 2,
    "stats_interval": "1s"
  })";
  std::ofstream(engine.dir() / "routes" / "adt.json")
      << R"({"when": {"message": "ADT^*"}, "mapping": "hl7v2/adt.json", "to": [{"destination": "ehr"}]})";
  std::ofstream(engine.dir() / "routes" / "oru.json")
      << R"({"when": {"message": "ORU^R01"}, "mapping": "hl7v2/oru_r01.json", "to": [{"destination": "lab"}]})";
}

// Sends each patient's messages in order on its own connection (4 in parallel);
// every answer must be AA/CA.
void send_all(std::uint16_t port, int patients, int per_patient, std::string (*make)(int, int)) {
  std::vector<std::thread> senders;
  std::atomic<int> refused{0};
  for (int c = 0; c < 4; ++c) {
    senders.emplace_back([&, c] {
      adapters::mllp::MllpSenderConfig config;
      config.port = port;
      adapters::mllp::MllpSender sender(config);
      for (int p = c; p < patients; p += 4) {
        for (int n = 1; n <= per_patient; ++n) {
          auto ack = sender.send(make(p, n));
          if (!ack.ok() || !ack->accepted()) refused++;
        }
      }
    });
  }
  for (auto& t : senders) t.join();
  REQUIRE(refused == 0);
}

// The control ids the server received, in arrival order, per patient ("P03" -> ...).
std::map<std::string, std::vector<std::string>> received_by_patient(const HttpTestServer& server,
                                                                    const std::string& prefix) {
  static const std::regex id("[PR][0-9]{2}-M[0-9]{4}");
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : server.requests()) {
    std::smatch m;
    if (std::regex_search(r.body, m, id) && m.str().rfind(prefix, 0) == 0) out[m.str().substr(0, 3)].push_back(m.str());
  }
  return out;
}

std::size_t successes(const HttpTestServer& server, std::size_t skip_first) {
  return server.requests().size() > skip_first ? server.requests().size() - skip_first : 0;
}

ScriptedResponse transaction_ok() {
  return ScriptedResponse{200, {{"Content-Type", "application/fhir+json"}},
                          R"({"resourceType":"Bundle","type":"transaction-response","entry":[]})", 0ms, false};
}

}  // namespace

TEST_CASE("e2e delivery: 503 and 429 for a while, then everything arrives once, per patient in order (DLV-2, DLV-3)",
          "[e2e][delivery]") {
  HttpTestServer ehr;
  HttpTestServer lab;
  // The EHR is "down" for its first 40 answers, then asks to slow down twice.
  std::vector<ScriptedResponse> outage(40, ScriptedResponse{503, {}, "busy", 0ms, false});
  outage.push_back(ScriptedResponse{429, {{"Retry-After", "1"}}, "slow down", 0ms, false});
  outage.push_back(ScriptedResponse{429, {{"Retry-After", "1"}}, "slow down", 0ms, false});
  ehr.script(outage);
  ehr.set_default(transaction_ok());
  lab.set_default(transaction_ok());
  EngineProcess engine("delivery_outage");
  write_config(engine, ehr.url(), lab.url());
  REQUIRE(engine.start());

  const int kPatients = 12, kPerPatient = 8;
  send_all(engine.port(), kPatients, kPerPatient, adt_for);
  const std::size_t failed_answers = 42;
  REQUIRE(ehr.wait_for_requests(failed_answers + kPatients * kPerPatient, 60s));
  std::this_thread::sleep_for(300ms);  // anything sent twice would show now

  // Each patient's Bundles arrived in the order sent; each once after its last failure.
  auto got = received_by_patient(ehr, "P");
  REQUIRE(got.size() == static_cast<std::size_t>(kPatients));
  for (auto& [patient, ids] : got) {
    std::vector<std::string> successful;
    for (const auto& id : ids) {
      if (successful.empty() || successful.back() != id) successful.push_back(id);  // retries repeat the head
    }
    REQUIRE(successful.size() == static_cast<std::size_t>(kPerPatient));
    for (int n = 1; n <= kPerPatient; ++n) {
      char want[32];
      std::snprintf(want, sizeof want, "%s-M%04d", patient.c_str(), n);
      CHECK(successful[static_cast<std::size_t>(n - 1)] == want);
    }
  }
  CHECK(successes(ehr, failed_answers) == static_cast<std::size_t>(kPatients * kPerPatient));
  CHECK(ehr.max_open() > 1);  // patients went out in parallel

  auto queue = run_cli({"queue", "--config", engine.config()});
  REQUIRE(queue.status == 0);
  INFO(queue.out);
  CHECK(std::regex_search(queue.out, std::regex("ehr +0 +[0-9-]+ +0 +0 +0 +96 ")));
  // The periodic line counts what went out, per destination.
  bool counted = false;
  for (int i = 0; i < 50 && !counted; ++i) {
    std::this_thread::sleep_for(100ms);
    std::ifstream in(engine.log());
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    counted = log.find("event=delivery.stats destination=ehr delivered=96 retried=42 dead=0") != std::string::npos;
  }
  CHECK(counted);
  CHECK(engine.stop(SIGTERM) == 0);
}

TEST_CASE("e2e delivery: a 400 makes the item dead with the OperationOutcome text; replay delivers it (DLV-4, DLV-6)",
          "[e2e][delivery]") {
  HttpTestServer ehr;
  HttpTestServer lab;
  ehr.set_default(transaction_ok());
  lab.set_default(ScriptedResponse{400, {{"Content-Type", "application/fhir+json"}},
                                   R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid",)"
                                   R"("diagnostics":"Observation.code: unknown LOINC code"}]})",
                                   0ms, false});
  EngineProcess engine("delivery_dead");
  write_config(engine, ehr.url(), lab.url());
  REQUIRE(engine.start());
  send_all(engine.port(), 2, 2, oru_for);
  REQUIRE(lab.wait_for_requests(4, 30s));
  bool dead = false;
  for (int i = 0; i < 200 && !dead; ++i) {
    auto queue = run_cli({"queue", "--config", engine.config()});
    dead = std::regex_search(queue.out, std::regex("lab +0 +[0-9-]+ +0 +0 +4 "));
    if (!dead) std::this_thread::sleep_for(50ms);
  }
  REQUIRE(dead);  // ORU items do not hold their key: all four are dead, none held

  auto shown = run_cli({"messages", "show", "--config", engine.config(), "1"});
  REQUIRE(shown.status == 0);
  INFO(shown.out);
  CHECK(shown.out.find("-> lab: dead, 1 attempt(s)") != std::string::npos);
  CHECK(shown.out.find("HTTP 400: Observation.code: unknown LOINC code") != std::string::npos);
  CHECK(std::regex_search(shown.out, std::regex("\n    body: [0-9]+ bytes, application/fhir\\+json\n")));
  CHECK(shown.out.find("--- item 1 body") == std::string::npos);
  // The body as the engine stored it (compressed, STORE-10), read back by another process.
  auto with_bodies = run_cli({"messages", "show", "--config", engine.config(), "--bodies", "1"});
  REQUIRE(with_bodies.status == 0);
  const std::size_t body_at = with_bodies.out.find("--- item 1 body\n{\"resourceType\":\"Bundle\"");
  REQUIRE(body_at != std::string::npos);
  CHECK(with_bodies.out.find("\"type\":\"transaction\"", body_at) != std::string::npos);

  lab.set_default(transaction_ok());
  auto replay = run_cli({"replay", "--config", engine.config(), "--dead", "--destination", "lab"});
  INFO(replay.err);
  REQUIRE(replay.status == 0);
  CHECK(replay.out.find("requeued 4 item(s)") != std::string::npos);
  REQUIRE(lab.wait_for_requests(8, 30s));  // the engine's poll finds the copies
  bool done = false;
  for (int i = 0; i < 200 && !done; ++i) {
    auto queue = run_cli({"queue", "--config", engine.config()});
    done = std::regex_search(queue.out, std::regex("lab +0 +[0-9-]+ +0 +0 +0 +4 "));
    if (!done) std::this_thread::sleep_for(50ms);
  }
  CHECK(done);
  CHECK(engine.stop(SIGTERM) == 0);
}

TEST_CASE("e2e delivery: SIGKILL during delivery; after the restart every item arrives at least once (DLV-5)",
          "[e2e][delivery]") {
  HttpTestServer ehr;
  HttpTestServer lab;
  ScriptedResponse slow = transaction_ok();
  slow.delay = 15ms;
  ehr.set_default(slow);
  lab.set_default(transaction_ok());
  EngineProcess engine("delivery_kill");
  write_config(engine, ehr.url(), lab.url());
  REQUIRE(engine.start());
  const int kPatients = 20, kPerPatient = 10;
  send_all(engine.port(), kPatients, kPerPatient, adt_for);
  REQUIRE(ehr.wait_for_requests(20, 30s));
  CHECK(engine.stop(SIGKILL) == 128 + SIGKILL);
  const std::size_t before = ehr.requests().size();
  CHECK(before < static_cast<std::size_t>(kPatients * kPerPatient));  // killed mid-delivery

  ehr.set_default(transaction_ok());
  REQUIRE(engine.start());
  std::set<std::string> ids;
  for (int i = 0; i < 600 && ids.size() < static_cast<std::size_t>(kPatients * kPerPatient); ++i) {
    ids.clear();
    for (auto& [patient, list] : received_by_patient(ehr, "P")) ids.insert(list.begin(), list.end());
    std::this_thread::sleep_for(50ms);
  }
  CHECK(ids.size() == static_cast<std::size_t>(kPatients * kPerPatient));
  // Per patient, the last delivery of each message still follows the send order.
  for (auto& [patient, list] : received_by_patient(ehr, "P")) {
    std::vector<std::string> last_seen;
    for (const auto& id : list) {
      last_seen.erase(std::remove(last_seen.begin(), last_seen.end(), id), last_seen.end());
      last_seen.push_back(id);
    }
    CHECK(std::is_sorted(last_seen.begin(), last_seen.end()));
  }
  CHECK(engine.stop(SIGTERM) == 0);
}
