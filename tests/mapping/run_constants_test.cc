// MAP-3.9 run constants (engine/mapping/run_constants.h): which parts of an
// expression are computed once per run, and that doing so changes no output.
#include <catch2/catch.hpp>

#include "engine/mapping/plan_nodes.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::Expr;
using lienthong::mapping::ExprKind;
using lienthong::mapping::RunOptions;
using lienthong::testing::MappingDir;

namespace {

// The tree of member `key`'s expression in a compiled one-object mapping, as
// text: kinds by letter, C(...) around what is wrapped as a run constant.
std::string shape(const Expr& e) {
  std::string s;
  switch (e.kind) {
    case ExprKind::kConstant: s = "C"; break;
    case ExprKind::kLiteral: s = "lit"; break;
    case ExprKind::kPath: s = e.absolute ? "/path" : "path"; break;
    case ExprKind::kName: s = "name"; break;
    case ExprKind::kCall: s = "call"; break;
    case ExprKind::kIn: s = "in"; break;
    case ExprKind::kList: s = "list"; break;
    case ExprKind::kCompare: s = "cmp"; break;
    case ExprKind::kAnd: s = "and"; break;
    case ExprKind::kMember: s = "member"; break;
    default: s = "?"; break;
  }
  // A list of literals is parsed as one literal; its items stay as operands only to hold their text.
  if (e.operands.empty() || e.kind == ExprKind::kLiteral) return s;
  s += "(";
  for (std::size_t i = 0; i < e.operands.size(); ++i) s += (i ? "," : "") + shape(*e.operands[i]);
  return s + ")";
}

std::string shape_of(const std::string& expr) {
  MappingDir dir;
  auto plan = dir.plan(R"({"$let": {"n": "'x'"}, "v": "${)" + expr + R"(}"})");
  const auto& members = plan->body().root->members;
  REQUIRE(members.size() == 1);
  REQUIRE(members[0].value_expr != nullptr);
  return shape(*members[0].value_expr);
}

}  // namespace

TEST_CASE("MAP-3.9 the largest parts that read only the message are run constants", "[mapping][constants]") {
  CHECK(shape_of("/MSH-17 in ['VNM', 'VN']") == "C(in(/path,lit))");
  // A list of literals is a literal already; a list that reads the message is a run constant.
  CHECK(shape_of("n in ['NM', 'SN']") == "in(name,lit)");
  CHECK(shape_of("n in ['NM', /MSH-17]") == "in(name,C(list(lit,/path)))");
  CHECK(shape_of("upper(/PID-5.1) == n") == "cmp(C(call(/path)),name)");
  CHECK(shape_of("n == 'x' and /MSH-17 == 'VN'") == "and(cmp(name,lit),C(cmp(/path,lit)))");
  // Paths without '/' read the span; a lone path or literal is not worth a slot.
  CHECK(shape_of("upper(PID-5.1) == n") == "cmp(call(path),name)");
  CHECK(shape_of("/PID-5.1") == "/path");
  CHECK(shape_of("'x'") == "lit");
  // Calls with an effect (a rejection, a warning about a time) are made every time.
  CHECK(shape_of("required(/MSH-10, 'no id')") == "call(/path,lit)");
  CHECK(shape_of("dateTime(/MSH-7) ?? n") == "?(call(/path),name)");
}

TEST_CASE("MAP-3.9 run constants give what evaluating each time gives", "[mapping][constants]") {
  MappingDir dir;
  const std::string skeleton = R"j({"obx": [{"$for": "OBX[*]",
      "own": "${upper(OBX-3.2)}", "first": "${upper(/OBX-3.2)}", "vn": "${/PID-3[2].4 in ['BHYT', 'BHXH']}"}]})j";
  const std::string expected = R"({"obx":[{"own":"GLUCOSE","first":"GLUCOSE","vn":true},)"
                               R"({"own":"HBA1C","first":"GLUCOSE","vn":true},{"own":"WBC","first":"GLUCOSE","vn":true}]})";
  CHECK(dir.map(skeleton) == expected);
  // The next run (same thread, another message) computes its own.
  std::string other = lienthong::testing::kOru;
  other.replace(other.find("OBX|1|NM|GLU^Glucose^L"), 22, "OBX|1|NM|LDL^LDL chol^L");
  other.replace(other.find("BH123^^^BHYT"), 12, "BH123^^^XYZ");
  CHECK(dir.map(skeleton, other) == R"({"obx":[{"own":"LDL CHOL","first":"LDL CHOL","vn":false},)"
                                    R"({"own":"HBA1C","first":"LDL CHOL","vn":false},{"own":"WBC","first":"LDL CHOL","vn":false}]})");
  // Explain names the input of a run constant at every place that uses it.
  auto plan = dir.plan(skeleton);
  auto msg = lienthong::testing::message(lienthong::testing::kOru);
  RunOptions options;
  options.explain = true;
  auto out = lienthong::mapping::run(*plan, msg, options);
  REQUIRE(out.ok());
  std::size_t first_records = 0;
  for (const auto& r : out->explain) {
    if (r.mapping_path != "$.obx[0].first") continue;
    ++first_records;
    CHECK(r.inputs == std::vector<std::string>{"OBX-3.2"});
  }
  CHECK(first_records == 3);
}
