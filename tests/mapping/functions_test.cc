// MAP-5 functions (with MAP-6 tables, MAP-7 times, MAP-8 ids), each on real input.
#include <catch2/catch.hpp>

#include "engine/mapping/uuid5.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::testing::MappingDir;

namespace {

const char* kSexTable = R"({
  "source_system": "http://terminology.hl7.org/CodeSystem/v2-0001",
  "target_system": "http://hl7.org/fhir/administrative-gender",
  "map": {"M": "male", "F": {"code": "female", "display": "Female"}, "O": {"code": "other", "system": "urn:other"}}
})";

}  // namespace

TEST_CASE("MAP-5 text functions", "[mapping][functions]") {
  MappingDir dir;
  CHECK(dir.eval("text(PID-5)") == R"("Tran")");
  CHECK(dir.eval("text(1.5)") == R"("1.5")");
  CHECK(dir.eval("upper('nguyễn văn đức ơ ư')") == R"("NGUYỄN VĂN ĐỨC Ơ Ư")");
  CHECK(dir.eval("lower('TRẦN THỊ BÍCH ĐỖ')") == R"("trần thị bích đỗ")");
  CHECK(dir.eval("upper(PID-99)") == "<absent>");
  CHECK(dir.eval("trim('  a b  ')") == R"("a b")");
  CHECK(dir.eval("trim('   ')") == "<absent>");
  CHECK(dir.eval("substr('Nguyễn', 5, 2)") == R"("ễn")");
  CHECK(dir.eval("substr('Nguyễn', 6)") == R"("n")");
  CHECK(dir.eval("substr('abc', 4)") == "<absent>");
  CHECK(dir.eval("substr('abc', 1, 0)") == "<absent>");
  CHECK(dir.eval("replace('a-b-c', '-', '/')") == R"("a/b/c")");
  CHECK(dir.eval("replace('aaa', 'a', 'aa')") == R"("aaaaaa")");
  CHECK(dir.eval("split('a,b,,c', ',')") == R"(["a","b","c"])");
  CHECK(dir.eval("split(PID-99, ',')") == "<absent>");
  CHECK(dir.eval("join(PID-3[*].1, '|')") == R"("P001|BH123")");
  CHECK(dir.eval("join(['a', null, '', 'b'], ', ')") == R"("a, b")");
  CHECK(dir.eval("concat('a', PID-99, 'b', 1)") == R"("ab1")");
  CHECK(dir.eval("concat(PID-99, '')") == "<absent>");
}

TEST_CASE("MAP-5 numbers", "[mapping][functions]") {
  MappingDir dir;
  CHECK(dir.eval("number('12')") == "12");
  CHECK(dir.eval("number('1.50')") == "1.5");
  CHECK(dir.eval("number('-3.25')") == "-3.25");
  CHECK(dir.eval("number(OBX[2]-5)") == "6.1");
  CHECK(dir.eval("number('12a')") == "<absent>");
  CHECK(dir.eval("number('1e5')") == "<absent>");
  CHECK(dir.eval("integer('12.7')") == "12");
  CHECK(dir.eval("integer('-12.7')") == "-12");
  CHECK(dir.eval("integer('x')") == "<absent>");
}

TEST_CASE("MAP-5 presence and lists", "[mapping][functions]") {
  MappingDir dir;
  CHECK(dir.eval("exists(PID-3)") == "true");
  CHECK(dir.eval("exists(PID-13)") == "false");  // "" is empty
  CHECK(dir.eval("exists(ZZZ)") == "false");
  // MAP-3.6: separators and blanks only (a fixed-width export's padding) carry nothing.
  const std::string padded = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\nPID|1||P1||   |  ^ ^|F  |\t\n";
  CHECK(dir.eval("exists(PID-5)", padded) == "false");
  CHECK(dir.eval("exists(PID-6)", padded) == "false");
  CHECK(dir.eval("PID-6 ?? 'none'", padded) == R"("none")");
  CHECK(dir.eval("PID-7", padded) == R"("F  ")");  // a value keeps its blanks
  CHECK(dir.eval("exists(PID-8)", padded) == "false");
  CHECK(dir.eval("PID-5", padded) == "<absent>");
  CHECK(dir.map(R"({"r": "Patient/${PID-6}", "k": "${PID-7}"})", padded) == R"({"k":"F  "})");  // MAP-1.3
  CHECK(dir.eval("text(PID-6.2)", padded) == "<absent>");
  // So are escapes that decode to line breaks or nothing (a code field of `\.br\` alone).
  const std::string breaks =
      "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\nPID|1||P1||\\.br\\|^\\X0D0A\\^\\H\\|\\.sp2\\ |"
      "\\.br\\F|\\X41\\|\\.in+4\\|\\E\\| \\S\\ \n";
  CHECK(dir.eval("exists(PID-5)", breaks) == "false");
  CHECK(dir.eval("exists(PID-6)", breaks) == "false");
  CHECK(dir.eval("PID-7 ?? 'none'", breaks) == R"("none")");
  CHECK(dir.eval("text(PID-5)", breaks) == "<absent>");
  CHECK(dir.eval("trim(PID-8)", breaks) == R"("F")");  // a line break before a value is kept by text()
  CHECK(dir.eval("PID-9", breaks) == R"("A")");        // \X41\ is a letter
  CHECK(dir.eval("exists(PID-10)", breaks) == "true");  // a formatting command kept as written
  CHECK(dir.eval("PID-11", breaks) == R"("\\")");
  CHECK(dir.eval("exists(PID-12)", breaks) == "true");  // \S\ is the text "^", not a separator
  CHECK(dir.map(R"({"c": "${PID-5}", "t": "x${PID-6.2}"})", breaks) == "{}");
  CHECK(dir.eval("count(OBX[*])") == "3");
  CHECK(dir.eval("count(PID-3[*])") == "2");
  CHECK(dir.eval("count(NTE[*]) + count(ZZZ[*])") == "1");
  CHECK(dir.eval("count(['a', '', null])") == "1");
  CHECK(dir.eval("first(PID-3[*].1)") == R"("P001")");
  CHECK(dir.eval("last(PID-3[*].1)") == R"("BH123")");
  CHECK(dir.eval("first(ZZZ[*])") == "<absent>");
  CHECK(dir.eval("last('x')") == R"("x")");
  CHECK(dir.eval("tail(PID-3[*].1)") == R"(["BH123"])");
  CHECK(dir.eval("tail(split('Nguyễn Văn An', ' '))") == R"(["Văn","An"])");
  CHECK(dir.eval("tail('x')") == "<absent>");
  CHECK(dir.eval("tail(ZZZ[*])") == "<absent>");
  CHECK(dir.eval("coalesce(PID-99, '', 'x', 'y')") == R"("x")");
  CHECK(dir.eval("coalesce(PID-99)") == "<absent>");
  // Lazy: later arguments are not evaluated once one is found.
  CHECK(dir.eval("coalesce(PID-8, error('not reached'))") == R"("F")");
  CHECK(dir.eval("segment_index(OBX[2])") == "6");
  CHECK(dir.eval("segment_index(PID-3)") == "2");
  CHECK(dir.eval("segment_index('x')") == "<absent>");
}

TEST_CASE("MAP-5/6 lookup and coding through a code table", "[mapping][functions][tables]") {
  MappingDir dir;
  dir.write("tables/sex.json", kSexTable);
  CHECK(dir.eval("lookup('sex', PID-8)") == R"("female")");
  CHECK(dir.eval("lookup('sex', 'M')") == R"("male")");
  CHECK(dir.eval("lookup('sex', 'X')") == R"("X")");  // MAP-6.3: unknown code kept
  CHECK(dir.eval("lookup('sex', 'X', 'unknown')") == R"("unknown")");
  CHECK(dir.eval("lookup('sex', PID-99)") == "<absent>");
  CHECK(dir.eval("coding('sex', PID-8)") ==
        R"({"system":"http://hl7.org/fhir/administrative-gender","code":"female","display":"Female"})");
  CHECK(dir.eval("coding('sex', 'O', 'Other')") == R"({"system":"urn:other","code":"other","display":"Other"})");
  // Unknown code: kept with the system it came from, never dropped.
  CHECK(dir.eval("coding('sex', 'X', 'Khác')") ==
        R"({"system":"http://terminology.hl7.org/CodeSystem/v2-0001","code":"X","display":"Khác"})");
  CHECK(dir.eval("coding('sex', PID-99)") == "<absent>");
  CHECK(dir.eval("coding('sex', 'M').code") == R"("male")");
  // MAP-6.4: blanks around a code are padding, for the table and for the code kept.
  CHECK(dir.eval("lookup('sex', ' M  ')") == R"("male")");
  CHECK(dir.eval("lookup('sex', '  X Y ')") == R"("X Y")");
  CHECK(dir.eval("lookup('sex', '   ')") == "<absent>");
  CHECK(dir.eval("coding('sex', ' X ', 'Khác')") ==
        R"({"system":"http://terminology.hl7.org/CodeSystem/v2-0001","code":"X","display":"Khác"})");
  CHECK(dir.eval("coding('sex', ' ')") == "<absent>");
}

TEST_CASE("MAP-5/7 date, dateTime, instant", "[mapping][functions][time]") {
  MappingDir dir;
  CHECK(dir.eval("date(PID-7)") == R"("1990-01-01")");
  CHECK(dir.eval("dateTime(MSH-7)") == R"("2024-03-15T10:15:00+07:00")");
  CHECK(dir.eval("dateTime('202401311420')") == R"("2024-01-31T14:20:00+07:00")");
  CHECK(dir.eval("dateTime('2024')") == R"("2024")");
  CHECK(dir.eval("instant('20240131142005-0500')") == R"("2024-01-31T14:20:05-05:00")");
  CHECK(dir.eval("date(PID-99)") == "<absent>");
}

TEST_CASE("MAP-7.2 the run's zone applies to times without an offset", "[mapping][functions][time]") {
  MappingDir dir;
  lienthong::mapping::RunOptions options;
  options.zone = lienthong::mapping::TimeZone::fixed(-5 * 60);
  CHECK(dir.map(R"({"t": "${dateTime('202401311420')}"})", lienthong::testing::kOru, options) ==
        R"({"t":"2024-01-31T14:20:00-05:00"})");
}

TEST_CASE("MAP-7.4 an invalid time is left out with a warning naming the path", "[mapping][functions][time]") {
  MappingDir dir;
  auto plan = dir.plan(R"({"birthDate": "${date(PID-7)}", "other": "x"})");
  auto msg = lienthong::testing::message("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\nPID|1||X||N||20241350|F\n");
  auto out = lienthong::mapping::run(*plan, msg);
  REQUIRE(out.ok());
  CHECK(out->json == R"({"other":"x"})");
  REQUIRE(out->warnings.size() == 1);
  CHECK(out->warnings[0].rfind(dir.shown("m.json") + ": $.birthDate: PID-7: ", 0) == 0);
}

TEST_CASE("MAP-8 uuid: v5 of the parts joined with |; empty when a part is missing", "[mapping][functions]") {
  MappingDir dir;
  const std::string expected = "\"" + lienthong::mapping::uuid5("Patient|P001|HOSP") + "\"";
  CHECK(dir.eval("uuid('Patient', PID-3.1, PID-3.4)") == expected);
  CHECK(dir.eval("uuid('Patient', PID-3[1].1, PID-3[1].4.1)") == expected);
  CHECK(dir.eval("uuid('Patient', PID-99)") == "<absent>");
  CHECK(dir.eval("uuid('Patient', PID-3.1) == uuid('Patient', /PID-3[1].1)") == "true");
}

TEST_CASE("base64 and search_token", "[mapping][functions]") {
  lienthong::testing::MappingDir dir;
  // RFC 4648 section 10 test vectors, and UTF-8 text.
  CHECK(dir.eval("base64('')") == "<absent>");
  CHECK(dir.eval("base64('f')") == "\"Zg==\"");
  CHECK(dir.eval("base64('fo')") == "\"Zm8=\"");
  CHECK(dir.eval("base64('foo')") == "\"Zm9v\"");
  CHECK(dir.eval("base64('foobar')") == "\"Zm9vYmFy\"");
  CHECK(dir.eval("base64('Tr\xe1\xba\xa7n')") == "\"VHLhuqdu\"");
  // base64_hex: the bytes hex digits stand for ("foobar" = 666F6F626172), either case, spaces
  // between pairs; anything else gives nothing rather than wrong bytes.
  CHECK(dir.eval("base64_hex('666F6F626172')") == "\"Zm9vYmFy\"");
  CHECK(dir.eval("base64_hex('66 6f 6f')") == "\"Zm9v\"");
  CHECK(dir.eval("base64_hex('FFD8FFE0')") == "\"/9j/4A==\"");
  CHECK(dir.eval("base64_hex('666')") == "<absent>");
  CHECK(dir.eval("base64_hex('66G6')") == "<absent>");
  CHECK(dir.eval("base64_hex('')") == "<absent>");
  // FHIR search escapes first, then percent-encoding of all but unreserved bytes.
  CHECK(dir.eval("search_token('BN-001_a.b~c')") == "\"BN-001_a.b~c\"");
  CHECK(dir.eval("search_token('a b|c,d$e')") == "\"a%20b%5C%7Cc%5C%2Cd%5C%24e\"");
  CHECK(dir.eval("search_token('x&y=z#?+/:')") == "\"x%26y%3Dz%23%3F%2B%2F%3A\"");
  CHECK(dir.eval("search_token('\xc4\x91')") == "\"%C4%91\"");
  CHECK(dir.eval("search_token(OBX[2]-3.1)") == "\"HBA1C\"");
}

TEST_CASE("MAP-5 country(): MSH-17 when sent, else the configured country, else nothing", "[mapping][functions]") {
  MappingDir dir;
  const std::string skeleton = R"({"c": "${country()}", "vn": "${country() in ['VNM', 'VN']}"})";
  lienthong::mapping::RunOptions vietnam;
  vietnam.country = "VNM";
  // kOru leaves MSH-17 empty.
  CHECK(dir.map(skeleton) == R"({"vn":false})");
  CHECK(dir.map(skeleton, lienthong::testing::kOru, vietnam) == R"({"c":"VNM","vn":true})");
  // What the sender says wins over the configured country.
  const std::string from_laos = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5.1|||AL|NE|LAO\nPID|1||X\n";
  CHECK(dir.map(skeleton, from_laos, vietnam) == R"({"c":"LAO","vn":false})");
  // An explicit null ("") in MSH-17 says nothing: the configured country applies.
  const std::string null_country = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5.1|||AL|NE|\"\"\nPID|1||X\n";
  CHECK(dir.map(skeleton, null_country, vietnam) == R"({"c":"VNM","vn":true})");
}

TEST_CASE("MAP-5 country codes the configuration and the CLI accept", "[mapping][functions]") {
  using lienthong::mapping::country_code_error;
  CHECK_FALSE(country_code_error(""));
  CHECK_FALSE(country_code_error("VNM"));
  CHECK_FALSE(country_code_error("VN"));
  for (const char* wrong : {"vnm", "V", "VNMM", "V1M", "VN "}) {
    auto why = country_code_error(wrong);
    REQUIRE(why);
    CHECK_THAT(*why, Catch::Contains(std::string("found \"") + wrong + "\""));
  }
}
