// MappingCatalog: a directory's mappings chosen by message type, each file
// compiled only when a message first chooses it (the CLI's dry run).
#include <catch2/catch.hpp>

#include "engine/mapping/mapping_catalog.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::CompileOptions;
using lienthong::mapping::MappingCatalog;
using lienthong::testing::MappingDir;

namespace {

CompileOptions options_for(const MappingDir& dir) {
  CompileOptions options;
  options.root = dir.root();
  return options;
}

}  // namespace

TEST_CASE("catalog: chooses by type, compiles only the chosen file, once", "[mapping][catalog]") {
  MappingDir dir;
  dir.write("hl7v2/adt.json", R"({"$mapping": {"messages": ["ADT^*"]}, "m": "${PID-3.1}"})");
  dir.write("hl7v2/adt_a01.json", R"({"$mapping": {"messages": ["ADT^A01"]}, "m": "a01"})");
  // Declares ORU^R01 but does not compile: only a message that chooses it sees that.
  dir.write("hl7v2/oru.json", R"({"$mapping": {"messages": ["ORU^R01"]}, "m": "${nosuchfunction(1)}"})");
  dir.write("hl7v2/notes.txt", "not a mapping");

  auto catalog = MappingCatalog::open(dir.root() / "hl7v2", options_for(dir));
  REQUIRE(catalog.ok());
  CHECK(catalog->types() == std::vector<std::string>{"ADT^*", "ADT^A01", "ORU^R01"});

  auto a01 = catalog->plan_for("ADT", "A01");
  REQUIRE(a01.ok());
  REQUIRE(*a01 != nullptr);
  CHECK((*a01)->file() == (dir.root() / "hl7v2" / "adt_a01.json").string());
  auto again = catalog->plan_for("ADT", "A01");
  REQUIRE(again.ok());
  CHECK(again->get() == a01->get());  // compiled once, kept

  auto a08 = catalog->plan_for("ADT", "A08");
  REQUIRE(a08.ok());
  REQUIRE(*a08 != nullptr);
  CHECK((*a08)->messages() == std::vector<std::string>{"ADT^*"});

  auto none = catalog->plan_for("SIU", "S12");
  REQUIRE(none.ok());
  CHECK(*none == nullptr);

  auto oru = catalog->plan_for("ORU", "R01");
  REQUIRE_FALSE(oru.ok());
  CHECK_THAT(oru.error().message, Catch::Contains("oru.json: $.m") && Catch::Contains("nosuchfunction"));
}

TEST_CASE("catalog: a file without a readable header gives the compiler's errors at open", "[mapping][catalog]") {
  MappingDir dir;
  dir.write("hl7v2/adt.json", R"({"$mapping": {"messages": ["ADT^*"]}, "m": "x"})");
  dir.write("hl7v2/broken.json", "{\"$mapping\": {\"messages\": [\"ORU^R01\"]},\n  \"m\": }");
  auto catalog = MappingCatalog::open(dir.root() / "hl7v2", options_for(dir));
  REQUIRE_FALSE(catalog.ok());
  CHECK_THAT(catalog.error().message, Catch::Contains("broken.json") && Catch::Contains("line 2"));

  MappingDir headerless;
  headerless.write("hl7v2/plain.json", R"({"m": "x"})");  // compiles, declares no type
  auto plain = MappingCatalog::open(headerless.root() / "hl7v2", options_for(headerless));
  REQUIRE(plain.ok());
  CHECK(plain->types().empty());
  auto chosen = plain->plan_for("ADT", "A01");
  REQUIRE(chosen.ok());
  CHECK(*chosen == nullptr);
}

TEST_CASE("catalog: a directory that cannot be read is an error", "[mapping][catalog]") {
  MappingDir dir;
  auto catalog = MappingCatalog::open(dir.root() / "absent", options_for(dir));
  REQUIRE_FALSE(catalog.ok());
  CHECK_THAT(catalog.error().message, Catch::Contains("cannot read"));
}
