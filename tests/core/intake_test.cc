#include "engine/core/intake.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <future>
#include <memory>

#include "engine/charset/charset.h"
#include "engine/hl7v2/parser.h"
#include "engine/store/sqlite_store.h"

using namespace lienthong;
using core::Answer;
using core::Inbound;

namespace {

const char kAdt[] =
    "MSH|^~\\&|HIS|BV|LT|SYT|20240131142005||ADT^A01^ADT_A01|MSG0001|P|2.5.1\r"
    "EVN|A01|20240131142005\r"
    "PID|1||12345^^^BV^MR||NGUYEN^VAN A\r";

std::filesystem::path temp_db(const std::string& name) {
  auto dir = std::filesystem::path(LIENTHONG_BINARY_DIR) / "test-tmp" / "core";
  std::filesystem::create_directories(dir);
  auto path = dir / (name + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path;
}

std::unique_ptr<store::SqliteStore> open_store(const std::string& name) {
  store::SqliteStoreOptions o;
  o.path = temp_db(name).string();
  o.synchronous = store::Synchronous::kNormal;
  auto s = store::SqliteStore::open(o);
  REQUIRE(s.ok());
  return std::move(s).value();
}

Answer submit(core::Intake& intake, std::string bytes, core::AckMode mode = core::AckMode::kAuto,
              bool honour_accept_ack = false) {
  std::promise<Answer> p;
  Inbound in;
  in.source = "adt";
  in.peer = "127.0.0.1:5000";
  in.bytes = std::move(bytes);
  in.ack_mode = mode;
  in.honour_accept_ack = honour_accept_ack;
  intake.submit(std::move(in), [&p](Answer a) { p.set_value(std::move(a)); });
  auto f = p.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return f.get();
}

std::string field(const std::string& ack, const std::string& segment, std::size_t n) {
  auto msg = hl7v2::parse(ack);
  REQUIRE(msg.ok());
  auto seg = msg->find(segment);
  if (!seg) return {};
  std::string_view raw = seg->raw();
  std::size_t start = 0;
  for (std::size_t i = 0; i < n; ++i) {
    start = raw.find('|', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  auto end = raw.find('|', start);
  return std::string(raw.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

// A store whose commits always fail, as on a full disk.
class FailingStore final : public store::Store {
 public:
  void append(store::InboundRecord, store::AppendCallback done) override {
    done(Error{"database or disk is full", {}});
  }
  Result<std::vector<store::MessageSummary>> list(const store::MessageFilter&) override {
    return std::vector<store::MessageSummary>{};
  }
  Result<std::optional<store::MessageDetail>> get(std::int64_t) override {
    return std::optional<store::MessageDetail>{};
  }
  void update_items(std::vector<store::ItemUpdate>, store::WriteCallback done) override {
    done(Error{"database or disk is full", {}});
  }
  void replay(store::ReplayRequest, std::function<void(Result<std::vector<std::int64_t>>)> done) override {
    done(Error{"database or disk is full", {}});
  }
  void prune(store::PruneRequest, std::function<void(Result<store::PruneResult>)> done) override {
    done(Error{"database or disk is full", {}});
  }
  void report_status(std::vector<store::DeliveryStatus>, store::WriteCallback done) override {
    done(Error{"database or disk is full", {}});
  }
  Result<store::QueueSnapshot> load_queue(const store::QueueLoad&) override { return store::QueueSnapshot{}; }
  Result<std::vector<store::QueueCounts>> queue_counts() override { return std::vector<store::QueueCounts>{}; }
  void close() override {}
};

}  // namespace

TEST_CASE("intake: a valid message is stored, then answered AA with its control id (ACK-5.1)") {
  auto st = open_store("accepted");
  core::Intake intake(*st);
  Answer a = submit(intake, kAdt);
  CHECK(a.accepted);
  CHECK(field(a.bytes, "MSA", 1) == "AA");
  CHECK(field(a.bytes, "MSA", 2) == "MSG0001");
  auto listed = st->list({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].control_id == "MSG0001");
  CHECK((*listed)[0].status == "accepted");
  auto detail = st->get((*listed)[0].id);
  REQUIRE(detail.ok());
  REQUIRE(detail->has_value());
  CHECK((*detail)->record.ack == a.bytes);  // the answer sent is the one stored
  CHECK((*detail)->record.raw == kAdt);
  CHECK(intake.counters().accepted == 1);
  CHECK(intake.wait_idle(std::chrono::seconds(5)));  // the answer is given before in_flight drops
  CHECK(intake.counters().in_flight == 0);
  st->close();
}

TEST_CASE("intake: a legacy-charset sender is answered in its own charset (ACK-5.5)") {
  const std::string facility = "BỆNH VIỆN ĐA KHOA TỈNH";
  struct Case {
    charset::Charset cs;
    const char* msh18;
  };
  for (Case c : {Case{charset::Charset::kTcvn3, "TCVN3"}, Case{charset::Charset::kVni, "VNI"},
                 Case{charset::Charset::kCp1258, "CP1258"}, Case{charset::Charset::kViscii, "VISCII"}}) {
    CAPTURE(c.msh18);
    auto st = open_store(std::string("charset-") + c.msh18);
    core::Intake intake(*st);
    const std::string utf8 = "MSH|^~\\&|HIS|" + facility + "|LT|SYT|20240131142005||ADT^A01^ADT_A01|MSG77|P|2.5.1||||||" +
                             c.msh18 + "\rPID|1||12345^^^BV^MR||TRẦN^THỊ BÍCH\r";
    auto legacy = charset::from_utf8(utf8, c.cs);
    REQUIRE(legacy.ok());
    auto facility_bytes = charset::from_utf8(facility, c.cs);
    REQUIRE(facility_bytes.ok());
    REQUIRE(*facility_bytes != facility);

    Answer a = submit(intake, *legacy);
    CHECK(a.accepted);
    CHECK(a.bytes.find(*facility_bytes) != std::string::npos);  // MSH-6 of the ACK, in the sender's bytes
    CHECK(a.bytes.find(facility) == std::string::npos);
    auto back = charset::to_utf8(a.bytes, c.cs);
    REQUIRE(back.ok());
    // Not parsed again: its MSH-18 would have the UTF-8 text decoded a second time.
    CHECK(back->find("|LT|SYT|HIS|" + facility + "|") != std::string::npos);
    CHECK(back->find("\rMSA|AA|MSG77") != std::string::npos);

    Answer again = submit(intake, *legacy);  // a duplicate gets the same bytes
    CHECK(again.bytes == a.bytes);
    st->close();
  }
}

TEST_CASE("intake: enhanced mode forced by the listener answers CA") {
  auto st = open_store("enhanced");
  core::Intake intake(*st);
  Answer a = submit(intake, kAdt, core::AckMode::kEnhanced);
  CHECK(a.accepted);
  CHECK(field(a.bytes, "MSA", 1) == "CA");
  st->close();
}

TEST_CASE("intake: honouring MSH-15, NE/ER/SU mark answers not requested; the message is stored all the same "
          "(ACK-6)") {
  auto st = open_store("accept-conditions");
  core::Intake intake(*st);
  auto with = [](const std::string& id, const std::string& msh15, bool bad) {
    return "MSH|^~\\&|HIS|BV|LT|SYT|20240131142005||ADT^A01^ADT_A01|" + id + "|P|2.5.1|||" + msh15 +
           "\rPID|1||12345^^^BV^MR||" + (bad ? std::string("\xff") : "NGUYEN^VAN A") + "\r";
  };
  struct Row {
    const char* msh15;
    bool bad;
    bool requested;
    const char* code;
  };
  int n = 0;
  for (const Row& row : {Row{"NE", false, false, "CA"}, Row{"NE", true, false, "CR"}, Row{"ER", false, false, "CA"},
                         Row{"ER", true, true, "CR"}, Row{"SU", false, true, "CA"}, Row{"SU", true, false, "CR"},
                         Row{"AL", true, true, "CR"}}) {
    INFO(row.msh15 << (row.bad ? " bad" : " good"));
    Answer a = submit(intake, with("C" + std::to_string(++n), row.msh15, row.bad), core::AckMode::kAuto, true);
    CHECK(a.requested == row.requested);
    CHECK(a.accepted == !row.bad);
    CHECK(field(a.bytes, "MSA", 1) == row.code);
  }
  // Forced original mode: AA/AR, always sent.
  Answer forced = submit(intake, with("C98", "NE", false), core::AckMode::kOriginal, true);
  CHECK(forced.requested);
  CHECK(field(forced.bytes, "MSA", 1) == "AA");
  // Not honoured (the listener default): every answer is sent.
  Answer plain = submit(intake, with("C99", "NE", false));
  CHECK(plain.requested);
  CHECK(field(plain.bytes, "MSA", 1) == "CA");
  auto all = st->list({});
  REQUIRE(all.ok());
  CHECK(all->size() == 9);
  st->close();
}

TEST_CASE("intake: a malformed message is stored as rejected and answered AR with ERR (ACK-5.2)") {
  auto st = open_store("rejected");
  core::Intake intake(*st);
  std::string bad = "MSH|^~\\&|HIS|BV|LT|SYT|20240131||ADT^A01||P|2.5.1\r";  // MSH-10 missing: does not parse
  Answer a = submit(intake, bad);
  CHECK_FALSE(a.accepted);
  CHECK(field(a.bytes, "MSA", 1) == "AR");
  CHECK_FALSE(field(a.bytes, "ERR", 3).empty());
  auto listed = st->list({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].status == "rejected");
  CHECK(intake.counters().rejected == 1);
  st->close();
}

TEST_CASE("intake: a duplicate is answered with the original's ACK and not stored twice (ACK-5.4)") {
  auto st = open_store("duplicate");
  core::Intake intake(*st);
  Answer first = submit(intake, kAdt);
  Answer second = submit(intake, kAdt);
  CHECK(first.accepted);
  CHECK(second.accepted);
  CHECK(second.bytes == first.bytes);
  auto listed = st->list({});
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);
  CHECK(intake.counters().duplicates == 1);
  st->close();
}

TEST_CASE("intake: a store that cannot commit -> AR with ERR 207, not accepted (ACK-5.3)") {
  FailingStore st;
  core::Intake intake(st);
  Answer a = submit(intake, kAdt);
  CHECK_FALSE(a.accepted);
  CHECK(field(a.bytes, "MSA", 1) == "AR");
  CHECK(field(a.bytes, "MSA", 2) == "MSG0001");
  CHECK(field(a.bytes, "ERR", 3).rfind("207", 0) == 0);
  CHECK(a.bytes.find("message not stored: database or disk is full") != std::string::npos);
  CHECK(intake.counters().store_errors == 1);
}

TEST_CASE("intake: after stop() submits are refused with 207 and not stored") {
  auto st = open_store("stopped");
  core::Intake intake(*st);
  intake.stop();
  Answer a = submit(intake, kAdt);
  CHECK_FALSE(a.accepted);
  CHECK(field(a.bytes, "MSA", 1) == "AR");
  auto listed = st->list({});
  REQUIRE(listed.ok());
  CHECK(listed->empty());
  CHECK(intake.wait_idle(std::chrono::milliseconds(100)));
  st->close();
}

TEST_CASE("intake: ACK control ids are unique") {
  FailingStore st;
  core::Intake intake(st);
  std::string a = intake.next_control_id(), b = intake.next_control_id();
  CHECK(a != b);
  CHECK(a.size() <= 20);
}
