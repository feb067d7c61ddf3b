// `lienthong map`: a tiny mapping chosen by MSH-9, --mapping, --explain, an
// unmapped type, compile errors, a rejection, usage errors.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/cli/run_cli.h"

using lienthong::testing::run_cli;

namespace {

namespace fs = std::filesystem;

const char* kAdt =
    "MSH|^~\\&|HIS|BV|LT|SYT|20240315083012+0700||ADT^A01^ADT_A01|C1|P|2.5.1\r"
    "PID|1||BN001^^^BV^PI||Nguyễn^Văn An||19850612|M\r";

// A mappings directory under the build tree, removed afterwards.
class Mappings {
 public:
  Mappings() {
    fs::path base = fs::path(LIENTHONG_BINARY_DIR) / "test-tmp";
    fs::create_directories(base);
    std::string tmpl = (base / "cli-map-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
  }
  ~Mappings() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string write(const std::string& rel, const std::string& text) const {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

}  // namespace

TEST_CASE("cli map: the mapping is chosen by MSH-9; output on stdout", "[cli][map]") {
  Mappings m;
  m.write("hl7v2/adt.json", R"({"$mapping": {"messages": ["ADT^A01", "ADT^A04"]},
                                "resourceType": "Patient", "id": "${PID-3.1}", "name": [{"family": "${PID-5.1}"}],
                                "birthDate": "${date(PID-7)}", "gender": "${lookup('sex', PID-8)}"})");
  m.write("hl7v2/oru.json", R"({"$mapping": {"messages": ["ORU^R01"]}, "resourceType": "DiagnosticReport"})");
  m.write("tables/sex.json", R"({"source_system": "urn:v2-0001", "target_system": "urn:g", "map": {"M": "male"}})");
  auto r = run_cli({"map", "--mappings", m.root(), "--input", "-"}, kAdt);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "{\"resourceType\":\"Patient\",\"id\":\"BN001\",\"name\":[{\"family\":\"Nguyễn\"}],"
        "\"birthDate\":\"1985-06-12\",\"gender\":\"male\"}\n");

  auto pretty = run_cli({"map", "--mappings", m.root(), "--input", "-", "--pretty"}, kAdt);
  CHECK(pretty.status == 0);
  CHECK(pretty.out.find("{\n  \"resourceType\": \"Patient\",\n  \"id\": \"BN001\",") == 0);

  const std::string file = m.write("msg.hl7", kAdt);
  auto named = run_cli({"map", "--mapping", m.root() + "/hl7v2/oru.json", "--mappings", m.root(), "--input", file});
  CHECK(named.status == 0);
  CHECK(named.out == "{\"resourceType\":\"DiagnosticReport\"}\n");
}

TEST_CASE("cli map --explain prints the output and the explain records", "[cli][map]") {
  Mappings m;
  const std::string mapping = m.write("x.json", R"({"id": "${PID-3.1}", "kind": "patient"})");
  auto r = run_cli({"map", "--mapping", mapping, "--mappings", m.root(), "--input", "-", "--explain"}, kAdt);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "{\"output\":{\"id\":\"BN001\",\"kind\":\"patient\"},\"explain\":[{\"output\":\"$.id\",\"mapping\":\"" +
                     mapping + "\",\"path\":\"$.id\",\"expression\":\"${PID-3.1}\",\"inputs\":[\"PID-3.1\"]}]}\n");
}

TEST_CASE("cli map: a message type no mapping declares is a clear error", "[cli][map]") {
  Mappings m;
  m.write("hl7v2/adt.json", R"({"$mapping": {"messages": ["ADT^A01", "ADT^*"]}, "a": 1})");
  m.write("hl7v2/siu.json", R"({"$mapping": {"messages": ["SIU^S12"]}, "a": 1})");
  const std::string oru = "MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5\r";
  auto r = run_cli({"map", "--mappings", m.root(), "--input", "-"}, oru);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "lienthong map: no mapping for ORU^R01 in " + m.root() +
                     "/hl7v2 (have: ADT^*, ADT^A01, SIU^S12)\n");
}

TEST_CASE("cli map: compile errors print every line and exit 2", "[cli][map]") {
  Mappings m;
  const std::string bad = m.write("hl7v2/bad.json", R"({"$mapping": {"messages": ["ADT^A01"]},
    "a": "${lookpu(PID-8)}",
    "b": {"$for": "PID-3[*]"}})");
  auto r = run_cli({"map", "--mappings", m.root(), "--input", "-"}, kAdt);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == bad + ": $.a: unknown function 'lookpu' (at column 3 of \"${lookpu(PID-8)}\")\n" + bad +
                     ": $.b: $for is only allowed in an element of an array\n");
}

TEST_CASE("cli map: a rejection prints the mapping's reason and exits 2", "[cli][map]") {
  Mappings m;
  const std::string mapping = m.write("r.json", R"({"id": "${required(PID-99, 'patient id missing')}"})");
  auto r = run_cli({"map", "--mapping", mapping, "--mappings", m.root(), "--input", "-"}, kAdt);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "lienthong map: rejected by " + mapping + ": $.id: patient id missing\n");
}

TEST_CASE("cli map: usage errors exit 64; bad input exits 2; unreadable input 66", "[cli][map]") {
  CHECK(run_cli({"map"}).status == 64);
  CHECK(run_cli({"map", "--input"}).status == 64);
  CHECK(run_cli({"map", "--input", "-", "--bogus"}).status == 64);
  CHECK(run_cli({"map", "--input", "-", "--tz", "Mars/Olympus"}, kAdt).status == 64);
  auto help = run_cli({"map", "--help"});
  CHECK(help.status == 0);
  CHECK(help.out.find("--explain") != std::string::npos);
  auto bad = run_cli({"map", "--input", "-"}, "PID|1\r");
  CHECK(bad.status == 2);
  CHECK(run_cli({"map", "--input", "/nonexistent/x.hl7"}).status == 66);
}

TEST_CASE("cli map: a mapping of FHIR input reads the input as JSON (MAP-11)", "[cli][map]") {
  Mappings m;
  const std::string mapping = m.write("fhir_summary.json", R"J({"$mapping": {"input": "fhir"},
      "patient": "${select('Bundle.entry.resource.ofType(Patient).id')}",
      "families": "${select('entry.resource.ofType(Patient).name.where(use = \"official\").family')}"})J");
  const std::string bundle = R"J({"resourceType": "Bundle", "type": "collection", "entry": [
      {"resource": {"resourceType": "Patient", "id": "p1", "name": [{"use": "official", "family": "Nguyễn"},
                                                                    {"use": "usual", "family": "An"}]}},
      {"resource": {"resourceType": "Observation", "id": "o1"}}]})J";
  auto r = run_cli({"map", "--mapping", mapping, "--mappings", m.root(), "--input", "-"}, bundle);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "{\"patient\":\"p1\",\"families\":\"Nguyễn\"}\n");

  auto bad = run_cli({"map", "--mapping", mapping, "--mappings", m.root(), "--input", "-"}, "{\"a\": \n  [1,}");
  CHECK(bad.status == 2);
  CHECK(bad.out.empty());
  CHECK_THAT(bad.err, Catch::Contains("line 2, column") && Catch::Contains("not JSON"));

  // JSON without --mapping: said so, not parsed as a broken HL7 message.
  auto unnamed = run_cli({"map", "--mappings", m.root(), "--input", "-"}, bundle);
  CHECK(unnamed.status == 2);
  CHECK_THAT(unnamed.err, Catch::Contains("this is JSON, not HL7 v2") && Catch::Contains("--mapping"));

  // An HL7 v2 message given to it is not JSON either: refused, not mapped to nothing.
  auto hl7 = run_cli({"map", "--mapping", mapping, "--mappings", m.root(), "--input", "-"}, kAdt);
  CHECK(hl7.status == 2);
  CHECK_THAT(hl7.err, Catch::Contains("not JSON"));
}

TEST_CASE("cli map: ADT^A29 with the shipped mappings deletes the Patient by its identifier, nothing else",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  // In a message from Viet Nam (MSH-17) the CCCD is chosen by kind (CX.5), whatever its position:
  // the hospital's MRN comes first.
  const std::string a29 =
      "MSH|^~\\&|HIS|BV|LT|SYT|20240315083012+0700||ADT^A29^ADT_A21|C29|P|2.5.1|||||VNM\r"
      "EVN|A29|20240315083000\r"
      "PID|1||BN001^^^BV^MR~079085001234^^^BCA^CCCD||Nguyễn^Văn An||19850612|M\r"
      "PV1|1|I|K01^P101^G1||||BS01^Trần^Bình\r";
  auto r = run_cli({"map", "--mappings", shipped, "--input", "-"}, a29);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out ==
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"identifier\":{\"value\":\"C29\"},"
        "\"timestamp\":\"2024-03-15T08:30:12+07:00\",\"entry\":[{\"request\":{\"method\":\"DELETE\","
        "\"url\":\"Patient?identifier=http://fhir.ehealth.gov.vn/core/sid/national_id|079085001234\"}}]}\n");

  // No identifier: nothing to address, so the message is rejected, never a DELETE of "Patient".
  const std::string anonymous = "MSH|^~\\&|HIS|BV|LT|SYT|20240315083012+0700||ADT^A29|C30|P|2.5.1\rPID|1||||X^Y\r";
  auto rejected = run_cli({"map", "--mappings", shipped, "--input", "-"}, anonymous);
  CHECK(rejected.status == 2);
  CHECK(rejected.out.empty());
  CHECK(rejected.err.find("the patient has no identifier (PID-3, PID-2)") != std::string::npos);
}

TEST_CASE("cli map --country: a HIS that leaves MSH-17 empty gets the Vietnamese identifiers when the country "
          "is configured (docs/identifiers.md)",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  const std::string a08 =
      "MSH|^~\\&|HIS|BV|LT|SYT|20241105083012+0700||ADT^A08|C31|P|2.4\r"
      "EVN|A08|20241105083000\r"
      "PID|1||BN1^^^BV^PI~HS4010123456789^^^BHXH^HC||Le^Tam^Van||19900101|M\r"
      "PV1|1|I|NOI^101^2^BV\r";
  auto vietnam = run_cli({"map", "--mappings", shipped, "--input", "-", "--country", "VNM"}, a08);
  INFO(vietnam.err);
  REQUIRE(vietnam.status == 0);
  CHECK(vietnam.out.find("\"value\":\"BN1\",\"system\":\"http://fhir.ehealth.gov.vn/core/sid/patient-internal-id\"") !=
        std::string::npos);
  CHECK(vietnam.out.find("\"text\":\"Le Van Tam\"") != std::string::npos);

  // Without it, PI is some facility's id under a local system, as for any other country.
  auto elsewhere = run_cli({"map", "--mappings", shipped, "--input", "-"}, a08);
  REQUIRE(elsewhere.status == 0);
  CHECK(elsewhere.out.find("patient-internal-id") == std::string::npos);
  CHECK(elsewhere.out.find("\"text\":\"Le Van Tam\"") == std::string::npos);

  CHECK(run_cli({"map", "--mappings", shipped, "--input", "-", "--country", "Viet Nam"}, a08).status == 64);
}

TEST_CASE("cli map: numeric results with the shipped ORU mapping: limits in NM keep their comparator, an SN "
          "number is never a unit, a CQ's unit is its own",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  const std::string oru =
      "MSH|^~\\&|LIS|BV|LT|SYT|20241105083012+0700||ORU^R01|R1|P|2.5\r"
      "PID|1||P3^^^BV^PI||Tran^B\r"
      "OBR|1|X||GLU\r"
      "OBX|1|NM|A||<5|mmol/L\r"
      "OBX|2|NM|B||>= 0.5|g/L\r"
      "OBX|3|NM|C||<5x|g/L\r"
      "OBX|4|SN|D||>^10\r"
      "OBX|5|CQ|E||12^mg\r"
      "OBX|6|NM|F||7.25|g/L\r";
  auto r = run_cli({"map", "--mappings", shipped, "--input", "-"}, oru);
  INFO(r.err);
  REQUIRE(r.status == 0);
  for (const char* value : {R"("valueQuantity":{"value":5,"comparator":"<","unit":"mmol/L"})",
                            R"("valueQuantity":{"value":0.5,"comparator":">=","unit":"g/L"})",
                            R"("valueString":"<5x")",
                            R"("valueQuantity":{"value":10,"comparator":">"})",
                            R"("valueQuantity":{"value":12,"unit":"mg"})",
                            R"("valueQuantity":{"value":7.25,"unit":"g/L"})"}) {
    INFO(value);
    CHECK(r.out.find(value) != std::string::npos);
  }
}

TEST_CASE("cli map: a Vietnamese laboratory's decimal comma is read as a decimal point for a sender in Viet Nam; a "
          "reference range without numbers is only text",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  const std::string oru =
      "MSH|^~\\&|LIS|BV|LT|SYT|20241105083012+0700||ORU^R01|R2|P|2.5\r"
      "PID|1||P3^^^BV^PI||Tran^B\r"
      "OBR|1|X||GLU\r"
      "OBX|1|NM|GLU||5,6|mmol/L|3,9-6,4|H\r"
      "OBX|2|NM|HBA||<6,5|%|4,0 - 6,0\r"
      "OBX|3|NM|WBC||7.2|G/L|xem ghi chú\r"
      "OBX|4|NM|PLT||1,234,5|G/L\r";
  auto vn = run_cli({"map", "--mappings", shipped, "--input", "-", "--country", "VNM"}, oru);
  INFO(vn.err);
  REQUIRE(vn.status == 0);
  for (const char* value : {R"("valueQuantity":{"value":5.6,"unit":"mmol/L"})",
                            R"("referenceRange":[{"low":{"value":3.9,"unit":"mmol/L"},"high":{"value":6.4,"unit":"mmol/L"},"text":"3,9-6,4"}])",
                            R"("valueQuantity":{"value":6.5,"comparator":"<","unit":"%"})",
                            R"("referenceRange":[{"low":{"value":4.0,"unit":"%"},"high":{"value":6.0,"unit":"%"},"text":"4,0 - 6,0"}])",
                            // No number in the range: no low or high made of a unit alone.
                            R"("referenceRange":[{"text":"xem ghi chú"}])",
                            // Two commas: not a decimal, kept as written.
                            R"("valueString":"1,234,5")"}) {
    INFO(value);
    CHECK(vn.out.find(value) != std::string::npos);
  }
  // Elsewhere a comma is not a decimal separator: the value is kept as text, never guessed.
  auto other = run_cli({"map", "--mappings", shipped, "--input", "-"}, oru);
  REQUIRE(other.status == 0);
  CHECK(other.out.find(R"("valueString":"5,6")") != std::string::npos);
  CHECK(other.out.find(R"("referenceRange":[{"text":"3,9-6,4"}])") != std::string::npos);
}

TEST_CASE("cli map: vital signs in an ADT (OBX NM, SN) keep their value: a decimal comma from Viet Nam is a decimal "
          "point, an SN ratio or range stays one, a value that is not a number stays text",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  const std::string adt =
      "MSH|^~\\&|HIS|BV|LT|SYT|20241105083012+0700||ADT^A01|V1|P|2.5\r"
      "PID|1||P3^^^BV^PI||Le^An||19700101|F\r"
      "PV1|1|I\r"
      "OBX|1|NM|8310-5^Nhiệt độ^LN||37,5|Cel\r"
      "OBX|2|NM|29463-7^Cân nặng^LN||65.5|kg\r"
      "OBX|3|SN|4548-4^HbA1c^LN||>^6,5|%\r"
      "OBX|4|NM|X^Đường huyết^L||<3,9|mmol/L\r"
      "OBX|5|NM|Y^Ghi chú^L||không đo|\r"
      "OBX|6|SN|T^Hiệu giá^L||^1^:^128\r"
      "OBX|7|SN|R^Khoảng^L||^3,5^-^5|mmol/L\r"
      "OBX|8|NM|BP^Huyết áp^L||120~80,5|mm[Hg]\r";
  auto vn = run_cli({"map", "--mappings", shipped, "--input", "-", "--country", "VNM"}, adt);
  INFO(vn.err);
  REQUIRE(vn.status == 0);
  for (const char* value : {R"("valueQuantity":{"value":37.5,"unit":"Cel")",
                            R"("valueQuantity":{"value":65.5,"unit":"kg")",
                            R"("valueQuantity":{"value":6.5,"comparator":">","unit":"%")",
                            R"("valueQuantity":{"value":3.9,"comparator":"<","unit":"mmol/L")",
                            R"("valueString":"không đo")",
                            // A titer is a ratio and a range is a range, not their first number.
                            R"("valueRatio":{"numerator":{"value":1},"denominator":{"value":128}})",
                            R"("valueRange":{"low":{"value":3.5,"unit":"mmol/L","code":"mmol/L"},"high":{"value":5,"unit":"mmol/L","code":"mmol/L"}})",
                            // Repeated values are components, read the same way.
                            R"("valueQuantity":{"value":80.5,"unit":"mm[Hg]","code":"mm[Hg]"})"}) {
    INFO(value);
    CHECK(vn.out.find(value) != std::string::npos);
  }
  // Elsewhere a comma is not a decimal separator: text, never a guessed number, never dropped.
  auto other = run_cli({"map", "--mappings", shipped, "--input", "-"}, adt);
  REQUIRE(other.status == 0);
  for (const char* value : {R"("valueString":"37,5")", R"("valueQuantity":{"value":65.5,"unit":"kg")",
                            R"("valueString":">6,5")", R"("valueString":"<3,9")"}) {
    INFO(value);
    CHECK(other.out.find(value) != std::string::npos);
  }
}

TEST_CASE("cli map: PID-8 written as a Vietnamese word is the FHIR gender; a code nobody knows is kept as the "
          "sender's text, not dropped",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  auto adt = [](const std::string& sex) {
    return "MSH|^~\\&|HIS|BV|LT|SYT|20241105083012+0700||ADT^A04|S1|P|2.5\r"
           "PID|1||P9^^^BV^PI||Le^An||19900101|" + sex + "\r";
  };
  for (const auto& [sex, gender] : std::vector<std::pair<std::string, std::string>>{
           {"Nữ", "female"}, {"NỮ", "female"}, {"nu", "female"}, {"Nam", "male"}, {"NAM", "male"}, {"F", "female"}}) {
    auto r = run_cli({"map", "--mappings", shipped, "--input", "-"}, adt(sex));
    INFO(sex << ": " << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"gender\":\"" + gender + "\"") != std::string::npos);
    CHECK(r.out.find("\"_gender\"") == std::string::npos);
  }
  auto unknown = run_cli({"map", "--mappings", shipped, "--input", "-"}, adt("9"));
  REQUIRE(unknown.status == 0);
  CHECK(unknown.out.find("\"gender\":") == std::string::npos);
  CHECK(unknown.out.find(R"("_gender":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/originalText","valueString":"9"}]})") !=
        std::string::npos);
}

TEST_CASE("cli map: a whole Vietnamese name sent in XPN.1 (or XCN.2) alone is family name first, then the given "
          "names in order; elsewhere it stays the family name",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  auto adt = [](const std::string& msh17, const std::string& names, const std::string& doctor) {
    return "MSH|^~\\&|HIS|BV|LT|SYT|20241105083012+0700||ADT^A01|S1|P|2.5|||||" + msh17 + "|UNICODE UTF-8\r"
           "PID|1||P9^^^BV^PI||" + names + "||19900101|F\r"
           "PV1|1|I|||||" + doctor + "\r";
  };
  auto vn = run_cli({"map", "--mappings", shipped, "--input", "-"},
                    adt("VNM", "  NGUYỄN  THỊ   MINH KHAI ~Trần^Thị Bình~Lê", "BS01^Lê Minh Tuấn"));
  INFO(vn.err);
  REQUIRE(vn.status == 0);
  // Runs of spaces separate words; the text is the words joined by one space.
  CHECK(vn.out.find(R"({"family":"NGUYỄN","given":["THỊ","MINH","KHAI"],"text":"NGUYỄN THỊ MINH KHAI"})") !=
        std::string::npos);
  // A name sent in its components is read as before; a one-word name stays as sent.
  CHECK(vn.out.find(R"({"family":"Trần","given":["Thị Bình"],"text":"Trần Thị Bình"})") != std::string::npos);
  CHECK(vn.out.find(R"({"family":"Lê","text":"Lê"})") != std::string::npos);
  CHECK(vn.out.find(R"("name":[{"family":"Lê","given":["Minh","Tuấn"],"text":"Lê Minh Tuấn"}])") != std::string::npos);
  // From elsewhere (no MSH-17, no name assembly order F) the order of a whole name is not known.
  auto other = run_cli({"map", "--mappings", shipped, "--input", "-"}, adt("", "John Smith", "D1^Jane Doe"));
  INFO(other.err);
  REQUIRE(other.status == 0);
  CHECK(other.out.find(R"({"family":"John Smith"})") != std::string::npos);
  CHECK(other.out.find(R"("name":[{"family":"Jane Doe"}])") != std::string::npos);
  // Name assembly order F (XPN.11) says family first for one name, whatever the country.
  auto ordered = run_cli({"map", "--mappings", shipped, "--input", "-"}, adt("", "Phạm Văn Đồng^^^^^^^^^^F", "D1"));
  INFO(ordered.err);
  REQUIRE(ordered.status == 0);
  CHECK(ordered.out.find(R"({"family":"Phạm","given":["Văn","Đồng"],"text":"Phạm Văn Đồng"})") != std::string::npos);
}

TEST_CASE("cli map: a report sent as ED or RP keeps its content: DiagnosticReport.presentedForm (ORU), "
          "DocumentReference.content (MDM)",
          "[cli][map]") {
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  const std::string hand = std::string(LIENTHONG_SOURCE_DIR) + "/tests/mapping_inputs/hand/";
  // A RIS's PDF (ED, Base64) in an ORU: R4 Observation has no attachment value, so the report
  // carries it as issued.
  auto oru = run_cli({"map", "--mappings", shipped, "--input", hand + "vn_oru_r01_ris_pdf.hl7"});
  INFO(oru.err);
  REQUIRE(oru.status == 0);
  CHECK(oru.out.find(R"("presentedForm":[{"contentType":"application/pdf","data":"JVBERi0xLjQKJcfsj6IK","title":"Kết quả"}])") !=
        std::string::npos);
  // MDM: ED text (encoding A) is base64-encoded as UTF-8 text; Hex is decoded, never sent as if
  // it were base64; RP is a link with its media type.
  auto mdm = run_cli({"map", "--mappings", shipped, "--input", hand + "vn_mdm_t02_attachments.hl7"});
  INFO(mdm.err);
  REQUIRE(mdm.status == 0);
  CHECK(mdm.out.find(R"({"attachment":{"contentType":"text/plain; charset=utf-8","data":"Tm9pIGR1bmcgdmFuIGJhbg==","title":"Bản in"}})") !=
        std::string::npos);
  CHECK(mdm.out.find(R"({"attachment":{"contentType":"application/pdf","url":"https://pacs.example.vn/study/1","title":"Liên kết"}})") !=
        std::string::npos);
  CHECK(mdm.out.find(R"({"attachment":{"contentType":"image/jpeg","data":"/9j/4A==","title":"Ảnh"}})") !=
        std::string::npos);
  CHECK(mdm.out.find("FFD8FFE0") == std::string::npos);
}

TEST_CASE("cli map: a 300 KB field the shipped mappings test with a regular expression is read whole, "
          "without a crash or a warning",
          "[cli][map]") {
  // PID-7 is checked with `matches`; libstdc++'s matcher recursed per character and overflowed
  // the stack at about 30,000 characters, so a message could bring the engine down. RE2 reads
  // it without recursion (engine/base/regex.h).
  const std::string shipped = std::string(LIENTHONG_SOURCE_DIR) + "/mappings";
  const std::string adt = "MSH|^~\\&|HIS|BV|LT|SYT|20240101||ADT^A01|X1|P|2.5\rPID|1||P1^^^BV^PI||X^Y||" +
                          std::string(300000, '1') + "|M\r";
  auto r = run_cli({"map", "--mappings", shipped, "--input", "-"}, adt);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"resourceType\":\"Bundle\"") != std::string::npos);
  CHECK(r.err.find("regular expression") == std::string::npos);
  // `PID-7 matches '[0-9]{10}.*'` was true, so the birth-time extension was tried: no such time.
  CHECK(r.err.find("$.resource._birthDate.extension[0].valueDateTime: PID-7: not a valid HL7 date/time") !=
        std::string::npos);
}

TEST_CASE("cli map: JSON nested deeper than 256 levels (a mapping, a code table, a JSON input) is refused with "
          "its place, never a crash",
          "[cli][map]") {
  Mappings m;
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string adt = "MSH|^~\\&|HIS|BV|LT|SYT|20240101||ADT^A01|X1|P|2.5\rPID|1||P1^^^BV^PI||X^Y\r";
  const std::string mapping = m.write("deep.json", "{\"resourceType\": \"Bundle\", \"x\": " + deep + "}");
  auto compiled = run_cli({"map", "--mappings", m.root(), "--mapping", mapping, "--input", "-"}, adt);
  CHECK(compiled.status != 0);
  CHECK(compiled.err.find("deep.json: line 1, column 288: nested deeper than 256 levels of [ and {") !=
        std::string::npos);

  m.write("tables/deep.json", "{\"map\": " + deep + "}");
  const std::string uses = m.write("uses.json", R"({"resourceType": "Bundle", "g": "${lookup('deep', PID-8)}"})");
  auto table = run_cli({"map", "--mappings", m.root(), "--mapping", uses, "--input", "-"}, adt);
  CHECK(table.status != 0);
  CHECK(table.err.find("nested deeper than 256 levels") != std::string::npos);

  const std::string json_mapping = m.write("j.json", R"({"$mapping": {"input": "json"}, "x": "${select('$.a')}"})");
  auto input = run_cli({"map", "--mappings", m.root(), "--mapping", json_mapping, "--input", "-"}, "{\"a\": " + deep + "}");
  CHECK(input.status != 0);
  CHECK(input.err.find("<stdin>: line 1, column 262: not JSON: nested deeper than 256 levels") !=
        std::string::npos);
}
