// Objects whose $if and $unique are decided before their other $let steps
// (engine/mapping/step_order.h) give what the written order gives: the same
// values, the same winner, the same rejections.
#include <catch2/catch.hpp>

#include "tests/mapping/mapping_test_util.h"

using lienthong::testing::MappingDir;

namespace {

// The second OBX has the first one's code.
const char* kRepeatedCode =
    "MSH|^~\\&|LIS|LAB|HIS|HOSP|20240315101500+0700||ORU^R01^ORU_R01|CTRL1|P|2.5.1\n"
    "PID|1||P001^^^HOSP^MR||Tran^Thi B\n"
    "OBR|1|ORD1||GLU^Glucose^L\n"
    "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L\n"
    "OBX|2|NM|GLU^Glucose^L||5.6|mmol/L\n"
    "OBX|1|NM|WBC^WBC^L||7.8|10*9/L\n";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("step order: a key and an $if read only the lets they need; the written element has every let",
          "[mapping][unique][step_order]") {
  MappingDir dir;
  // `name` and `code` are not needed to decide; `k` is, through `id`.
  CHECK(dir.map(R"j({"entry": [
    {"$for": "OBX[*]", "$as": "obx",
     "$let": {"name": "obx.3.2", "id": "obx.3.1", "code": "concat(id, '-', obx.5)", "k": "concat('k|', id)"},
     "$if": "exists(id)", "$unique": "${k}", "code": "${code}", "name": "${name}"},
    {"$for": "OBX[*]", "$as": "obx", "$let": {"skip": "obx.1 == '1'", "v": "obx.5"}, "$if": "not skip", "v": "${v}"}
  ]})j",
                kRepeatedCode) == R"({"entry":[{"code":"GLU-5.4","name":"Glucose"},{"code":"WBC-7.8","name":"WBC"},{"v":"5.6"}]})");
}

TEST_CASE("step order: a let that can reject still runs before a duplicate key or a false $if is known",
          "[mapping][unique][step_order][reject]") {
  MappingDir dir;
  // The second OBX repeats the first one's code: in written order its required() runs
  // before the key is found taken, so the run is rejected there.
  const std::string repeated = dir.map(R"j({"entry": [
    {"$for": "OBX[*]", "$as": "obx",
     "$let": {"n0": {"$if": "obx.1 != '2'", "$value": "'y'"}, "n": "required(n0, 'second OBX')", "c": "obx.3.1"},
     "$unique": "${c}", "c": "${c}"}
  ]})j",
                                       kRepeatedCode);
  CHECK(repeated.rfind("REJECTED: ", 0) == 0);
  CHECK(ends_with(repeated, "second OBX"));
  const std::string if_false = dir.map(R"j({"entry": [
    {"$let": {"n": "required(PID-99, 'no PID-99')"}, "$if": "false", "x": 1}
  ]})j");
  CHECK(if_false.rfind("REJECTED: ", 0) == 0);
  CHECK(ends_with(if_false, "no PID-99"));
}

TEST_CASE("step order: a merged file's parameters are bound before its steps read them", "[mapping][include][step_order]") {
  MappingDir dir;
  dir.write("inc/org.json", R"j({"$let": {"org_key": "concat(v, '|', w)", "label": "upper(v)"},
    "$unique": "${org_key}", "key": "${org_key}", "label": "${label}"})j");
  CHECK(dir.map(R"j({"entry": [
    {"$for": "OBX[*]", "$as": "obx", "$let": {"v": "obx.3.1", "w": "obx.6"}, "$include": "inc/org.json"}
  ]})j") == R"({"entry":[{"key":"GLU|mmol/L","label":"GLU"},{"key":"HBA1C|%","label":"HBA1C"},)"
                R"({"key":"WBC|10*9/L","label":"WBC"}]})");
}
