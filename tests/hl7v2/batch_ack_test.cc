// The answer to a batch (docs/specs/ack.md ACK-7): the original's envelope mirrored
// around one ACK per message.
#include "engine/hl7v2/batch_ack.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace lienthong::hl7v2;

namespace {

const std::string kMsg1 = "MSH|^~\\&|HIS|BV|LT|SYT|20240101||ADT^A01|1|P|2.5\rPID|1||111\r";
const std::string kMsg2 = "MSH|^~\\&|HIS|BV|LT|SYT|20240101||ADT^A01|2|P|2.5\rPID|1||222\r";
const std::string kAck1 = "MSH|^~\\&|LT|SYT|HIS|BV|20241105083012+0700||ACK^A01^ACK|X1|P|2.5\rMSA|AA|1\r";
const std::string kAck2 = "MSH|^~\\&|LT|SYT|HIS|BV|20241105083012+0700||ACK^A01^ACK|X2|P|2.5\rMSA|AE|2\rERR|||207\r";

}  // namespace

TEST_CASE("build_batch_ack: a BHS batch is answered by a BHS batch of ACKs: sender and receiver swapped, "
          "BHS-12 the original's BHS-11, BTS-1 the count (ACK-7.2)",
          "[batch][ack]") {
  const std::string bytes = "BHS|^~\\&|HIS|BV|LT|SYT|20240101||||B77\r" + kMsg1 + kMsg2 + "BTS|2\r";
  auto file = split_batch(bytes);
  REQUIRE(file.ok());
  const std::string answer = build_batch_ack(*file, {kAck1, kAck2}, "20241105083012+0700", "LBATCH-1");
  CHECK(answer == "BHS|^~\\&|LT|SYT|HIS|BV|20241105083012+0700||||LBATCH-1|B77\r" + kAck1 + kAck2 + "BTS|2\r");
  // The answer is itself a batch that splits back into the two ACKs.
  auto again = split_batch(answer);
  REQUIRE(again.ok());
  REQUIRE(again->message_count() == 2);
  CHECK(again->batches[0].messages[1] == kAck2);
}

TEST_CASE("build_batch_ack: a file (FHS) of batches keeps its shape, FTS-1 counts the batches; other "
          "delimiters are kept (ACK-7.2)",
          "[batch][ack]") {
  const std::string m1 = "MSH#^~\\&#HIS#BV#LT#SYT#20240101##ADT^A01#1#P#2.5\r";
  const std::string m2 = "MSH#^~\\&#HIS#BV#LT#SYT#20240101##ADT^A01#2#P#2.5\r";
  const std::string bytes = "FHS#^~\\&#HIS#BV#LT#SYT#20240101####F9\rBHS#^~\\&#HIS#BV\r" + m1 + "BTS#1\rBHS#^~\\&#HIS#BV\r" +
                            m2 + "BTS#1\rFTS#2\r";
  auto file = split_batch(bytes);
  REQUIRE(file.ok());
  const std::string a1 = "MSH#^~\\&#LT#SYT#HIS#BV#20241105083012+0700##ACK#X1#P#2.5\rMSA#AA#1";  // no final CR
  const std::string a2 = "MSH#^~\\&#LT#SYT#HIS#BV#20241105083012+0700##ACK#X2#P#2.5\rMSA#AA#2\r";
  const std::string answer = build_batch_ack(*file, {a1, a2}, "20241105083012+0700", "C1");
  CHECK(answer ==
        "FHS#^~\\&#LT#SYT#HIS#BV#20241105083012+0700####C1#F9\r"
        "BHS#^~\\&###HIS#BV#20241105083012+0700####C1#\r" + a1 + "\rBTS#1\r"
        "BHS#^~\\&###HIS#BV#20241105083012+0700####C1#\r" + a2 + "BTS#1\r"
        "FTS#2\r");
}
