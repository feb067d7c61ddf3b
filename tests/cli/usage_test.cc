#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "tests/cli/run_cli.h"
#include "tests/support/files.h"

using lienthong::testing::corpus_dir;
using lienthong::testing::run_cli;

TEST_CASE("cli: --help, --version", "[cli][usage]") {
  auto h = run_cli({"--help"});
  CHECK(h.status == 0);
  CHECK(h.out.find("usage: lienthong") == 0);
  auto h7 = run_cli({"hl7", "--help"});
  CHECK(h7.status == 0);
  CHECK(h7.out.find("lienthong hl7 get") != std::string::npos);
  CHECK(h7.out.find("--encoding") != std::string::npos);
  // Every verb explains itself on --help, on stdout, with status 0.
  for (const char* verb : {"map", "send", "queue", "replay", "messages", "run", "check"}) {
    auto verb_help = run_cli({verb, "--help"});
    INFO(verb);
    CHECK(verb_help.status == 0);
    CHECK(verb_help.out.find(std::string("usage: lienthong ") + verb) != std::string::npos);
  }
  auto v = run_cli({"--version"});
  CHECK(v.status == 0);
  CHECK(v.out.rfind("lienthong 0.", 0) == 0);
}

TEST_CASE("cli: usage errors exit 64 with a usage line", "[cli][usage]") {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"hl7"},
      {"hl7", "nope"},
      {"hl7", "get", "x.hl7"},
      {"hl7", "get", "x.hl7", "PID-x"},
      {"hl7", "json"},
      {"hl7", "json", "a", "b"},
      {"hl7", "json", "--bogus", "a"},
      {"hl7", "get", "--encoding", "klingon", "a", "PID-3"},
      {"hl7", "get", "a", "PID-3", "--encoding"},
      {"hl7", "ack", "--code", "ZZ", "a"},
      {"hl7", "ack", "--error-code", "abc", "a"},
  };
  for (const auto& args : cases) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    INFO(joined);
    auto r = run_cli(args);
    CHECK(r.status == 64);
    CHECK(r.out.empty());
    CHECK(r.err.find("usage: lienthong") != std::string::npos);
  }
  auto bad_path = run_cli({"hl7", "get", "x.hl7", "PID-x"});
  CHECK(bad_path.err.find("bad path 'PID-x'") != std::string::npos);
}

TEST_CASE("cli: run outside the repository root, the default paths say how to fix it", "[cli][usage]") {
  const std::string elsewhere = "/";  // has neither samples/lienthong.json nor mappings/
  for (std::vector<std::string> args : {std::vector<std::string>{"queue"}, {"check"}, {"messages", "list"}}) {
    auto r = run_cli(args, {}, elsewhere);
    CHECK(r.status != 0);
    CHECK(r.err.find("no --config given") != std::string::npos);
    CHECK(r.err.find("give --config FILE") != std::string::npos);
  }
  const std::string msg = std::string(LIENTHONG_CORPUS_DIR) + "/microsoft-fhir-converter/input/ADT-A01-01.hl7";
  auto r = run_cli({"map", "--input", msg}, {}, elsewhere);
  CHECK(r.status != 0);
  CHECK(r.err.find("give --mappings DIR") != std::string::npos);
  // From the repository root, the defaults work.
  CHECK(run_cli({"map", "--input", msg}, {}, LIENTHONG_SOURCE_DIR).status == 0);
}

TEST_CASE("cli: an unreadable input exits 66", "[cli][usage]") {
  auto r = run_cli({"hl7", "json", "/nonexistent/adt.hl7"});
  CHECK(r.status == 66);
  CHECK(r.err == "lienthong: /nonexistent/adt.hl7: cannot open: No such file or directory\n");
}

TEST_CASE("cli: bad envelopes and garbage are one line, status 2, never a crash", "[cli][errors]") {
  std::string bad_file = corpus_dir() + "/python-hl7/sample_bad_batch.hl7";
  auto r = run_cli({"hl7", "get", bad_file, "MSH-10"});
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == bad_file + ": byte 65, segment 2 (EVN): segment EVN before the first MSH\n");

  for (const std::string& input : {std::string(""), std::string("\r\n"), std::string("hello"),
                                  std::string("MSH"), std::string("MSH|"), std::string("MSH|^~\\&|\r"),
                                  std::string("\x0B\x1C\x0D"), std::string("\xEF\xBB\xBF"),
                                  std::string(1000, '\0'), std::string("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|\xFF\xFE\r")}) {
    for (const char* verb : {"get", "json", "ack"}) {
      std::vector<std::string> args{"hl7", verb, "-"};
      if (std::string(verb) == "get") args.push_back("PID-3");
      auto g = run_cli(args, input);
      INFO(verb << " on " << input.size() << " bytes: " << g.err);
      CHECK(g.status == 2);
      CHECK(std::count(g.err.begin(), g.err.end(), '\n') == 1);
      CHECK(g.err.rfind("<stdin>: ", 0) == 0);
    }
  }
}

TEST_CASE("cli: --strict rejects what lenient mode reads", "[cli][errors]") {
  std::string lf = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\nPID|1\n";
  CHECK(run_cli({"hl7", "get", "-", "MSH-10"}, lf).status == 0);
  auto s = run_cli({"hl7", "get", "--strict", "-", "MSH-10"}, lf);
  CHECK(s.status == 2);
  auto b = run_cli({"hl7", "get", "--strict", corpus_dir() + "/python-hl7/sample_batch3.hl7", "MSH-10"});
  CHECK(b.status == 2);
  CHECK(b.err.find("never closed") != std::string::npos);
}
