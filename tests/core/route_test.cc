// Routes (docs/routes.md) and the router at intake (docs/specs/delivery.md DLV-1):
// loading checks every reference with file and JSON path; conditions; keys; the
// shipped ADT mapping producing a Bundle body; mapping rejections; unrouted.
#include <catch2/catch.hpp>
#include <fstream>

#include "engine/core/route_loader.h"
#include "engine/core/router.h"
#include "engine/hl7v2/parser.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::core;
using lienthong::testing::TempDir;

namespace {

const std::string kAdt =
    "MSH|^~\\&|HIS|BV_BACHMAI|LT|LT|20240101120000+0700||ADT^A01^ADT_A01|MSG0001|P|2.5\r"
    "EVN|A01|20240101120000+0700\r"
    "PID|1||0123456789^^^BV_BACHMAI^MR||NGUYEN^VAN^AN||19800101|M\r"
    "PV1|1|I|NOI^101^1\r";

void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

RouteContext context_for(const TempDir& dir) {
  RouteContext c;
  c.routes_dir = dir.path() / "routes";
  c.mappings_root = std::filesystem::path(LIENTHONG_SOURCE_DIR) / "mappings";
  c.listeners = {"mllp"};
  c.destinations = {{"ehr", {"application/fhir+json"}}, {"relay", {"x-application/hl7-v2+er7"}}};
  return c;
}

hl7v2::Message parse(const std::string& text) {
  auto m = hl7v2::parse(text);
  REQUIRE(m.ok());
  return std::move(*m);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("routes: every mistake is reported with file and JSON path", "[routes]") {
  TempDir dir;
  write(dir.path() / "routes/bad.json", R"({
    "from": ["nosuch"],
    "when": {"message": ["ADT^A01", "bad type!"],
             "paths": [{"path": "PID-x", "=": "1"}, {"path": "PV1-2"}, {"path": "PID-5", "regex": "a{44444444444444444444}"}]},
    "mapping": "hl7v2/nosuch.json",
    "to": [{"destination": "nowhere"}, {"destination": "relay"}, {"destination": "ehr", "key": "PID-"}],
    "extra": 1,
  })");
  std::vector<std::string> errors;
  auto table = load_routes(context_for(dir), errors);
  CHECK(table == nullptr);
  const std::string all = joined(errors);
  INFO(all);
  CHECK(all.find("bad.json: $.from: no listener is named \"nosuch\"") != std::string::npos);
  CHECK(all.find("bad.json: $.when.message: expected message types") != std::string::npos);
  CHECK(all.find("bad.json: $.when.paths[0].path: expected an HL7 v2 path") != std::string::npos);
  CHECK(all.find("bad.json: $.when.paths[1]: expected exactly one of") != std::string::npos);
  CHECK(all.find("bad.json: $.mapping: mapping \"hl7v2/nosuch.json\"") != std::string::npos);
  CHECK(all.find("bad.json: $.to[0].destination: no destination is named \"nowhere\"") != std::string::npos);
  CHECK(all.find("bad.json: $.to[1].destination: destination \"relay\" does not take application/fhir+json") !=
        std::string::npos);
  CHECK(all.find("bad.json: $.to[2].key: expected an HL7 v2 path") != std::string::npos);
  CHECK(all.find("bad.json: $.extra: unknown key") != std::string::npos);
  CHECK(all.find("bad.json: $.when.paths[2].regex: expected a regular expression (RE2 syntax, docs/routes.md): "
                 "invalid repetition size: {44444444444444444444}") != std::string::npos);
}

TEST_CASE("routes: a regex condition takes time linear in the value, whatever the pattern or the length",
          "[routes]") {
  TempDir dir;
  // Nested repetitions: a backtracking matcher (std::regex) needs 2^n steps to fail on n
  // letters (28 letters: 9 s), so one message could stall a network thread for good.
  write(dir.path() / "routes/r.json",
        R"({"when": {"paths": [{"path": "PID-5.1", "regex": "^([A-Z]+)+$"}]}, "to": [{"destination": "relay"}]})");
  std::vector<std::string> errors;
  auto table = load_routes(context_for(dir), errors);
  INFO(joined(errors));
  REQUIRE(table != nullptr);
  Router router(table, Unrouted::kAccept, mapping::RunOptions{});
  CHECK(router.route("mllp", parse(kAdt), kAdt).routes == 1);
  std::string hostile = kAdt;
  hostile.replace(hostile.find("NGUYEN^VAN^AN"), 13, std::string(5000, 'N') + "!");
  CHECK(router.route("mllp", parse(hostile), hostile).routes == 0);
  // 300,000 letters are read whole (the recursive std::regex matcher overflowed an 8 MB stack
  // at about 30,000, so such values were once cut off).
  std::string long_name = kAdt;
  long_name.replace(long_name.find("NGUYEN^VAN^AN"), 13, std::string(300000, 'N'));
  CHECK(router.route("mllp", parse(long_name), long_name).routes == 1);
}

TEST_CASE("routes: conditions select messages; keys come from the patient identifier (DLV-2.3)", "[routes]") {
  TempDir dir;
  write(dir.path() / "routes/a-inpatients.json", R"({
    "from": "mllp",
    "when": {"message": "ADT^*", "sending_facility": ["BV_BACHMAI", "BV_CHORAY"],
             "paths": [{"path": "PV1-2", "in": ["I", "E"]}, {"path": "PID-8", "!=": "F"},
                       {"path": "PID-3", "exists": true}, {"path": "MSH-3", "regex": "^H"}]},
    "to": [{"destination": "relay"}],
  })");
  write(dir.path() / "routes/b-results.json", R"({"when": {"type": "ORU"}, "to": [{"destination": "relay", "key": ["PID-3[1].1"]}]})");
  std::vector<std::string> errors;
  auto table = load_routes(context_for(dir), errors);
  INFO(joined(errors));
  REQUIRE(table != nullptr);
  REQUIRE(table->routes.size() == 2);
  CHECK(table->routes[0].name == "a-inpatients");

  Router router(table, Unrouted::kAccept, mapping::RunOptions{});
  hl7v2::Message adt = parse(kAdt);
  Routing r = router.route("mllp", adt, kAdt);
  REQUIRE(r.routes == 1);
  REQUIRE(r.outbound.size() == 1);
  CHECK(r.outbound[0].route == "a-inpatients");
  CHECK(r.outbound[0].ordering_key == "0123456789|BV_BACHMAI");
  CHECK(r.outbound[0].body == kAdt);  // passed through as received
  CHECK(r.outbound[0].content_type == std::string("x-application/hl7-v2+er7"));

  CHECK(router.route("other-listener", adt, kAdt).routes == 0);
  std::string outpatient = kAdt;
  outpatient.replace(outpatient.find("PV1|1|I"), 7, "PV1|1|O");
  CHECK(router.route("mllp", parse(outpatient), outpatient).routes == 0);
  std::string female = kAdt;
  female.replace(female.find("|M\r"), 3, "|F\r");
  CHECK(router.route("mllp", parse(female), female).routes == 0);

  std::string no_patient = "MSH|^~\\&|HIS|BV_BACHMAI|LT|LT|20240101||ORU^R01|M2|P|2.5\rOBR|1\r";
  Routing oru = router.route("mllp", parse(no_patient), no_patient);
  REQUIRE(oru.outbound.size() == 1);
  CHECK(oru.outbound[0].ordering_key == "source:mllp");
}

TEST_CASE("router: the shipped ADT mapping makes the body; a rejecting mapping answers or kills (DLV-1.4)", "[routes]") {
  TempDir dir;
  write(dir.path() / "mappings/strict.json", R"({
    "$mapping": {"messages": ["ADT^*"]},
    "resourceType": "Bundle",
    "type": "${required(/PID-18, 'PID-18 (account number) is required')}"
  })");
  write(dir.path() / "routes/ehr.json", R"({"when": {"message": "ADT^A01"}, "mapping": "hl7v2/adt.json",
                                           "to": [{"destination": "ehr"}]})");
  std::vector<std::string> errors;
  auto table = load_routes(context_for(dir), errors);
  INFO(joined(errors));
  REQUIRE(table != nullptr);
  Router router(table, Unrouted::kReject, mapping::RunOptions{});
  hl7v2::Message adt = parse(kAdt);
  Routing r = router.route("mllp", adt, kAdt);
  REQUIRE(r.outbound.size() == 1);
  CHECK_FALSE(r.rejected);
  CHECK(r.outbound[0].content_type == std::string("application/fhir+json"));
  CHECK(r.outbound[0].body.find("\"resourceType\":\"Bundle\"") != std::string::npos);
  CHECK(r.outbound[0].body.find("0123456789") != std::string::npos);

  // No route takes an ADT^A08 here, and unrouted is "reject".
  std::string a08 = kAdt;
  a08.replace(a08.find("ADT^A01^ADT_A01"), 15, "ADT^A08^ADT_A01");
  Routing none = router.route("mllp", parse(a08), a08);
  REQUIRE(none.rejected);
  CHECK(*none.rejected == "no route takes ADT^A08 from listener mllp");

  // A mapping that rejects: whole message refused, or dead items, per route.
  RouteContext c = context_for(dir);
  c.mappings_root = dir.path() / "mappings";
  std::filesystem::remove(dir.path() / "routes/ehr.json");
  write(dir.path() / "routes/strict.json", R"({"mapping": "strict.json", "to": [{"destination": "ehr"}]})");
  auto strict = load_routes(c, errors);
  INFO(joined(errors));
  REQUIRE(strict != nullptr);
  Routing refused = Router(strict, Unrouted::kAccept, mapping::RunOptions{}).route("mllp", adt, kAdt);
  REQUIRE(refused.rejected);
  CHECK(refused.rejected->find("PID-18 (account number) is required") != std::string::npos);
  CHECK(refused.outbound.empty());

  write(dir.path() / "routes/strict.json",
        R"({"mapping": "strict.json", "on_mapping_error": "dead", "to": [{"destination": "ehr"}]})");
  auto dead = load_routes(c, errors);
  REQUIRE(dead != nullptr);
  Routing kept = Router(dead, Unrouted::kAccept, mapping::RunOptions{}).route("mllp", adt, kAdt);
  CHECK_FALSE(kept.rejected);
  REQUIRE(kept.outbound.size() == 1);
  CHECK(kept.outbound[0].status == "dead");
  CHECK(kept.outbound[0].error.find("PID-18 (account number) is required") != std::string::npos);
}

TEST_CASE("router: every mapping run gets the configured zone and country (config time_zone, country)", "[routes]") {
  TempDir dir;
  RouteContext c = context_for(dir);
  c.mappings_root = dir.path() / "mappings";
  write(dir.path() / "mappings/sender.json",
        R"({"country": "${country()}", "at": "${dateTime(/MSH-7)}", "seen": "${dateTime('202401011200')}"})");
  write(dir.path() / "routes/ehr.json", R"({"mapping": "sender.json", "to": [{"destination": "ehr"}]})");
  std::vector<std::string> errors;
  auto table = load_routes(c, errors);
  INFO(joined(errors));
  REQUIRE(table != nullptr);
  mapping::RunOptions options;
  options.zone = mapping::TimeZone::fixed(5 * 60 + 30);
  options.country = "VNM";
  const hl7v2::Message adt = parse(kAdt);  // MSH-17 empty; MSH-7 with its own offset
  Routing routed = Router(table, Unrouted::kAccept, options).route("mllp", adt, kAdt);
  REQUIRE(routed.outbound.size() == 1);
  CHECK(routed.outbound[0].body ==
        R"({"country":"VNM","at":"2024-01-01T12:00:00+07:00","seen":"2024-01-01T12:00:00+05:30"})");
  Routing plain = Router(table, Unrouted::kAccept, mapping::RunOptions{}).route("mllp", adt, kAdt);
  REQUIRE(plain.outbound.size() == 1);
  CHECK(plain.outbound[0].body == R"({"at":"2024-01-01T12:00:00+07:00","seen":"2024-01-01T12:00:00+07:00"})");
}
