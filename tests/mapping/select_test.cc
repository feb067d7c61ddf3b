// Choosing a mapping by message type ($mapping.messages): exact beats wildcard.
#include <catch2/catch.hpp>

#include "engine/mapping/select.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::mapped_types;
using lienthong::mapping::select_mapping;
using lienthong::testing::MappingDir;

TEST_CASE("select_mapping: exact type, then wildcard, else none", "[mapping][select]") {
  MappingDir dir;
  auto any_adt = dir.plan(R"({"$mapping": {"messages": ["ADT^*"]}, "m": "any"})", "adt_any.json");
  auto a01 = dir.plan(R"({"$mapping": {"messages": ["ADT^A01", "ADT^A04"]}, "m": "a01"})", "adt_a01.json");
  auto oru = dir.plan(R"({"$mapping": {"messages": ["ORU^R01"]}, "m": "oru"})", "oru.json");
  auto none = dir.plan(R"({"m": "none"})", "none.json");
  const std::vector plans{any_adt, a01, oru, none};
  CHECK(select_mapping(plans, "ADT", "A01") == a01.get());  // exact wins though the wildcard comes first
  CHECK(select_mapping(plans, "ADT", "A04") == a01.get());
  CHECK(select_mapping(plans, "ADT", "A08") == any_adt.get());
  CHECK(select_mapping(plans, "ORU", "R01") == oru.get());
  CHECK(select_mapping(plans, "ORU", "R30") == nullptr);
  CHECK(select_mapping(plans, "SIU", "S12") == nullptr);
  CHECK(select_mapping({}, "ADT", "A01") == nullptr);
  CHECK(mapped_types(plans) == std::vector<std::string>{"ADT^*", "ADT^A01", "ADT^A04", "ORU^R01"});
}
