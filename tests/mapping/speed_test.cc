// Cost of mapping against the cost of parsing (the budget: an ADT^A01 -> Bundle
// run costs at most 5x parsing the message). Hidden ("[.speed]"): timings on a
// shared machine are not assertions; run it by hand with
//   mapping_tests "[.speed]" -s
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstdlib>

#include "tests/mapping/mapping_test_util.h"
#include "tests/support/files.h"

using lienthong::testing::MappingDir;

namespace {

const char* kAdtBundle = R"json({
  "$mapping": {"input": "hl7v2", "messages": ["ADT^A01"]},
  "$let": {"pid": "uuid('Patient', PID-3[1].1, PID-3[1].4.1)", "enc": "uuid('Encounter', PV1-19.1, PV1-19.4.1)"},
  "resourceType": "Bundle",
  "type": "transaction",
  "timestamp": "${instant(MSH-7)}",
  "entry": [
    {"fullUrl": "urn:uuid:${pid}",
     "resource": {
       "resourceType": "Patient", "id": "${pid}",
       "identifier": [{"$for": "PID-3[*]", "value": "${it.1}", "system": "urn:lienthong:id:${it.4.1}",
                       "type": {"coding": [{"code": "${it.5}"}]}}],
       "name": [{"$for": "PID-5[*]", "family": "${it.1}", "given": ["${it.2}", "${it.3}"], "use": "${lookup('name-use', it.7, 'usual')}"}],
       "telecom": [{"$for": "PID-13[*]", "system": "${lookup('telecom', it.3)}", "value": "${it.4 ?? it.6 + it.7}"}],
       "gender": "${lookup('sex', PID-8)}",
       "birthDate": "${date(PID-7)}",
       "address": [{"$for": "PID-11[*]", "line": ["${it.1}"], "district": "${it.3}", "city": "${it.4}",
                    "postalCode": "${it.5}", "country": "${it.6}", "use": "${lookup('addr-use', it.7)}"}],
       "maritalStatus": {"coding": ["${coding('marital', PID-16.1, PID-16.2)}"]},
       "communication": [{"language": {"text": "${PID-15.2}"}}]
     },
     "request": {"method": "PUT", "url": "Patient/${pid}"}},
    {"fullUrl": "urn:uuid:${enc}",
     "resource": {
       "resourceType": "Encounter", "id": "${enc}",
       "status": "${PV1-45 ?? 'in-progress'}",
       "class": "${coding('class', PV1-2)}",
       "subject": {"reference": "urn:uuid:${pid}"},
       "period": {"start": "${dateTime(PV1-44 ?? EVN-6)}"},
       "location": [{"location": {"display": "${PV1-3.9 ?? PV1-3.1}"}}],
       "participant": [{"individual": {"display": "${PV1-7.2} ${PV1-7.3}"}}, {"individual": {"display": "${PV1-17.2} ${PV1-17.3}"}}],
       "diagnosis": [{"$for": "DG1[*]", "condition": {"reference": "urn:uuid:${uuid('Condition', /MSH-10, segment_index(it))}"}, "rank": "${number(it.1)}"}]
     },
     "request": {"method": "PUT", "url": "Encounter/${enc}"}},
    {"$for": "DG1", "$let": {"cid": "uuid('Condition', /MSH-10, segment_index(DG1))"},
     "fullUrl": "urn:uuid:${cid}",
     "resource": {"resourceType": "Condition", "id": "${cid}",
                  "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "${DG1-3.1}", "display": "${DG1-3.2}"}]},
                  "subject": {"reference": "urn:uuid:${pid}"}, "recordedDate": "${dateTime(DG1-5)}"},
     "request": {"method": "PUT", "url": "Condition/${cid}"}},
    {"$for": "AL1", "$let": {"aid": "uuid('Allergy', /MSH-10, AL1-1)"},
     "fullUrl": "urn:uuid:${aid}",
     "resource": {"resourceType": "AllergyIntolerance", "id": "${aid}", "code": {"text": "${AL1-3.2}"},
                  "patient": {"reference": "urn:uuid:${pid}"}, "reaction": [{"description": "${AL1-5}"}]},
     "request": {"method": "PUT", "url": "AllergyIntolerance/${aid}"}},
    {"$for": "NK1", "resource": {"resourceType": "RelatedPerson", "patient": {"reference": "urn:uuid:${pid}"},
                                 "name": [{"family": "${NK1-2.1}", "given": ["${NK1-2.2}"]}]}},
    {"$for": "IN1", "resource": {"resourceType": "Coverage", "status": "active", "subscriberId": "${IN1-49.1 ?? IN1-36}",
                                 "beneficiary": {"reference": "urn:uuid:${pid}"},
                                 "period": {"start": "${date(IN1-12)}", "end": "${date(IN1-13)}"},
                                 "payor": [{"display": "${IN1-4}"}]}}
  ]
})json";

void write_tables(const MappingDir& dir) {
  dir.write("tables/sex.json", R"({"source_system": "urn:v2-0001", "target_system": "urn:gender",
                                   "map": {"M": "male", "F": "female"}, "default": "unknown"})");
  dir.write("tables/name-use.json", R"({"source_system": "urn:v2-0200", "target_system": "urn:name-use",
                                        "map": {"L": "official", "D": "usual"}})");
  dir.write("tables/telecom.json", R"({"source_system": "urn:v2-0202", "target_system": "urn:cps",
                                       "map": {"CP": "phone", "PH": "phone", "Internet": "email"}})");
  dir.write("tables/addr-use.json", R"({"source_system": "urn:v2-0190", "target_system": "urn:au",
                                        "map": {"H": "home", "C": "temp"}})");
  dir.write("tables/marital.json", R"({"source_system": "urn:v2-0002", "target_system": "urn:ms",
                                       "map": {"M": {"code": "M", "display": "Married"}}})");
  dir.write("tables/class.json", R"({"source_system": "urn:v2-0004", "target_system": "urn:act",
                                     "map": {"I": {"code": "IMP", "display": "inpatient encounter"}}})");
}

// The best of several batches: on a shared machine the minimum is the least disturbed.
template <class F>
double nanoseconds_per_call(F&& f, int iterations) {
  double best = 1e18;
  for (int batch = 0; batch < 20; ++batch) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations / 20; ++i) f();
    auto elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, std::chrono::duration<double, std::nano>(elapsed).count() / (iterations / 20));
  }
  return best;
}

}  // namespace

TEST_CASE("ADT^A01 to a Bundle costs a few parses", "[.speed]") {
  MappingDir dir;
  write_tables(dir);
  auto plan = dir.plan(kAdtBundle);
  std::string text = lienthong::testing::read_file(std::string(LIENTHONG_SOURCE_DIR) + "/samples/messages/adt_a01.hl7");
  REQUIRE(!text.empty());
  auto msg = lienthong::hl7v2::parse_view(text);
  REQUIRE(msg.ok());
  auto out = lienthong::mapping::run(*plan, *msg);
  REQUIRE(out.ok());
  CHECK(lienthong::testing::empty_values(out->json).empty());
  CHECK(out->warnings.empty());
  std::size_t sink = 0;
  const char* n_env = std::getenv("LT_SPEED_N");  // fewer iterations under a profiler
  const int n = n_env != nullptr ? std::atoi(n_env) : 20000;
  // LT_SPEED_ONLY=parse|map runs one side only (for `perf stat`).
  const std::string only = std::getenv("LT_SPEED_ONLY") != nullptr ? std::getenv("LT_SPEED_ONLY") : "";
  const double parse_ns = only == "map" ? 1 : nanoseconds_per_call(
      [&] {
        auto m = lienthong::hl7v2::parse_view(text);
        sink += m->segment_count();
      },
      n);
  const double map_ns = only == "parse" ? 1 : nanoseconds_per_call(
      [&] {
        auto o = lienthong::mapping::run(*plan, *msg);
        sink += o->json.size();
      },
      n);
  WARN("message " << text.size() << " bytes, output " << out->json.size() << " bytes; parse " << parse_ns
                  << " ns, map " << map_ns << " ns, ratio " << map_ns / parse_ns << " (sink " << sink << ")");
  WARN(out->json);
}

// The same measure with the shipped ADT mapping (mappings/hl7v2/adt.json), when it is there.
TEST_CASE("ADT^A01 with the shipped mapping costs a few parses", "[.speed]") {
  const std::filesystem::path root = std::filesystem::path(LIENTHONG_SOURCE_DIR) / "mappings";
  if (!std::filesystem::exists(root / "hl7v2" / "adt.json")) return;
  lienthong::mapping::CompileOptions options;
  options.root = root;
  auto plan = lienthong::mapping::MappingPlan::compile(root / "hl7v2" / "adt.json", options);
  REQUIRE(plan.ok());
  std::string text = lienthong::testing::read_file(std::string(LIENTHONG_SOURCE_DIR) + "/samples/messages/adt_a01.hl7");
  auto msg = lienthong::hl7v2::parse_view(text);
  REQUIRE(msg.ok());
  auto out = lienthong::mapping::run(**plan, *msg);
  REQUIRE(out.ok());
  std::size_t sink = 0;
  const char* n_env = std::getenv("LT_SPEED_N");
  const int n = n_env != nullptr ? std::atoi(n_env) : 4000;
  const double parse_ns = nanoseconds_per_call(
      [&] {
        auto m = lienthong::hl7v2::parse_view(text);
        sink += m->segment_count();
      },
      n);
  const double map_ns = nanoseconds_per_call(
      [&] {
        auto o = lienthong::mapping::run(**plan, *msg);
        sink += o->json.size();
      },
      n);
  WARN("shipped adt.json: output " << out->json.size() << " bytes; parse " << parse_ns << " ns, map " << map_ns
                                   << " ns, ratio " << map_ns / parse_ns << " (sink " << sink << ")");
}
