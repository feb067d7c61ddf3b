// Intake with routes (docs/specs/delivery.md DLV-1, docs/specs/ack.md ACK-5.2):
// accepted messages carry their outbound items into the same commit and hand
// them on; a mapping's rejection and an unrouted message (when configured so)
// are stored with status "error" and answered AE with ERR.
#include <catch2/catch.hpp>

#include <fstream>
#include <future>

#include "engine/core/intake.h"
#include "engine/core/route_loader.h"
#include "engine/hl7v2/parser.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::core;
using lienthong::testing::TempDir;

namespace {

const std::string kAdt =
    "MSH|^~\\&|HIS|BV|LT|SYT|20240131142005||ADT^A01^ADT_A01|MSG0001|P|2.5.1\r"
    "EVN|A01|20240131142005\r"
    "PID|1||12345^^^BV^MR||NGUYEN^VAN A\r";

std::shared_ptr<const Router> router_for(const TempDir& dir, const std::string& route, Unrouted unrouted) {
  std::filesystem::create_directories(dir.path() / "routes");
  std::filesystem::create_directories(dir.path() / "mappings");
  std::ofstream(dir.path() / "mappings" / "needs_pv1.json") << R"({
    "resourceType": "Bundle",
    "type": "${required(/PV1-2, 'PV1-2 (patient class) is required')}"
  })";
  std::ofstream(dir.path() / "routes" / "r.json") << route;
  RouteContext c;
  c.routes_dir = dir.path() / "routes";
  c.mappings_root = dir.path() / "mappings";
  c.listeners = {"adt"};
  c.destinations = {{"ehr", {"application/fhir+json", "x-application/hl7-v2+er7"}},
                    {"archive", {"application/fhir+json", "x-application/hl7-v2+er7"}}};
  std::vector<std::string> errors;
  auto table = load_routes(c, errors);
  INFO((errors.empty() ? std::string() : errors.front()));
  REQUIRE(table != nullptr);
  return std::make_shared<const Router>(table, unrouted, mapping::RunOptions{});
}

std::string ack_field(const std::string& ack, const char* segment, std::size_t field) {
  auto m = hl7v2::parse(ack);
  REQUIRE(m.ok());
  auto s = m->find(segment);
  if (!s) return {};
  return s->field(field).text();
}

Answer submit(Intake& intake, const std::string& bytes) {
  std::promise<Answer> p;
  Inbound in;
  in.source = "adt";
  in.peer = "127.0.0.1:5000";
  in.bytes = bytes;
  intake.submit(std::move(in), [&p](Answer a) { p.set_value(std::move(a)); });
  auto f = p.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return f.get();
}

}  // namespace

TEST_CASE("intake: an accepted message's items are committed with it and handed on (DLV-1.1)", "[intake][routes]") {
  TempDir dir;
  auto st = store::SqliteStore::open(testing::options_for(dir.file("i.db")));
  REQUIRE(st.ok());
  Intake intake(**st);
  intake.set_router(router_for(dir, R"({"to": [{"destination": "ehr"}]})", Unrouted::kAccept));
  std::vector<store::OutboundItem> handed;
  std::mutex mu;
  intake.set_item_sink([&](std::vector<store::OutboundItem> items) {
    std::lock_guard lock(mu);
    for (auto& i : items) handed.push_back(std::move(i));
  });
  Answer a = submit(intake, kAdt);
  CHECK(a.accepted);
  CHECK(ack_field(a.bytes, "MSA", 1) == "AA");
  {
    std::lock_guard lock(mu);
    REQUIRE(handed.size() == 1);
    CHECK(handed[0].destination == "ehr");
    CHECK(handed[0].body == kAdt);
    CHECK(handed[0].ordering_key == "12345|BV");
  }
  auto detail = (*st)->get(1);
  REQUIRE(detail.ok());
  REQUIRE((*detail)->items.size() == 1);
  CHECK((*detail)->items[0].item.status == "pending");

  // A duplicate is answered like the original and hands nothing on.
  Answer again = submit(intake, kAdt);
  CHECK(again.bytes == a.bytes);
  std::lock_guard lock(mu);
  CHECK(handed.size() == 1);
}

TEST_CASE("intake: every destination of a route gets the whole body", "[intake][routes]") {
  TempDir dir;
  auto st = store::SqliteStore::open(testing::options_for(dir.file("i.db")));
  REQUIRE(st.ok());
  Intake intake(**st);
  intake.set_router(router_for(dir, R"({"to": [{"destination": "ehr"}, {"destination": "archive"}]})", Unrouted::kAccept));
  std::vector<store::OutboundItem> handed;
  std::mutex mu;
  intake.set_item_sink([&](std::vector<store::OutboundItem> items) {
    std::lock_guard lock(mu);
    for (auto& i : items) handed.push_back(std::move(i));
  });
  CHECK(submit(intake, kAdt).accepted);
  std::lock_guard lock(mu);
  REQUIRE(handed.size() == 2);
  CHECK(handed[0].destination == "ehr");
  CHECK(handed[1].destination == "archive");
  CHECK(handed[0].body == kAdt);
  CHECK(handed[1].body == kAdt);
}

TEST_CASE("intake: a mapping's rejection is answered AE with its reason and stored as error (ACK-5.2, DLV-1.4)",
          "[intake][routes]") {
  TempDir dir;
  auto st = store::SqliteStore::open(testing::options_for(dir.file("i.db")));
  REQUIRE(st.ok());
  Intake intake(**st);
  intake.set_router(router_for(dir, R"({"mapping": "needs_pv1.json", "to": [{"destination": "ehr"}]})",
                               Unrouted::kAccept));
  Answer a = submit(intake, kAdt);
  CHECK_FALSE(a.accepted);
  CHECK(ack_field(a.bytes, "MSA", 1) == "AE");
  CHECK(ack_field(a.bytes, "MSA", 2) == "MSG0001");
  CHECK(ack_field(a.bytes, "ERR", 3).rfind("207", 0) == 0);
  CHECK(a.bytes.find("PV1-2 (patient class) is required") != std::string::npos);
  auto detail = (*st)->get(1);
  REQUIRE(detail.ok());
  REQUIRE(detail->has_value());
  CHECK((*detail)->record.status == "error");
  CHECK((*detail)->record.error.find("PV1-2 (patient class) is required") != std::string::npos);
  CHECK((*detail)->items.empty());
  CHECK(intake.counters().errors == 1);

  // Sent again after the sender fixed it: not a duplicate of the refused one.
  Answer fixed = submit(intake, kAdt + "PV1|1|I\r");
  CHECK(fixed.accepted);
}

TEST_CASE("intake: a rejection by a mapping chosen by type names the file chosen, not the directory (ACK-5.2)",
          "[intake][routes]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "mappings" / "bytype");
  std::ofstream(dir.path() / "mappings" / "bytype" / "adt.json") << R"({
    "$mapping": {"messages": ["ADT^A01"]},
    "resourceType": "Bundle",
    "type": "${required(/PV1-2, 'PV1-2 (patient class) is required')}"
  })";
  auto st = store::SqliteStore::open(testing::options_for(dir.file("i.db")));
  REQUIRE(st.ok());
  Intake intake(**st);
  intake.set_router(router_for(dir, R"({"mapping": "bytype/", "to": [{"destination": "ehr"}]})", Unrouted::kAccept));
  Answer a = submit(intake, kAdt);
  CHECK(ack_field(a.bytes, "MSA", 1) == "AE");
  INFO(a.bytes);
  CHECK(a.bytes.find("route r: mapping bytype/adt.json: PV1-2 (patient class) is required") != std::string::npos);
}

TEST_CASE("intake: unrouted messages are accepted, or answered AE 200 when configured (DLV-1.5)", "[intake][routes]") {
  TempDir dir;
  auto st = store::SqliteStore::open(testing::options_for(dir.file("i.db")));
  REQUIRE(st.ok());
  Intake intake(**st);
  const std::string oru_only = R"({"when": {"message": "ORU^R01"}, "to": [{"destination": "ehr"}]})";
  intake.set_router(router_for(dir, oru_only, Unrouted::kAccept));
  CHECK(submit(intake, kAdt).accepted);

  TempDir dir2;
  intake.set_router(router_for(dir2, oru_only, Unrouted::kReject));
  std::string other = kAdt;
  other.replace(other.find("MSG0001"), 7, "MSG0002");
  Answer a = submit(intake, other);
  CHECK_FALSE(a.accepted);
  CHECK(ack_field(a.bytes, "MSA", 1) == "AE");
  CHECK(ack_field(a.bytes, "ERR", 3).rfind("200", 0) == 0);
  CHECK(ack_field(a.bytes, "ERR", 8) == "no route takes ADT^A01 from listener adt");  // ^ escaped in the bytes
  auto listed = (*st)->list({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].status == "error");
  CHECK((*listed)[1].status == "accepted");
}

TEST_CASE("intake: the ACK's MSH-7 is in the configured zone, whatever the host's (ACK-2.3)", "[intake][routes]") {
  TempDir dir;
  auto st = store::SqliteStore::open(testing::options_for(dir.file("z.db")));
  REQUIRE(st.ok());
  Intake intake(**st);
  std::filesystem::create_directories(dir.path() / "routes");
  RouteContext c;
  c.routes_dir = dir.path() / "routes";
  c.mappings_root = dir.path() / "mappings";
  c.listeners = {"adt"};
  std::vector<std::string> errors;
  auto table = load_routes(c, errors);
  REQUIRE(table != nullptr);
  for (const auto& [zone, suffix] : std::vector<std::pair<mapping::TimeZone, std::string>>{
           {mapping::TimeZone::ho_chi_minh(), "+0700"}, {mapping::TimeZone::fixed(-5 * 60 - 30), "-0530"}}) {
    mapping::RunOptions options;
    options.zone = zone;
    intake.set_router(std::make_shared<const Router>(table, Unrouted::kAccept, options));
    std::string msg = kAdt;
    msg.replace(msg.find("MSG0001"), 7, "Z" + suffix);
    Answer a = submit(intake, msg);
    CHECK(a.accepted);
    const std::string stamp = ack_field(a.bytes, "MSH", 7);
    INFO(stamp);
    REQUIRE(stamp.size() == 19);  // YYYYMMDDHHMMSS+ZZZZ
    CHECK(stamp.substr(14) == suffix);
  }
}
