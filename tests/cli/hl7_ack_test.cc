#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/cli/run_cli.h"
#include "tests/support/files.h"

using lienthong::testing::corpus_dir;
using lienthong::testing::run_cli;

namespace {

std::vector<std::string> lines(const std::string& text, char sep = '\n') {
  std::vector<std::string> out;
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = text.find(sep, b);
    if (e == std::string::npos) e = text.size();
    out.push_back(text.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

std::string field(const std::string& segment, std::size_t n) {
  std::vector<std::string> f = lines(segment, '|');
  return n < f.size() ? f[n] : std::string();
}

const std::string kMsg = "MSH|^~\\&|HIS|BV|LIS|LAB|20240101||ORU^R01^ORU_R01|CTL9|P|2.5.1\rPID|1\r";

}  // namespace

TEST_CASE("cli ack: AA for a good message, one segment per line", "[cli][ack]") {
  auto r = run_cli({"hl7", "ack", "-", "--control-id", "A1"}, kMsg);
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto segs = lines(r.out);
  REQUIRE(segs.size() == 2);
  CHECK(segs[0].rfind("MSH|^~\\&|LIS|LAB|HIS|BV|", 0) == 0);
  CHECK(field(segs[0], 8) == "ACK^R01^ACK");
  CHECK(field(segs[0], 9) == "A1");
  CHECK(field(segs[0], 11) == "2.5.1");
  CHECK(segs[1] == "MSA|AA|CTL9");
  CHECK(r.out.find('\r') == std::string::npos);
}

TEST_CASE("cli ack: --raw keeps CR terminators", "[cli][ack]") {
  auto r = run_cli({"hl7", "ack", "--raw", "-"}, kMsg);
  REQUIRE(r.status == 0);
  CHECK(r.out.find('\n') == std::string::npos);
  CHECK(r.out.find("\rMSA|AA|CTL9\r") != std::string::npos);
}

TEST_CASE("cli ack: --error and --code", "[cli][ack]") {
  auto r = run_cli({"hl7", "ack", "-", "--error", "no route for ORU", "--error-code", "200"}, kMsg);
  REQUIRE(r.status == 0);
  auto segs = lines(r.out);
  REQUIRE(segs.size() == 3);
  CHECK(segs[1] == "MSA|AE|CTL9");
  CHECK(segs[2] == "ERR|||200^Unsupported message type^HL70357|E||||no route for ORU");

  auto c = run_cli({"hl7", "ack", "--code", "CA", "-"}, kMsg);
  CHECK(lines(c.out)[1] == "MSA|CA|CTL9");
}

TEST_CASE("cli ack: enhanced mode is chosen from MSH-15/16", "[cli][ack]") {
  std::string msg = "MSH|^~\\&|HIS|BV|LIS|LAB|20240101||ADT^A01|E1|P|2.5|||AL|NE\rPID|1\r";
  auto r = run_cli({"hl7", "ack", "-"}, msg);
  REQUIRE(r.status == 0);
  CHECK(lines(r.out)[1] == "MSA|CA|E1");
}

TEST_CASE("cli ack: a message that does not parse is answered AR, reported, status 2", "[cli][ack]") {
  std::string bad = "MSH|^~\\&|HIS|BV|LIS|LAB|20240101|||CTL10|P|2.3\rPID|1\r";
  auto r = run_cli({"hl7", "ack", "-"}, bad);
  CHECK(r.status == 2);
  CHECK(r.err.rfind("<stdin>: byte ", 0) == 0);
  auto segs = lines(r.out);
  REQUIRE(segs.size() == 3);
  CHECK(field(segs[0], 8) == "ACK");  // 2.3 without a trigger
  CHECK(segs[1].rfind("MSA|AR|CTL10|", 0) == 0);
  CHECK(segs[2].rfind("ERR|MSH^1^9^101&Required field missing&HL70357", 0) == 0);
}

TEST_CASE("cli ack: one ACK per message of a batch file (MSH-15/16 NE: enhanced mode)", "[cli][ack][batch]") {
  auto r = run_cli({"hl7", "ack", corpus_dir() + "/python-hl7/sample_batch1.hl7"});
  REQUIRE(r.status == 0);
  auto segs = lines(r.out);
  REQUIRE(segs.size() == 4);
  CHECK(segs[1] == "MSA|CA|12334456778890");
  CHECK(segs[3] == "MSA|CA|12334456778891");
}

TEST_CASE("cli ack: MSH-7 is in the engine's default zone, or --tz, never the host's", "[cli][ack]") {
  // The host may be on UTC (a container); an ACK from the engine is stamped +0700 by default.
  auto vn = run_cli({"hl7", "ack", "-"}, kMsg);
  REQUIRE(vn.status == 0);
  const std::string stamp = field(lines(vn.out)[0], 6);
  REQUIRE(stamp.size() == 19);
  CHECK(stamp.substr(14) == "+0700");
  auto india = run_cli({"hl7", "ack", "--tz", "+05:30", "-"}, kMsg);
  REQUIRE(india.status == 0);
  CHECK(field(lines(india.out)[0], 6).substr(14) == "+0530");
  auto utc = run_cli({"hl7", "ack", "--tz", "UTC", "-"}, kMsg);
  REQUIRE(utc.status == 0);
  CHECK(field(lines(utc.out)[0], 6).substr(14) == "+0000");
  auto bad = run_cli({"hl7", "ack", "--tz", "Mars/Olympus", "-"}, kMsg);
  CHECK(bad.status == 64);
  CHECK(bad.err.find("--tz") != std::string::npos);
}
