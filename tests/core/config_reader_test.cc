#include "engine/core/config_reader.h"

#include <catch2/catch.hpp>

using lienthong::core::ConfigDocument;
using lienthong::core::parse_duration;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string>& errors_of(const ConfigDocument& doc) { return doc.errors(); }

}  // namespace

TEST_CASE("config reader: comments and trailing commas are accepted") {
  auto doc = ConfigDocument::parse(R"({
    // a line comment
    "port": 2575, /* a block comment */
    "tags": [1, 2,],
  }
  // after the value
  )", "c.json");
  REQUIRE(doc.parsed());
  auto root = doc.root();
  CHECK(root.uint("port", 0, 1, 65535) == 2575);
  root.accept("tags");
  root.finish();
  CHECK(errors_of(doc).empty());
}

TEST_CASE("config reader: JSON syntax errors give line and column") {
  auto doc = ConfigDocument::parse("{\n  \"a\": 1,\n  \"b\" 2\n}\n", "lienthong.json");
  CHECK_FALSE(doc.parsed());
  REQUIRE(errors_of(doc).size() == 1);
  CHECK(errors_of(doc)[0].rfind("lienthong.json: line 3, column 7: ", 0) == 0);

  auto not_object = ConfigDocument::parse("[1]", "x.json");
  REQUIRE(errors_of(not_object).size() == 1);
  CHECK(errors_of(not_object)[0] == "x.json: $: expected an object, found an array");
  // The root of an unparsed document reads as empty: defaults, no further errors.
  CHECK(not_object.root().uint("port", 7, 1, 9) == 7);
  not_object.root().finish();
  CHECK(errors_of(not_object).size() == 1);
}

TEST_CASE("config reader: a document nested deeper than 256 levels is an error with its place, not a crash") {
  const std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto doc = ConfigDocument::parse(deep, "deep.json");
  CHECK_FALSE(doc.parsed());
  REQUIRE(errors_of(doc).size() == 1);
  CHECK(errors_of(doc)[0] == "deep.json: line 1, column 262: nested deeper than 256 levels of [ and {");
  // Brackets in strings and comments are not levels.
  auto fine = ConfigDocument::parse("// [[[[\n{\"a\": \"" + std::string(1000, '[') + "\" /* {{{ */}", "ok.json");
  CHECK(fine.parsed());
}

TEST_CASE("config reader: unreadable file") {
  auto doc = ConfigDocument::load("/nonexistent/dir/lienthong.json");
  REQUIRE(errors_of(doc).size() == 1);
  CHECK(errors_of(doc)[0] == "/nonexistent/dir/lienthong.json: cannot read the file");
}

TEST_CASE("config reader: each wrong value is reported with file, JSON path and expectation") {
  auto doc = ConfigDocument::parse(R"({
    "listeners": [
      {"port": "abc", "strict": "yes", "mode": "fast", "idle": "5 minutes", "name": 3},
      {"port": 70000, "idle": -1, "nested": []},
      7
    ],
    "store": {"path": ""},
    "weird key": 1
  })", "lienthong.json");
  REQUIRE(doc.parsed());
  auto root = doc.root();
  auto listeners = root.objects("listeners");
  REQUIRE(listeners.size() == 2);
  for (const auto& l : listeners) {
    CHECK(l.uint("port", 2575, 1, 65535) == 2575);  // default on error
    l.boolean("strict", false);
    l.one_of("mode", {"auto", "original"}, "auto");
    l.duration("idle", 300s, 1ms, 24h);
    l.required_string("name");
    l.object("nested");
    l.finish();
  }
  auto store = root.object("store");
  REQUIRE(store);
  store->required_string("path");
  store->finish();
  root.finish();

  const std::vector<std::string> expected = {
      "lienthong.json: $.listeners[2]: expected an object, found 7",
      "lienthong.json: $.listeners[0].port: expected an integer 1..65535, found \"abc\"",
      "lienthong.json: $.listeners[0].strict: expected true or false, found \"yes\"",
      "lienthong.json: $.listeners[0].mode: expected one of \"auto\", \"original\", found \"fast\"",
      "lienthong.json: $.listeners[0].idle: expected a duration 1ms..24h (\"300s\", \"5ms\", \"24h\", or a "
      "number of milliseconds), found \"5 minutes\"",
      "lienthong.json: $.listeners[0].name: expected a string, found 3",
      "lienthong.json: $.listeners[1].port: expected an integer 1..65535, found 70000",
      "lienthong.json: $.listeners[1].idle: expected a duration 1ms..24h (\"300s\", \"5ms\", \"24h\", or a "
      "number of milliseconds), found -1",
      "lienthong.json: $.listeners[1].name: missing required key",
      "lienthong.json: $.listeners[1].nested: expected an object, found an array",
      "lienthong.json: $.store.path: expected a non-empty string, found \"\"",
      "lienthong.json: $[\"weird key\"]: unknown key",
  };
  CHECK(errors_of(doc) == expected);
}

TEST_CASE("config reader: unknown keys are reported after reading, known ones are not") {
  auto doc = ConfigDocument::parse(R"({"host": "h", "prot": 1, "extra": {"x": 1}})", "f.json");
  auto root = doc.root();
  CHECK(root.string("host", "d") == "h");
  CHECK(root.string("absent", "d") == "d");
  CHECK(errors_of(doc).empty());
  root.finish();
  const std::vector<std::string> expected = {"f.json: $.prot: unknown key", "f.json: $.extra: unknown key"};
  CHECK(errors_of(doc) == expected);
}

TEST_CASE("config reader: copies of an object share which keys were read") {
  auto doc = ConfigDocument::parse(R"({"a": 1, "b": 2})", "f.json");
  auto root = doc.root();
  auto copy = root;
  CHECK(copy.uint("a", 0, 0, 9) == 1);
  root.uint("b", 0, 0, 9);
  root.finish();
  CHECK(errors_of(doc).empty());
}

TEST_CASE("config reader: durations") {
  CHECK(parse_duration("300s") == 300s);
  CHECK(parse_duration("1ms") == 1ms);
  CHECK(parse_duration("24h") == 24h);
  CHECK(parse_duration("5m") == 5min);
  CHECK(parse_duration("250us") == 250us);
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("10"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("1.5s"));
  CHECK_FALSE(parse_duration("1 s"));
  CHECK_FALSE(parse_duration("999999999999h"));

  auto doc = ConfigDocument::parse(R"({"a": 250, "b": "2s", "c": "0ms"})", "f.json");
  auto root = doc.root();
  CHECK(root.duration("a", 1s, 0us, 1h) == 250ms);  // a number means milliseconds
  CHECK(root.duration("b", 1s, 0us, 1h) == 2s);
  CHECK(root.duration("c", 1s, 1ms, 1h) == 1s);
  REQUIRE(errors_of(doc).size() == 1);
  CHECK(errors_of(doc)[0].find("$.c: expected a duration 1ms..1h") != std::string::npos);
}

TEST_CASE("config reader: optional integers and unbounded ranges") {
  auto doc = ConfigDocument::parse(R"({"n": 5, "m": 0})", "f.json");
  auto root = doc.root();
  CHECK(root.optional_uint("n", 1, UINT64_MAX) == 5u);
  CHECK_FALSE(root.optional_uint("absent", 1, UINT64_MAX));
  CHECK_FALSE(root.optional_uint("m", 1, UINT64_MAX));
  REQUIRE(errors_of(doc).size() == 1);
  CHECK(errors_of(doc)[0] == "f.json: $.m: expected an integer 1 or more, found 0");
}
