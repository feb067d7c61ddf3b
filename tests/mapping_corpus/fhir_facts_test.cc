// The fact comparison (tests/mapping_corpus/fhir_facts.h, rules FACT-1..11), on the public
// converter corpus (../shared/corpus/microsoft-fhir-converter) and on small Bundles.
#include "tests/mapping_corpus/fhir_facts.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/support/files.h"

namespace {

namespace fs = std::filesystem;
using namespace lienthong::facts;
using lienthong::testing::read_file;

std::vector<fs::path> expected_bundles() {
  return lienthong::testing::corpus_files("microsoft-fhir-converter/expected", {".json"});
}

fs::path corpus_bundle(const std::string& rel) {
  return fs::path(lienthong::testing::corpus_dir()) / "microsoft-fhir-converter" / "expected" / rel;
}

std::vector<std::string> texts(const Facts& f) {
  std::vector<std::string> out;
  for (const Fact& fact : f.facts) out.push_back(fact.text());
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string to_json(const rapidjson::Document& doc) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return buf.GetString();
}

// Every resource id and the Bundle's id replaced, everywhere in the text (fullUrls,
// request urls and references too), by ids of another scheme.
std::string rewrite_ids(const std::string& json, std::vector<std::string>* old_ids = nullptr) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  std::set<std::string> ids;
  if (doc.HasMember("id")) ids.insert(doc["id"].GetString());
  for (const auto& e : doc["entry"].GetArray()) {
    const auto& r = e["resource"];
    if (r.HasMember("id") && r["id"].GetStringLength() > 0) ids.insert(r["id"].GetString());
  }
  std::string out = json;
  int n = 0;
  for (const std::string& id : ids) {
    char fresh[40];
    std::snprintf(fresh, sizeof fresh, "ours-%08d", ++n);
    for (std::size_t pos = out.find(id); pos != std::string::npos; pos = out.find(id, pos + 1)) {
      out.replace(pos, id.size(), fresh);
    }
    if (old_ids) old_ids->push_back(id);
  }
  return out;
}

Facts facts_of(const std::string& json) {
  Facts f = extract_facts(json);
  REQUIRE(f.error.empty());
  return f;
}

const char* kPatientBundle = R"({
  "resourceType": "Bundle", "id": "b1", "type": "transaction",
  "identifier": {"value": "MSG1"},
  "entry": [
    {"fullUrl": "urn:uuid:7c1e0000-0000-4000-8000-000000000001",
     "resource": {"resourceType": "Patient", "id": "7c1e0000-0000-4000-8000-000000000001",
                  "identifier": [{"system": "urn:oid:1.2", "value": "12345"}],
                  "name": [{"family": "NGUYEN", "given": ["VAN", "AN"]}],
                  "gender": "male", "birthDate": "1980-01-31"}},
    {"fullUrl": "urn:uuid:7c1e0000-0000-4000-8000-000000000002",
     "resource": {"resourceType": "Observation", "id": "7c1e0000-0000-4000-8000-000000000002",
                  "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hemoglobin"}],
                           "text": "Hb"},
                  "subject": {"reference": "urn:uuid:7c1e0000-0000-4000-8000-000000000001"},
                  "valueQuantity": {"value": 13.20, "unit": "g/dL"}}}
  ]})";

}  // namespace

TEST_CASE("facts: every expected Bundle of the corpus matches itself 100%", "[facts][corpus]") {
  auto files = expected_bundles();
  REQUIRE(files.size() == 132);
  for (const fs::path& p : files) {
    INFO(p.string());
    Facts f = facts_of(read_file(p));
    CHECK(f.facts.size() > 10);
    Comparison c = compare(f, f);
    CHECK(c.expected == f.facts.size());
    CHECK(c.matched == c.expected);
    CHECK(c.ratio() == 1.0);
    for (const auto& [type, r] : c.by_type) {
      CHECK(r.missing.empty());
      CHECK(r.extra.empty());
    }
  }
}

TEST_CASE("facts: ids, fullUrls and references rewritten to another scheme change nothing (FACT-1, FACT-8)",
          "[facts][corpus]") {
  for (const fs::path& p : expected_bundles()) {
    INFO(p.string());
    std::string original = read_file(p);
    std::vector<std::string> old_ids;
    std::string rewritten = rewrite_ids(original, &old_ids);
    REQUIRE(!old_ids.empty());
    for (const std::string& id : old_ids) REQUIRE(rewritten.find(id) == std::string::npos);
    Facts a = facts_of(original);
    Facts b = facts_of(rewritten);
    // The very same fact texts: no id ever shows in a fact.
    CHECK(a.by_type() == b.by_type());
    Comparison c = compare(a, b);
    CHECK(c.matched == c.expected);
  }
}

TEST_CASE("facts: the order of entries does not matter", "[facts][corpus]") {
  std::string json = read_file(corpus_bundle("ORU_R01/ORU-R01-01-expected.json"));
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  auto entries = doc["entry"].GetArray();
  for (rapidjson::SizeType i = 0, j = entries.Size() - 1; i < j; ++i, --j) entries[i].Swap(entries[j]);
  Facts a = facts_of(json);
  Facts b = facts_of(to_json(doc));
  CHECK(a.by_type() == b.by_type());
  CHECK(compare(a, b).ratio() == 1.0);
}

TEST_CASE("facts: one identifier value changed is the one missing fact (FACT-3)", "[facts][corpus]") {
  std::string json = read_file(corpus_bundle("ADT_A01/ADT-A01-01-expected.json"));
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  bool changed = false;
  for (auto& e : doc["entry"].GetArray()) {
    auto& r = e["resource"];
    if (std::string(r["resourceType"].GetString()) != "Patient") continue;
    auto& id = r["identifier"][0];
    REQUIRE(std::string(id["value"].GetString()) == "1234567");
    id["value"].SetString("7654321", doc.GetAllocator());
    changed = true;
  }
  REQUIRE(changed);
  Facts expected = facts_of(json);
  Facts actual = facts_of(to_json(doc));
  Comparison c = compare(expected, actual);
  CHECK(c.ratio() < 1.0);
  // Only the identifier itself: references to the Patient still resolve to it through
  // its other identifiers (FACT-9).
  CHECK(c.expected - c.matched == 1);
  const TypeResult& patient = c.by_type.at("Patient");
  REQUIRE(patient.missing.size() == 1);
  CHECK(patient.missing[0] == "Patient identifier http://example.com/v2-to-fhir-converter/Identifier/test|1234567");
  REQUIRE(patient.extra.size() == 1);
  CHECK(patient.extra[0] == "Patient identifier http://example.com/v2-to-fhir-converter/Identifier/test|7654321");
}

TEST_CASE("facts: a corpus Bundle's facts (FACT-1..8)", "[facts][corpus]") {
  Facts f = facts_of(read_file(corpus_bundle("ADT_A01/ADT-A01-01-expected.json")));
  auto t = texts(f);
  CHECK(has(t, "Bundle identifier |MSG00001"));
  // MSH-7 198908181126+0215, written by the oracle as 1989-08-18T14:41:00+05:30.
  CHECK(has(t, "Bundle timestamp 1989-08-18T09:11:00Z"));
  CHECK(has(t, "MessageHeader eventCoding http://terminology.hl7.org/CodeSystem/v2-0003|A01"));
  CHECK(has(t, "Patient identifier http://example.com/v2-to-fhir-converter/Identifier/test|1234567"));
  CHECK(has(t, "Patient identifier.type http://terminology.hl7.org/CodeSystem/v2-0203|MR"));
  CHECK(has(t, "Patient name.family EVERYMAN"));
  CHECK(has(t, "Patient name.given ADAM"));
  CHECK(has(t, "Patient birthDate 1988-08-18"));
  CHECK(has(t, "Patient gender male"));
  CHECK(has(t, "Patient extension(us-core-race).extension(ombCategory).valueCoding "
               "urn:oid:2.16.840.1.113883.6.238|2106-3"));
  CHECK(has(t, "Provenance target -> Bundle identifier |MSG00001"));
  CHECK(has(t, "Account subject -> Patient identifier "
               "http://example.com/v2-to-fhir-converter/Identifier/test|1234567"));
  CHECK(has(t, "MessageHeader responsible -> Organization name 22 GHH Inc."));
  // Not facts: ids, meta, narrative, displays, Bundle.type, request.
  for (const Fact& fact : f.facts) {
    INFO(fact.text());
    CHECK(!(fact.resource_type == "Bundle" && fact.label == "type"));
    for (const char* part : {"meta", "display", "text", "request", "fullUrl", "id"}) {
      CHECK(fact.label != part);
      CHECK(fact.label.rfind(std::string(part) + ".", 0) == std::string::npos);
      CHECK(fact.label.find("." + std::string(part)) == std::string::npos);
    }
    CHECK(fact.text().find("b4ca189b-51ae-33df-cbe2-559b4423a321") == std::string::npos);
  }
}

TEST_CASE("facts: a small Bundle's facts, in document order (FACT-2..8)", "[facts]") {
  Facts f = facts_of(kPatientBundle);
  std::vector<std::string> want{
      "Bundle identifier |MSG1",
      "Patient identifier urn:oid:1.2|12345",
      "Patient name.family NGUYEN",
      "Patient name.given VAN",
      "Patient name.given AN",
      "Patient gender male",
      "Patient birthDate 1980-01-31",
      "Observation status final",
      "Observation code http://loinc.org|718-7",
      "Observation subject -> Patient identifier urn:oid:1.2|12345",
      "Observation valueQuantity 13.2 g/dL",
  };
  CHECK(texts(f) == want);
  CHECK(f.facts[10].kind == FactKind::Text);
  CHECK(f.facts[6].kind == FactKind::Date);
  CHECK(f.facts[9].kind == FactKind::Reference);
}

TEST_CASE("facts: references resolve through urn:uuid, Type/id and absolute fullUrls (FACT-8)", "[facts]") {
  auto bundle = [](const std::string& full_url, const std::string& id, const std::string& ref) {
    return R"({"resourceType": "Bundle", "type": "batch", "entry": [
      {"fullUrl": ")" + full_url + R"(", "resource": {"resourceType": "Patient", "id": ")" + id + R"(",
        "identifier": [{"system": "urn:oid:1.2", "value": "12345"}]}},
      {"resource": {"resourceType": "Observation", "subject": {"reference": ")" + ref + R"("}}}]})";
  };
  const std::string want = "Observation subject -> Patient identifier urn:oid:1.2|12345";
  SECTION("urn:uuid") {
    auto t = texts(facts_of(bundle("urn:uuid:0b5c", "x", "urn:uuid:0b5c")));
    CHECK(has(t, want));
  }
  SECTION("Type/id, fullUrl a urn:uuid") {
    auto t = texts(facts_of(bundle("urn:uuid:0b5c", "p7", "Patient/p7")));
    CHECK(has(t, want));
  }
  SECTION("Type/id against an absolute fullUrl") {
    auto t = texts(facts_of(bundle("http://example.org/fhir/Patient/p9", "other", "Patient/p9")));
    CHECK(has(t, want));
  }
  SECTION("absolute reference, versioned") {
    auto t = texts(facts_of(bundle("http://example.org/fhir/Patient/p9", "p9", "http://example.org/fhir/Patient/p9/_history/2")));
    CHECK(has(t, want));
  }
  SECTION("not in the Bundle") {
    auto t = texts(facts_of(bundle("urn:uuid:0b5c", "p7", "Patient/p8")));
    CHECK(has(t, "Observation subject -> Patient (not in the Bundle)"));
  }
  SECTION("urn:uuid and Type/id Bundles compare equal") {
    Facts a = facts_of(bundle("urn:uuid:0b5c", "x", "urn:uuid:0b5c"));
    Facts b = facts_of(bundle("urn:uuid:ffff", "p7", "Patient/p7"));
    CHECK(compare(a, b).ratio() == 1.0);
  }
}

TEST_CASE("facts: a reference's target without identifiers is named by name, code or its own reference",
          "[facts]") {
  const char* json = R"({"resourceType": "Bundle", "id": "b9", "identifier": {"system": "urn:x", "value": "M9"},
    "entry": [
      {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Organization", "id": "1", "name": "Acme"}},
      {"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Practitioner", "id": "2",
        "name": [{"family": "Tran", "given": ["Thi", "Mai"]}]}},
      {"fullUrl": "urn:uuid:3", "resource": {"resourceType": "PractitionerRole", "id": "3",
        "practitioner": {"reference": "Practitioner/2"}}},
      {"fullUrl": "urn:uuid:4", "resource": {"resourceType": "Medication", "id": "4",
        "code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "198211"}]}}},
      {"fullUrl": "urn:uuid:5", "resource": {"resourceType": "MedicationRequest", "id": "5",
        "medicationReference": {"reference": "Medication/4"},
        "requester": {"reference": "urn:uuid:3"},
        "performer": {"reference": "Organization/1"},
        "basedOn": [{"reference": "#local"}]}},
      {"fullUrl": "urn:uuid:6", "resource": {"resourceType": "Provenance", "id": "6",
        "target": [{"reference": "Bundle/b9"}]}}
    ]})";
  auto t = texts(facts_of(json));
  CHECK(has(t, "MedicationRequest medicationReference -> Medication code "
               "http://www.nlm.nih.gov/research/umls/rxnorm|198211"));
  CHECK(has(t, "MedicationRequest requester -> PractitionerRole practitioner -> Practitioner name Tran Thi Mai"));
  CHECK(has(t, "MedicationRequest performer -> Organization name Acme"));
  CHECK(has(t, "MedicationRequest basedOn -> (contained)"));
  CHECK(has(t, "Provenance target -> Bundle identifier urn:x|M9"));
}

TEST_CASE("facts: references match when their targets share one identifier (FACT-9)", "[facts]") {
  auto bundle = [](const std::string& identifiers) {
    return R"({"resourceType": "Bundle", "entry": [
      {"fullUrl": "urn:uuid:p", "resource": {"resourceType": "Patient", "identifier": [)" + identifiers + R"(]}},
      {"resource": {"resourceType": "Encounter", "subject": {"reference": "urn:uuid:p"}}}]})";
  };
  Facts expected = facts_of(bundle(R"({"system": "urn:a", "value": "A1"}, {"system": "urn:b", "value": "B2"})"));
  Facts shares = facts_of(bundle(R"({"system": "urn:other", "value": "B2"})"));
  Facts differs = facts_of(bundle(R"({"system": "urn:a", "value": "C3"})"));
  Comparison c1 = compare(expected, shares);
  CHECK(c1.by_type.at("Encounter").matched == 1);
  // The identifiers themselves are facts of the Patient, and both missing here.
  CHECK(c1.by_type.at("Patient").matched == 0);
  Comparison c2 = compare(expected, differs);
  CHECK(c2.by_type.at("Encounter").matched == 0);
  REQUIRE(c2.by_type.at("Encounter").missing.size() == 1);
  CHECK(c2.by_type.at("Encounter").missing[0] == "Encounter subject -> Patient identifier urn:a|A1");
}

TEST_CASE("facts: FHIR dates parse, keep their precision and convert to UTC (FACT-6)", "[facts][dates]") {
  auto d = parse_fhir_date("2024-01-31T14:20:05+07:00");
  REQUIRE(d);
  CHECK(d->has_offset);
  CHECK(d->offset == "+07:00");
  CHECK(d->local == "2024-01-31T14:20:05");
  CHECK(d->utc == "2024-01-31T07:20:05Z");
  CHECK(parse_fhir_date("2024-01-31T07:20:05Z")->utc == "2024-01-31T07:20:05Z");
  CHECK(parse_fhir_date("2024-01-31T14:20:05.400+07:00")->utc == "2024-01-31T07:20:05.4Z");
  CHECK(parse_fhir_date("2021-08-17T18:49:43.4+05:30")->utc == "2021-08-17T13:19:43.4Z");
  CHECK(parse_fhir_date("2024-01-01T03:00:00+07:00")->utc == "2023-12-31T20:00:00Z");
  CHECK(parse_fhir_date("2024-02-28T20:00:00-08:00")->utc == "2024-02-29T04:00:00Z");
  CHECK(parse_fhir_date("2023-02-28T20:00:00-08:00")->utc == "2023-03-01T04:00:00Z");
  CHECK(parse_fhir_date("2024-01-31T14:20+07:00")->utc == "2024-01-31T07:20Z");
  auto date = parse_fhir_date("1980-01-31");
  REQUIRE(date);
  CHECK(!date->has_offset);
  CHECK(date->local == "1980-01-31");
  CHECK(date->utc.empty());
  CHECK(parse_fhir_date("1980-01")->local == "1980-01");
  CHECK(parse_fhir_date("1980")->local == "1980");
  for (const char* bad : {"1980-02-30", "1980-13", "2024-01-31T25:00:00Z", "2024-01-31T14:20:05+7",
                          "2024-01-31T14:20:05+07:00x", "2024-01-31 14:20", "0000", "198", "abcd", "2024-1-31"}) {
    INFO(bad);
    CHECK(!parse_fhir_date(bad));
  }
}

TEST_CASE("facts: dates compare as instants, or as wall clocks at the shared precision (FACT-6)",
          "[facts][dates]") {
  auto p = [](const char* s) { return *parse_fhir_date(s); };
  CHECK(dates_match(p("2024-01-31T14:20:05+07:00"), p("2024-01-31T07:20:05Z"), "+05:30"));
  CHECK(dates_match(p("2024-01-31T12:50:05+05:30"), p("2024-01-31T14:20:05+07:00"), ""));
  CHECK(!dates_match(p("2024-01-31T14:20:05+07:00"), p("2024-01-31T14:20:06+07:00"), "+05:30"));
  // Precision is kept: a fraction is not the whole second.
  CHECK(!dates_match(p("2024-01-31T14:20:05.4+07:00"), p("2024-01-31T14:20:05+07:00"), "+05:30"));
  CHECK(dates_match(p("2024-01-31T14:20:05.40+07:00"), p("2024-01-31T14:20:05.4+07:00"), "+05:30"));
  // A date against a dateTime: the wall clock's date.
  CHECK(dates_match(p("2024-01-31"), p("2024-01-31T23:30:00+07:00"), "+05:30"));
  CHECK(!dates_match(p("2024-02-01"), p("2024-01-31T23:30:00+07:00"), "+05:30"));
  CHECK(dates_match(p("2024-01"), p("2024-01-31"), "+05:30"));
  CHECK(!dates_match(p("2024-01-31"), p("2024-01-30"), "+05:30"));
  // The oracle's host zone on a time that had no offset: the same wall clock matches ...
  CHECK(dates_match(p("2024-01-31T14:20:05+05:30"), p("2024-01-31T14:20:05+07:00"), "+05:30"));
  // ... only when the expected side carries that offset, and only if the rule is on.
  CHECK(!dates_match(p("2024-01-31T14:20:05+07:00"), p("2024-01-31T14:20:05+05:30"), "+05:30"));
  CHECK(!dates_match(p("2024-01-31T14:20:05+05:30"), p("2024-01-31T14:20:05+07:00"), ""));
}

TEST_CASE("facts: the same instant in two zones is one fact in a Bundle (FACT-6)", "[facts][dates]") {
  auto bundle = [](const char* start) {
    return std::string(R"({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Encounter",
      "period": {"start": ")") + start + R"("}, "status": "finished"}}]})";
  };
  Facts a = facts_of(bundle("2024-01-31T14:20:05+07:00"));
  Facts b = facts_of(bundle("2024-01-31T07:20:05Z"));
  CHECK(has(texts(a), "Encounter period.start 2024-01-31T07:20:05Z"));
  CHECK(texts(a) == texts(b));
  CHECK(compare(a, b).ratio() == 1.0);
  Facts later = facts_of(bundle("2024-01-31T14:21:05+07:00"));
  Comparison c = compare(a, later);
  CHECK(c.matched == 1);  // the status
  CHECK(c.by_type.at("Encounter").missing == std::vector<std::string>{"Encounter period.start 2024-01-31T07:20:05Z"});
}

TEST_CASE("facts: quantities compare as numbers with their unit (FACT-5)", "[facts][quantity]") {
  CHECK(normalize_number(13.20) == "13.2");
  CHECK(normalize_number(120.0) == "120");
  CHECK(normalize_number(0.1) == "0.1");
  CHECK(normalize_number(-0.0) == "0");
  CHECK(normalize_number(-2.5) == "-2.5");
  auto bundle = [](const std::string& quantity) {
    return R"({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Observation",
      "valueQuantity": )" + quantity + "}}]}";
  };
  Facts a = facts_of(bundle(R"({"value": 13.20, "unit": "g/dL"})"));
  Facts b = facts_of(bundle(R"({"value": 13.2, "unit": "gram per decilitre", "system": "http://unitsofmeasure.org",
                                 "code": "g/dL"})"));
  Facts c = facts_of(bundle(R"({"value": 1.32e1, "code": "g/dL"})"));
  Facts other = facts_of(bundle(R"({"value": 13.3, "unit": "g/dL"})"));
  Facts no_unit = facts_of(bundle(R"({"value": 13})"));
  CHECK(texts(a) == std::vector<std::string>{"Observation valueQuantity 13.2 g/dL"});
  CHECK(compare(a, b).ratio() == 1.0);
  CHECK(compare(a, c).ratio() == 1.0);
  CHECK(compare(a, other).ratio() == 0.0);
  CHECK(texts(no_unit) == std::vector<std::string>{"Observation valueQuantity 13"});
  // A decimal beside other members is no Quantity (ClaimResponse adjudication).
  Facts adjudication = facts_of(R"({"resourceType": "ClaimResponse", "item": [{"adjudication": [{"value": 12.5,
    "category": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/adjudication", "code": "eligible"}]}}]}]})");
  CHECK(texts(adjudication) == std::vector<std::string>{
                                   "ClaimResponse item.adjudication.category "
                                   "http://terminology.hl7.org/CodeSystem/adjudication|eligible"});
}

TEST_CASE("facts: what is not a fact (FACT-1, FACT-7)", "[facts]") {
  const char* json = R"({"resourceType": "Patient", "id": "p1",
    "meta": {"lastUpdated": "2024-01-31T07:20:05Z", "tag": [{"system": "urn:t", "code": "T"}]},
    "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">2024-01-31</div>"},
    "telecom": [{"system": "phone", "value": "0901234567", "use": "home"}],
    "address": [{"line": ["12 Le Loi"], "city": "Hue"}],
    "maritalStatus": {"text": "married"},
    "communication": [{"language": {"coding": [{"display": "Vietnamese"}]}}],
    "multipleBirthInteger": 2, "active": true,
    "name": [{"family": "  ", "given": [""], "text": "Nguyen Van An"}]})";
  Facts f = facts_of(json);
  CHECK(texts(f).empty());
}

TEST_CASE("facts: documents that are not JSON objects are errors; a BOM is skipped", "[facts]") {
  CHECK(!extract_facts("{not json").error.empty());
  CHECK(!extract_facts("[1, 2]").error.empty());
  CHECK(!extract_facts("").error.empty());
  Facts f = extract_facts("\xEF\xBB\xBF{\"resourceType\": \"Patient\", \"gender\": \"female\"}");
  CHECK(f.error.empty());
  CHECK(texts(f) == std::vector<std::string>{"Patient gender female"});
}

TEST_CASE("facts: compare reports missing and extra facts per resource type (FACT-9)", "[facts]") {
  Facts expected = facts_of(kPatientBundle);
  std::string changed = kPatientBundle;
  changed.replace(changed.find("\"male\""), 6, "\"female\"");
  const std::string observation = "\"resourceType\": \"Observation\"";
  changed.replace(changed.find(observation), observation.size(), "\"resourceType\": \"Condition\"");
  Facts actual = facts_of(changed);
  Comparison c = compare(expected, actual);
  CHECK(c.expected == 11);
  CHECK(c.matched == 6);  // Bundle identifier, Patient identifier, family, 2 given, birthDate
  CHECK(c.by_type.at("Patient").missing == std::vector<std::string>{"Patient gender male"});
  CHECK(c.by_type.at("Patient").extra == std::vector<std::string>{"Patient gender female"});
  CHECK(c.by_type.at("Observation").expected == 4);
  CHECK(c.by_type.at("Observation").matched == 0);
  CHECK(c.by_type.at("Condition").expected == 0);
  CHECK(c.by_type.at("Condition").extra.size() == 4);
  CHECK(c.ratio() == Approx(6.0 / 11.0));
  Facts empty;
  CHECK(compare(empty, empty).ratio() == 1.0);
  CHECK(compare(expected, empty).ratio() == 0.0);
}

TEST_CASE("facts: a Provenance target of the Bundle matches one of the MessageHeader (FACT-10)", "[facts]") {
  auto bundle = [](const std::string& target, const std::string& label) {
    return R"({"resourceType": "Bundle", "id": "b1", "identifier": {"value": "MSG1"}, "entry": [
      {"fullUrl": "urn:uuid:m", "resource": {"resourceType": "MessageHeader", "eventCoding": {"code": "A01"}}},
      {"fullUrl": "urn:uuid:o", "resource": {"resourceType": "Organization", "name": "X"}},
      {"resource": {"resourceType": "Provenance", ")" + label + R"(": [{"reference": ")" + target + R"("}]}}]})";
  };
  Facts expected = facts_of(bundle("Bundle/b1", "target"));
  CHECK(compare(expected, facts_of(bundle("urn:uuid:m", "target"))).by_type.at("Provenance").matched == 1);
  // Only the message: another target, or another element, does not stand for it.
  CHECK(compare(expected, facts_of(bundle("urn:uuid:o", "target"))).by_type.at("Provenance").matched == 0);
  Facts entity = facts_of(bundle("Bundle/b1", "entity"));
  CHECK(compare(entity, facts_of(bundle("urn:uuid:m", "entity"))).by_type.at("Provenance").matched == 0);
}

TEST_CASE("facts: the oracle's invented system for a known v2 coding-system name matches its URI (FACT-11)",
          "[facts]") {
  auto bundle = [](const std::string& system, const std::string& code) {
    return R"({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Immunization",
      "vaccineCode": {"coding": [{"system": ")" + system + R"(", "code": ")" + code + R"("}]}}}]})";
  };
  const std::string base = "http://example.com/v2-to-fhir-converter/CodeSystem/";
  auto matched = [&](const std::string& e_sys, const std::string& a_sys, const std::string& a_code) {
    return compare(facts_of(bundle(e_sys, "88")), facts_of(bundle(a_sys, a_code))).matched;
  };
  CHECK(matched(base + "CVX", "http://hl7.org/fhir/sid/cvx", "88") == 1);
  CHECK(matched(base + "HL70163", "http://terminology.hl7.org/CodeSystem/v2-0163", "88") == 1);
  CHECK(matched(base + "CDCREC", "urn:oid:2.16.840.1.113883.6.238", "88") == 1);
  // The code must still be the same, and a name without a published URI stays as it is.
  CHECK(matched(base + "CVX", "http://hl7.org/fhir/sid/cvx", "89") == 0);
  CHECK(matched(base + "LOCAL", "http://hl7.org/fhir/sid/cvx", "88") == 0);
  CHECK(matched(base + "HL7016", "http://terminology.hl7.org/CodeSystem/v2-016", "88") == 0);
}
