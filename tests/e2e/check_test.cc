// `lienthong check`: every error of the file, exit 2; "config ok" otherwise.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/cli/run_cli.h"

using lienthong::testing::run_cli;

TEST_CASE("check: the sample config is valid") {
  auto r = run_cli({"check", "--config", std::string(LIENTHONG_SOURCE_DIR) + "/samples/lienthong.json"});
  CHECK(r.status == 0);
  CHECK(r.out.rfind("config ok\n", 0) == 0);
  // What it found: the sample's listener, both destinations, and its route.
  CHECK(r.out.find("listeners: mllp (mllp 127.0.0.1:2575)\n") != std::string::npos);
  CHECK(r.out.find("destinations: outbox (file), ehr (fhir)\n") != std::string::npos);
  CHECK(r.out.find("routes: hl7v2-to-fhir: hl7v2/ (") != std::string::npos);
}

TEST_CASE("check: every mistake is printed with file and JSON path, exit 2") {
  auto dir = std::filesystem::path(LIENTHONG_BINARY_DIR) / "test-tmp" / "e2e" / "check";
  std::filesystem::create_directories(dir);
  auto file = (dir / "bad.json").string();
  std::ofstream(file) << R"({
    "store": {"path": "x.db", "synchronous": "sometimes"},
    "listeners": [{"type": "mllp", "name": "a", "port": "abc", "prot": 1}],
  })";
  auto r = run_cli({"check", "--config", file});
  CHECK(r.status == 2);
  CHECK(r.err.find(file + ": $.store.synchronous: expected one of \"full\", \"normal\", found \"sometimes\"") !=
        std::string::npos);
  CHECK(r.err.find(file + ": $.listeners[0].port: expected an integer 0..65535, found \"abc\"") != std::string::npos);
  CHECK(r.err.find(file + ": $.listeners[0].prot: unknown key") != std::string::npos);

  std::ofstream(file) << "{\n  \"store\": \n}\n";
  auto syntax = run_cli({"check", "--config", file});
  CHECK(syntax.status == 2);
  CHECK(syntax.err.find(file + ": line 3, column 1: ") == 0);
}
