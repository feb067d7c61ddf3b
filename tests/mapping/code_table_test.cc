#include "engine/mapping/code_table.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using lienthong::mapping::CodeEntry;
using lienthong::mapping::CodeTable;
using lienthong::mapping::CodeTables;

namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> errors_of(std::string_view json, const std::string& file = "t.json") {
  auto table = CodeTable::parse(json, file);
  if (table.ok()) return {};
  return lines_of(table.error().message);
}

constexpr const char* kSex = R"({
  "$comment": "HL7 table 0001 -> FHIR administrative-gender",
  "description": "sex",
  "source_system": "http://terminology.hl7.org/CodeSystem/v2-0001",
  "target_system": "http://hl7.org/fhir/administrative-gender",
  "map": {
    "F": "female",  // a plain output code
    "M": {"code": "male", "display": "Male"},
    "U": {"code": "UNK", "display": "Unknown", "system": "http://terminology.hl7.org/CodeSystem/v3-NullFlavor",
          "$comment": "an entry may override the system"},
    /* trailing commas are fine */
    "X.400": "other",
  },
})";

}  // namespace

TEST_CASE("MAP-6.1 a code table: plain codes, objects with display and system, name from the file") {
  auto table = CodeTable::parse(kSex, "mappings/tables/v2-0001.json");
  REQUIRE(table.ok());
  CHECK(table->name() == "v2-0001");
  CHECK(table->source_system() == "http://terminology.hl7.org/CodeSystem/v2-0001");
  CHECK(table->target_system() == "http://hl7.org/fhir/administrative-gender");

  const CodeEntry* f = table->find("F");
  REQUIRE(f != nullptr);
  CHECK(f->code == "female");
  CHECK(f->display.empty());
  CHECK(f->system.empty());

  const CodeEntry* m = table->find("M");
  REQUIRE(m != nullptr);
  CHECK(m->code == "male");
  CHECK(m->display == "Male");

  const CodeEntry* u = table->find("U");
  REQUIRE(u != nullptr);
  CHECK(u->code == "UNK");
  CHECK(u->system == "http://terminology.hl7.org/CodeSystem/v3-NullFlavor");

  REQUIRE(table->find("X.400") != nullptr);
  // Case matters unless the table says otherwise; no default: unknown is nullptr (MAP-6.3).
  CHECK(table->find("f") == nullptr);
  CHECK(table->find("Z") == nullptr);
  CHECK(table->find("") == nullptr);
}

TEST_CASE("MAP-6.1 default entry and case_insensitive") {
  auto table = CodeTable::parse(R"({
    "map": {"Bhyt": "http://fhir.ehealth.gov.vn/core/sid/insurance_number"},
    "default": {"code": "unknown", "display": "Unknown"},
    "source_system": "urn:a", "target_system": "urn:b",
    "case_insensitive": true,
  })", "ci.json");
  REQUIRE(table.ok());
  CHECK(table->name() == "ci");
  for (const char* code : {"BHYT", "bhyt", "Bhyt", "bHyT"}) {
    INFO(code);
    const CodeEntry* e = table->find(code);
    REQUIRE(e != nullptr);
    CHECK(e->code == "http://fhir.ehealth.gov.vn/core/sid/insurance_number");
  }
  const CodeEntry* other = table->find("CCCD");
  REQUIRE(other != nullptr);
  CHECK(other->code == "unknown");
  CHECK(other->display == "Unknown");

  auto with_string_default = CodeTable::parse(
      R"({"source_system": "urn:a", "target_system": "urn:b", "map": {}, "default": "U"})", "d.json");
  REQUIRE(with_string_default.ok());
  REQUIRE(with_string_default->find("anything") != nullptr);
  CHECK(with_string_default->find("anything")->code == "U");
}

TEST_CASE("MAP-9 code table syntax errors give the file, line and column") {
  auto errors = errors_of("{\n  \"source_system\": \"urn:a\",\n  \"map\" {}\n}\n", "mappings/tables/x.json");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "mappings/tables/x.json: line 3, column 9: Missing a colon after a name of object member.");

  errors = errors_of("{\"map\": {\"F\": \"female\"}", "x.json");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("x.json: line 1, column ", 0) == 0);
  CHECK(errors[0].find("Missing a comma or '}' after an object member.") != std::string::npos);

  errors = errors_of("", "empty.json");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "empty.json: line 1, column 1: The document is empty.");
}

TEST_CASE("MAP-9 code table semantic errors: every one, with its JSON path") {
  CHECK(errors_of("[1, 2]") == std::vector<std::string>{"t.json: $: expected an object"});

  auto errors = errors_of(R"({
    "source_system": 12,
    "map": {
      "F": 1,
      "M": ["male"],
      "O": {"display": "Other"},
      "U": {"code": "unknown", "colour": "red"},
      "A": {"code": 7},
      "X.400": null,
      "N": "",
      "W": "ok",
    },
    "default": [],
    "case_insensitive": "yes",
    "description": false,
    "tagret_system": "urn:typo",
  })");
  const std::vector<std::string> expected = {
      "t.json: $.source_system: expected a string (a code system URI)",
      "t.json: $.case_insensitive: expected true or false",
      "t.json: $.description: expected a string",
      "t.json: $.tagret_system: unknown key (expected source_system, target_system, map, default, "
      "case_insensitive, description or $comment)",
      "t.json: $: missing key target_system (the output codes' system URI)",
      "t.json: $.map.F: expected a string or an object with code/display/system",
      "t.json: $.map.M: expected a string or an object with code/display/system",
      "t.json: $.map.O: expected a string or an object with code/display/system",
      "t.json: $.map.U: expected a string or an object with code/display/system",
      "t.json: $.map.A: expected a string or an object with code/display/system",
      "t.json: $.map[\"X.400\"]: expected a string or an object with code/display/system",
      "t.json: $.map.N: expected a string or an object with code/display/system",
      "t.json: $.default: expected a string or an object with code/display/system",
  };
  CHECK(errors == expected);

  CHECK(errors_of(R"({"source_system": "urn:a", "target_system": "urn:b"})") ==
        std::vector<std::string>{"t.json: $: missing key map (input code -> output code)"});
  CHECK(errors_of(R"({"source_system": "urn:a", "target_system": "urn:b", "map": []})") ==
        std::vector<std::string>{
            "t.json: $.map: expected an object (input code -> output code or {code, display, system})"});
  CHECK(errors_of(R"({"source_system": "urn:a", "target_system": "", "map": {}})") ==
        std::vector<std::string>{"t.json: $.target_system: expected a string (a code system URI)"});
}

TEST_CASE("MAP-9 code table duplicates: keys, codes, and codes equal when case is ignored") {
  CHECK(errors_of(R"({"source_system": "urn:a", "target_system": "urn:b", "map": {"F": "female", "F": "male"}})") ==
        std::vector<std::string>{"t.json: $.map.F: duplicate code"});
  CHECK(errors_of(R"({"source_system": "urn:a", "source_system": "urn:c", "target_system": "urn:b", "map": {}})") ==
        std::vector<std::string>{"t.json: $.source_system: duplicate key"});
  CHECK(errors_of(R"({"source_system": "urn:a", "target_system": "urn:b", "map": {"F": "female", "f": "x"}})")
            .empty());
  CHECK(errors_of(R"({"map": {"F": "female", "f": "x"}, "case_insensitive": true,
                      "source_system": "urn:a", "target_system": "urn:b"})") ==
        std::vector<std::string>{"t.json: $.map.f: duplicate code (the table ignores case)"});
  CHECK(errors_of(R"({"source_system": "urn:a", "target_system": "urn:b", "map": {"": "x", "<": "y"}})") ==
        std::vector<std::string>{"t.json: $.map[\"\"]: expected a non-empty input code"});
}

TEST_CASE("MAP-6.2 CodeTables loads a directory's tables by name, once") {
  const fs::path dir = fs::path(LIENTHONG_BINARY_DIR) / "test-tmp" / "code-tables";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "v2-0001.json") << kSex;
  std::ofstream(dir / "broken.json") << R"({"source_system": "urn:a", "target_system": "urn:b", "map": {"F": 1}})";
  fs::create_directories(dir / "folder.json");

  CodeTables tables(dir);
  CHECK(tables.dir() == dir);
  auto sex = tables.get("v2-0001");
  REQUIRE(sex.ok());
  CHECK((*sex)->name() == "v2-0001");
  REQUIRE((*sex)->find("F") != nullptr);
  CHECK((*sex)->find("F")->code == "female");
  auto again = tables.get("v2-0001");
  REQUIRE(again.ok());
  CHECK(again->get() == sex->get());

  auto missing = tables.get("v2-9999");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == (dir / "v2-9999.json").string() + ": no such code table \"v2-9999\"");

  auto broken = tables.get("broken");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message == (dir / "broken.json").string() +
                                      ": $.map.F: expected a string or an object with code/display/system");

  CHECK_FALSE(tables.get("folder").ok());
  for (const char* bad : {"", "../v2-0001", "tables/v2-0001", ".hidden", "v2 0001"}) {
    INFO(bad);
    auto r = tables.get(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.rfind("not a code table name", 0) == 0);
  }
}

TEST_CASE("shipped code tables under mappings/tables: every one parses and names its systems") {
  const fs::path dir = fs::path(LIENTHONG_SOURCE_DIR) / "mappings" / "tables";
  REQUIRE(fs::is_directory(dir));
  CodeTables tables(dir);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  for (const char* required : {"v2-0001", "v2-0002", "v2-0004", "v2-0004-encounter-status", "v2-0007", "v2-0038",
                               "v2-0063", "v2-0078", "v2-0085", "v2-0119", "v2-0123", "v2-0190",
                               "v2-0190-address-type", "v2-0200", "v2-0201", "v2-0202", "v2-0203",
                               "vn-identifier-type"}) {
    INFO(required);
    CHECK(std::find(names.begin(), names.end(), required) != names.end());
  }
  for (const std::string& name : names) {
    INFO(name);
    auto table = tables.get(name);
    REQUIRE(table.ok());
    CHECK((*table)->name() == name);
    CHECK_FALSE((*table)->source_system().empty());
    CHECK_FALSE((*table)->target_system().empty());
  }
}

TEST_CASE("shipped code tables: content from the v2-to-FHIR IG and the VN Core IG") {
  CodeTables tables(fs::path(LIENTHONG_SOURCE_DIR) / "mappings" / "tables");
  auto get = [&](const char* name) {
    auto table = tables.get(name);
    REQUIRE(table.ok());
    return *table;
  };
  auto sex = get("v2-0001");
  CHECK(sex->source_system() == "http://terminology.hl7.org/CodeSystem/v2-0001");
  CHECK(sex->target_system() == "http://hl7.org/fhir/administrative-gender");
  REQUIRE(sex->find("F") != nullptr);
  CHECK(sex->find("F")->code == "female");
  CHECK(sex->find("A")->code == "other");

  auto marital = get("v2-0002");
  CHECK(marital->target_system() == "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus");
  REQUIRE(marital->find("U") != nullptr);
  CHECK(marital->find("U")->code == "UNK");
  CHECK(marital->find("U")->system == "http://terminology.hl7.org/CodeSystem/v3-NullFlavor");

  auto patient_class = get("v2-0004");
  CHECK(patient_class->target_system() == "http://terminology.hl7.org/CodeSystem/v3-ActCode");
  REQUIRE(patient_class->find("I") != nullptr);
  CHECK(patient_class->find("I")->code == "IMP");
  CHECK(patient_class->find("O")->code == "AMB");
  CHECK(patient_class->find("E")->code == "EMER");

  auto interpretation = get("v2-0078");
  REQUIRE(interpretation->find("<") != nullptr);  // "< " in the IG sheet, trimmed
  CHECK(interpretation->find("HH")->code == "HH");
  CHECK(get("v2-0085")->find("F")->code == "final");
  CHECK(get("v2-0085")->target_system() == "http://hl7.org/fhir/observation-status");
  CHECK(get("v2-0085")->find("I") == nullptr);  // no FHIR status in the IG: the code is kept (MAP-6.3)
  CHECK(get("v2-0123")->find("F")->code == "final");
  CHECK(get("v2-0123")->target_system() == "http://hl7.org/fhir/diagnostic-report-status");
  CHECK(get("v2-0190")->find("H")->code == "home");
  CHECK(get("v2-0201")->find("PRN")->code == "home");
  CHECK(get("v2-0202")->find("Internet")->code == "email");
  CHECK(get("v2-0119")->find("NW")->code == "active");

  auto identifier_type = get("v2-0203");
  CHECK(identifier_type->target_system() == "http://terminology.hl7.org/CodeSystem/v2-0203");
  REQUIRE(identifier_type->find("MR") != nullptr);
  CHECK(identifier_type->find("MR")->code == "MR");
  CHECK(identifier_type->find("MR")->display == "Medical record number");

  auto vn = get("vn-identifier-type");
  CHECK(vn->target_system() == "urn:ietf:rfc:3986");
  const std::string sid = "http://fhir.ehealth.gov.vn/core/sid/";
  const std::pair<const char*, const char*> expected[] = {
      {"BHYT", "insurance_number"}, {"bhyt", "insurance_number"},      {"HC", "insurance_number"},
      {"BHXH", "insurance_number"}, {"SS", "insurance_number"},        {"CCCD", "national_id"},
      {"NI", "national_id"},        {"NNVNM", "national_id"},          {"CMND", "citizen_id"},
      {"PPN", "passport_number"},   {"MA_BN", "patient-internal-id"}, {"MR", "patient-internal-id"},
      {"PI", "patient-internal-id"},
  };
  for (const auto& [key, system] : expected) {
    INFO(key);
    REQUIRE(vn->find(key) != nullptr);
    CHECK(vn->find(key)->code == sid + system);
  }
  CHECK(vn->find("XX") == nullptr);
}
