#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/cli/run_cli.h"
#include "tests/support/files.h"

using lienthong::testing::corpus_dir;
using lienthong::testing::read_file;
using lienthong::testing::run_cli;

namespace {

std::string corpus(const std::string& rel) { return corpus_dir() + "/" + rel; }

// Writes `bytes` to a file under the build tree and returns its path.
std::string temp_file(const std::string& name, const std::string& bytes) {
  std::filesystem::path dir = std::filesystem::path(LIENTHONG_BINARY_DIR) / "tests" / "cli_tmp";
  std::filesystem::create_directories(dir);
  std::filesystem::path p = dir / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

}  // namespace

TEST_CASE("cli get: values of one message, empty line for what is absent", "[cli][get]") {
  auto r = run_cli({"hl7", "get", corpus("python-hl7/sample_hl7.hl7"), "MSH-9.1", "MSH-9.2", "PID-5.1", "OBX[2]-3.2",
                    "ZZZ-1", "PID-99"});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "ORU\nR01\nEVERYWOMAN\nGLUCOSE\n\n\n");
}

TEST_CASE("cli get: wildcards print every selection, nothing when none", "[cli][get]") {
  auto r = run_cli({"hl7", "get", corpus("python-hl7/sample_hl7.hl7"), "OBX[*]-1", "NTE[*]-1"});
  CHECK(r.status == 0);
  CHECK(r.out == "1\n2\n");
}

TEST_CASE("cli get: every message of a batch file, in order", "[cli][get][batch]") {
  auto r = run_cli({"hl7", "get", corpus("python-hl7/sample_file1.hl7"), "MSH-10", "PID-3.1"});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "12334456778890\n0000112234\n"
        "12334456778891\n0000112234\n"
        "12334456778890\n0000112234\n");
}

TEST_CASE("cli get: stdin with '-', LF terminators, escapes decoded", "[cli][get]") {
  std::string msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|77|P|2.5\nPID|1||1\\S\\2||TRAN^THI \\T\\ B\n";
  auto r = run_cli({"hl7", "get", "-", "MSH-10", "PID-3", "PID-5.2"}, msg);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "77\n1^2\nTHI & B\n");
}

TEST_CASE("cli get: --encoding reads legacy bytes; MSH-18 is used when present", "[cli][get][charset]") {
  std::string cp1258 = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||||Nguy\xEA\xDEn^V\xE3n\r";
  auto r = run_cli({"hl7", "get", "--encoding", "cp1258", "-", "PID-5.1", "PID-5.2"}, cp1258);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "Nguy\xE1\xBB\x85n\nV\xC4\x83n\n");

  std::string latin1 = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5||||||8859/1\rPID|1||||Caf\xE9\r";
  auto l = run_cli({"hl7", "get", temp_file("latin1.hl7", latin1), "PID-5"});
  INFO(l.err);
  CHECK(l.status == 0);
  CHECK(l.out == "Caf\xC3\xA9\n");

  auto bad = run_cli({"hl7", "get", "-", "PID-5"}, cp1258);  // not UTF-8 and not declared
  CHECK(bad.status == 2);
  CHECK(bad.out.empty());
  CHECK(bad.err.find("<stdin>: ") == 0);
  CHECK(bad.err.find("byte ") != std::string::npos);
}

TEST_CASE("cli get: MLLP-framed files", "[cli][get][mllp]") {
  std::string m1 = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|M1|P|2.5\rPID|1||111\r";
  std::string m2 = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|M2|P|2.5\rPID|1||222\r";
  std::string framed = "\x0B" + m1 + "\x1C\x0D\n\x0B" + m2 + "\x1C\x0D\n";
  auto r = run_cli({"hl7", "get", temp_file("framed.mllp", framed), "MSH-10", "PID-3"});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "M1\n111\nM2\n222\n");

  auto cut = run_cli({"hl7", "get", "-", "MSH-10"}, "\x0B" + m1);
  CHECK(cut.status == 2);
  CHECK(cut.err == "<stdin>: byte 0: MLLP frame has no end (0x1C 0x0D) before the end of the input\n");
}

TEST_CASE("cli get: every corpus message reads", "[cli][get][corpus]") {
  int files = 0;
  for (const auto& path : lienthong::testing::corpus_files("microsoft-fhir-converter/input", {".hl7"})) {
    auto r = run_cli({"hl7", "get", path.string(), "MSH-9.1"});
    INFO(path.string() << ": " << r.err);
    CHECK(r.status == 0);
    CHECK_FALSE(r.out.empty());
    if (++files == 25) break;
  }
  CHECK(files == 25);
}
