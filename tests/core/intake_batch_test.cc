// A batch over one connection (docs/specs/ack.md ACK-7): each message is taken as if
// it came alone (stored, answered on its own), and the answer is the batch of the
// messages' ACKs, sent once the last is decided.
#include <catch2/catch.hpp>

#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "engine/core/intake.h"
#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/parser.h"
#include "engine/store/sqlite_store.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using core::Answer;
using core::Inbound;
using lienthong::testing::TempDir;

namespace {

std::string adt(const std::string& control_id, const std::string& patient) {
  return "MSH|^~\\&|HIS|BV|LT|SYT|20240131142005||ADT^A04^ADT_A01|" + control_id + "|P|2.5.1\r"
         "PID|1||" + patient + "^^^BV^MR||NGUYEN^VAN A\r";
}

Answer submit(core::Intake& intake, std::string bytes) {
  std::promise<Answer> p;
  Inbound in;
  in.source = "adt";
  in.peer = "127.0.0.1:5000";
  in.bytes = std::move(bytes);
  intake.submit(std::move(in), [&p](Answer a) { p.set_value(std::move(a)); });
  auto f = p.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return f.get();
}

// MSA-1 and MSA-2 of each ACK in a batch answer, as "AA:1".
std::vector<std::string> answers_of(const std::string& batch_answer) {
  auto file = hl7v2::split_batch(batch_answer);
  REQUIRE(file.ok());
  std::vector<std::string> out;
  for (const auto& b : file->batches) {
    for (std::string_view m : b.messages) {
      auto ack = hl7v2::parse(std::string(m));
      REQUIRE(ack.ok());
      auto msa = ack->find("MSA");
      REQUIRE(msa);
      out.push_back(msa->field(1).text() + ":" + msa->field(2).text());
    }
  }
  return out;
}

// An intake over a store in a temporary directory.
struct BatchFixture {
  TempDir dir;
  std::unique_ptr<store::SqliteStore> store = open_store(dir);
  core::Intake intake{*store};

  static std::unique_ptr<store::SqliteStore> open_store(const TempDir& dir) {
    auto st = store::SqliteStore::open(testing::options_for(dir.file("b.db")));
    REQUIRE(st.ok());
    return std::move(st).value();
  }
};

}  // namespace

TEST_CASE("intake: a batch's messages are stored one by one and answered by a batch of their ACKs; one that "
          "does not parse is answered AR inside it (ACK-7.1, ACK-7.2)",
          "[intake][batch]") {
  BatchFixture f;
  auto& st = f.store;
  core::Intake& intake = f.intake;
  const std::string bad = "MSH|^~\\&|HIS|BV|LT|SYT|20240131142005||ADT^A04|||2.5.1\rPID|1||9\r";  // no MSH-10
  const std::string batch =
      "BHS|^~\\&|HIS|BV|LT|SYT|20240131142005||||B1\r" + adt("1", "P1") + bad + adt("2", "P2") + "BTS|3\r";
  Answer a = submit(intake, batch);
  INFO(a.bytes);
  CHECK_FALSE(a.accepted);  // not every message was
  CHECK(a.bytes.rfind("BHS|^~\\&|LT|SYT|HIS|BV|", 0) == 0);
  CHECK(a.bytes.find("|B1\r") != std::string::npos);  // BHS-12: the batch answered
  CHECK(a.bytes.find("BTS|3\r") != std::string::npos);
  CHECK(answers_of(a.bytes) == std::vector<std::string>{"AA:1", "AR:", "AA:2"});

  auto listed = st->list({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 3);
  int accepted = 0, rejected = 0;
  for (const auto& m : *listed) (m.status == "accepted" ? accepted : rejected)++;
  CHECK(accepted == 2);
  CHECK(rejected == 1);
  CHECK(intake.counters().received == 3);

  // Sent again: each stored message is a duplicate, answered with its own ACK.
  Answer again = submit(intake, batch);
  CHECK(answers_of(again.bytes) == std::vector<std::string>{"AA:1", "AR:", "AA:2"});
  CHECK(intake.counters().duplicates == 2);

  // Every message accepted: the batch is.
  Answer good = submit(intake, "BHS|^~\\&|HIS|BV\r" + adt("3", "P3") + "BTS|1\r");
  CHECK(good.accepted);
  CHECK(answers_of(good.bytes) == std::vector<std::string>{"AA:3"});
}

TEST_CASE("intake: a batch that does not split (BTS-1 disagrees) is answered AR as a whole and stored as "
          "rejected; an empty batch is answered by an empty batch (ACK-7.3)",
          "[intake][batch]") {
  BatchFixture f;
  auto& st = f.store;
  core::Intake& intake = f.intake;
  Answer a = submit(intake, "BHS|^~\\&|HIS|BV\r" + adt("1", "P1") + "BTS|5\r");
  INFO(a.bytes);
  CHECK_FALSE(a.accepted);
  auto ack = hl7v2::parse(a.bytes);
  REQUIRE(ack.ok());
  CHECK(ack->find("MSA")->field(1).text() == "AR");
  CHECK(a.bytes.find("BTS") != std::string::npos);  // the reason names the trailer
  auto listed = st->list({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].status == "rejected");

  Answer empty = submit(intake, "BHS|^~\\&|HIS|BV||||||B0\rBTS|0\r");
  CHECK(empty.accepted);
  CHECK(empty.bytes.rfind("BHS|", 0) == 0);
  CHECK(empty.bytes.find("BTS|0\r") != std::string::npos);
  CHECK(st->list({})->size() == 1);
}
