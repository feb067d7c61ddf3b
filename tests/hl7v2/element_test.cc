#include "engine/hl7v2/element.h"

#include <catch2/catch.hpp>

#include "engine/hl7v2/parser.h"

using lienthong::hl7v2::Level;
using lienthong::hl7v2::parse_view;

namespace {
const std::string kMsg =
    "MSH|^~\\&|HIS^1.2.3^ISO|BV|||||ADT^A04|C1|P|2.5\r"
    "PID|1||A1^^^BV^PI~B2^^^BHYT^HC&x&y||\"\"|||M||||||\r";
}

TEST_CASE("fields, repetitions, components and subcomponents are views", "[element]") {
  auto r = parse_view(kMsg);
  REQUIRE(r.ok());
  auto pid = r->segment(1);
  CHECK(pid.id() == "PID");
  CHECK(pid.field_count() == 14);
  auto f3 = pid.field(3);
  CHECK(f3.level() == Level::kField);
  CHECK(f3.is_composite());
  CHECK(f3.repetition_count() == 2);
  CHECK(f3.repetition(2).raw() == "B2^^^BHYT^HC&x&y");
  CHECK(f3.repetition(2).component_count() == 5);
  CHECK(f3.repetition(2).component(5).subcomponent_count() == 3);
  CHECK(f3.repetition(2).component(5).subcomponent(3).raw() == "y");
  CHECK(f3.component(1).raw() == "A1");  // terser: the first repetition
  CHECK(f3.repetition(3).empty());
  CHECK(f3.repetition(0).empty());
  CHECK(f3.repetition(2).component(9).empty());
  CHECK(pid.field(5).is_null());
  CHECK_FALSE(pid.field(6).is_null());
  CHECK(pid.field(8).text() == "M");
  CHECK(pid.field(99).empty());
  // A leaf asked for its first child is itself; further children are empty.
  CHECK(pid.field(8).component(1).raw() == "M");
  CHECK(pid.field(8).component(2).empty());
  CHECK(pid.field(8).component_count() == 1);
}

TEST_CASE("MSH-1 and MSH-2 are the delimiters, and MSH fields are numbered from them", "[element]") {
  auto r = parse_view(kMsg);
  REQUIRE(r.ok());
  auto msh = r->msh();
  CHECK(msh.field(1).raw() == "|");
  CHECK(msh.field(1).level() == Level::kOpaque);
  CHECK(msh.field(2).raw() == "^~\\&");
  CHECK(msh.field(2).text() == "^~\\&");
  CHECK(msh.field(3).component(2).raw() == "1.2.3");
  CHECK(msh.field(9).component(2).raw() == "A04");
  CHECK(msh.field(12).raw() == "2.5");
  CHECK(msh.field_count() == 12);
}

TEST_CASE("text() of a composite keeps its encoded form; of a leaf unescapes", "[element]") {
  auto r = parse_view("MSH|^~\\&|||||||ADT^A01|1|P|2.5\rNTE|1||a\\T\\b^c|x\\S\\y\r");
  REQUIRE(r.ok());
  auto nte = r->segment(1);
  CHECK(nte.field(3).text() == "a\\T\\b^c");
  CHECK(nte.field(3).component(1).text() == "a&b");
  CHECK(nte.field(4).text() == "x^y");
  std::string scratch;
  CHECK(nte.field(1).text(scratch).data() == nte.field(1).raw().data());  // no copy
}
