// End to end: the real `lienthong run` process, real sockets, a real store file.
#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/mllp/mllp_sender.h"
#include "engine/store/sqlite_store.h"
#include "tests/adapters/mllp_test_support.h"
#include "tests/cli/run_cli.h"
#include "tests/e2e/engine_process.h"

using namespace lienthong;
using testing::EngineProcess;
using testing::run_cli;

namespace {

std::string adt(const std::string& control_id) {
  return "MSH|^~\\&|HIS|BV|LT|SYT|20240131142005+0700||ADT^A01^ADT_A01|" + control_id +
         "|P|2.5.1\rEVN|A01|20240131142005\rPID|1||12345^^^BV^MR||NGUYEN^VAN A\r";
}

std::string write_file(const EngineProcess& e, const std::string& name, const std::string& text) {
  auto path = (e.dir() / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("e2e: lienthong send -> AA for each message, listed by messages list; SIGTERM exits 0") {
  EngineProcess engine("send");
  REQUIRE(engine.start());
  auto file = write_file(engine, "two.hl7", adt("E2E-1") + "\r\n" + adt("E2E-2"));
  auto sent = run_cli({"send", "--config", engine.config(), file,
                       std::string(LIENTHONG_CORPUS_DIR) + "/hapi-hl7v2/util/segmentfinder_a24.hl7"});
  INFO(sent.err);
  CHECK(sent.status == 0);
  auto acks = lines_of(sent.out);
  REQUIRE(acks.size() == 3);
  CHECK(acks[0] == "AA E2E-1");
  CHECK(acks[1] == "AA E2E-2");
  CHECK(acks[2].rfind("CA ", 0) == 0);  // MSH-15/16 set: enhanced mode (ACK-1.1)

  auto listed = run_cli({"messages", "list", "--config", engine.config(), "--control-id", "E2E-*"});
  CHECK(listed.status == 0);
  CHECK(lines_of(listed.out).size() == 2);
  auto shown = run_cli({"messages", "show", "--config", engine.config(), "1"});
  CHECK(shown.status == 0);
  CHECK(shown.out.find("control_id: E2E-1") != std::string::npos);

  CHECK(engine.stop(SIGTERM) == 0);
  auto store = store::SqliteStore::open_readonly(engine.db());
  REQUIRE(store.ok());
  auto check = (*store)->integrity_check();
  REQUIRE(check.ok());
  CHECK(*check == "ok");
  CHECK(read_text(engine.log()).find("event=engine.stopped") != std::string::npos);
}

TEST_CASE("e2e: every stats_interval the engine logs its counters (engine.stats), never content") {
  EngineProcess engine("stats");
  {
    std::ofstream(engine.config()) << "{\"store\": {\"path\": \"store/lt.db\"}, \"stats_interval\": \"1s\",\n"
                                      " \"listeners\": [{\"type\": \"mllp\", \"name\": \"e2e\", \"port\": "
                                   << engine.port() << "}]}\n";
  }
  REQUIRE(engine.start());
  auto file = write_file(engine, "two.hl7", adt("STATS-1") + "\r\n" + adt("STATS-2"));
  auto sent = run_cli({"send", "--config", engine.config(), file});
  REQUIRE(sent.status == 0);
  // A line that counts both comes within a few ticks.
  bool counted = false;
  for (int i = 0; i < 100 && !counted; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string log = read_text(engine.log());
    counted = log.find("event=engine.stats received=2 accepted=2 errors=0 rejected=0 duplicates=0") != std::string::npos;
  }
  CHECK(counted);
  CHECK(engine.stop(SIGTERM) == 0);
  const std::string log = read_text(engine.log());
  CHECK(log.find("received_per_s=") != std::string::npos);
  CHECK(log.find("STATS-1") == std::string::npos);  // counts only: no control id, no content
}

TEST_CASE("e2e: a malformed message is answered AR and stored as rejected") {
  EngineProcess engine("malformed");
  REQUIRE(engine.start());
  // Not UTF-8 and no MSH-18: does not parse; MSH-10 lets the sender match the answer.
  auto file = write_file(engine, "bad.hl7", "MSH|^~\\&|HIS|BV|LT|SYT|20240131||ADT^A01|BAD-1|P|2.5.1\rPID|1||\xff\xfe\r");
  auto sent = run_cli({"send", "--config", engine.config(), file});
  CHECK(sent.status == 1);
  // The line gives the reason the answer carries (ERR-8, then ERR-3's text).
  CHECK(sent.out ==
        "AR BAD-1: byte 62: byte 0xFF is not valid UTF-8; if the sender uses a legacy encoding, set it "
        "(cp1258, tcvn3, viscii, vni, latin1); Data type error\n");
  auto listed = run_cli({"messages", "list", "--config", engine.config()});
  CHECK(listed.out.find("rejected") != std::string::npos);
  CHECK(engine.stop(SIGTERM) == 0);
}

TEST_CASE("e2e: a batch (BHS..BTS) in one MLLP frame: every message stored, one frame back with the batch of "
          "their ACKs (ACK-7)") {
  EngineProcess engine("batch");
  REQUIRE(engine.start());
  testing::RawClient client(static_cast<std::uint16_t>(engine.port()));
  REQUIRE(client.connected());
  REQUIRE(client.send_frame("BHS|^~\\&|HIS|BV|LT|SYT|20240131142005+0700||||BATCH-7\r" + adt("BT-1") + adt("BT-2") +
                            "BTS|2\r"));
  auto answer = client.read_frame();
  REQUIRE(answer);
  INFO(*answer);
  CHECK(answer->rfind("BHS|^~\\&|LT|SYT|HIS|BV|", 0) == 0);
  CHECK(answer->find("|BATCH-7\r") != std::string::npos);
  CHECK(answer->find("MSA|AA|BT-1\r") != std::string::npos);
  CHECK(answer->find("MSA|AA|BT-2\r") != std::string::npos);
  CHECK(answer->find("MSA|AA|BT-1\r") < answer->find("MSA|AA|BT-2\r"));
  CHECK(answer->size() >= 7);
  CHECK(answer->substr(answer->size() - 6) == "BTS|2\r");
  auto listed = run_cli({"messages", "list", "--config", engine.config(), "--control-id", "BT-?"});
  CHECK(lines_of(listed.out).size() == 2);
  CHECK(engine.stop(SIGTERM) == 0);
}

namespace {

// ADT^A01 with MSH-15 (accept acknowledgment type) set; `bad` makes it fail to parse.
std::string adt_accept(const std::string& control_id, const std::string& msh15, bool bad = false) {
  return "MSH|^~\\&|HIS|BV|LT|SYT|20240131142005+0700||ADT^A01^ADT_A01|" + control_id + "|P|2.5.1|||" + msh15 +
         "|AL\rEVN|A01|20240131142005\rPID|1||12345^^^BV^MR||" + (bad ? std::string("\xff") : "NGUYEN^VAN A") + "\r";
}

}  // namespace

TEST_CASE("e2e: with accept_ack msh15, MSH-15 NE, ER and SU are honoured: only the answers asked for come back; "
          "by default every message is answered; every message is stored either way (ACK-6)") {
  // On one connection, in this order; answers keep arrival order (ACK-6.2).
  const std::vector<std::string> messages = {
      adt_accept("NE-1", "NE"),          adt_accept("ER-1", "ER"),          adt_accept("SU-1", "SU"),
      adt_accept("AL-1", "AL"),          adt_accept("ER-BAD", "ER", true), adt_accept("SU-BAD", "SU", true),
      adt_accept("NE-BAD", "NE", true), adt_accept("LAST", "")};
  struct Case {
    const char* name;
    const char* keys;
    std::vector<std::string> answers;
  };
  for (const Case& c :
       {Case{"accept-always", "", {"CA NE-1", "CA ER-1", "CA SU-1", "CA AL-1", "CR ER-BAD", "CR SU-BAD", "CR NE-BAD",
                                   "CA LAST"}},
        Case{"accept-msh15", R"(, "accept_ack": "msh15")", {"CA SU-1", "CA AL-1", "CR ER-BAD", "CA LAST"}}}) {
    INFO(c.name);
    EngineProcess engine(c.name, c.keys);
    REQUIRE(engine.start());
    testing::RawClient client(static_cast<std::uint16_t>(engine.port()));
    REQUIRE(client.connected());
    for (const std::string& m : messages) REQUIRE(client.send_frame(m));
    std::vector<std::string> answers;
    for (std::size_t i = 0; i < c.answers.size(); ++i) {
      auto a = client.read_frame();
      REQUIRE(a);
      auto f = testing::ack_fields(*a);
      answers.push_back(f.code + " " + f.control_id);
    }
    CHECK(answers == c.answers);
    const std::string listed = run_cli({"messages", "list", "--config", engine.config()}).out;
    for (const char* id : {"NE-1", "ER-1", "SU-1", "AL-1", "ER-BAD", "SU-BAD", "NE-BAD", "LAST"}) {
      INFO(id << " in:\n" << listed);
      CHECK(listed.find(std::string("\t") + id + "\t") != std::string::npos);
    }
    CHECK(engine.stop(SIGTERM) == 0);
  }
}

TEST_CASE("e2e: python3-hl7's mllp_send (a client we did not write) gets every message ACKed") {
  EngineProcess engine("python");
  REQUIRE(engine.start());
  auto file = write_file(engine, "py.hl7", adt("PY-1") + "\n" + adt("PY-2") + "\n");
  auto out = (engine.dir() / "mllp_send.out").string();
  pid_t pid = testing::spawn({"/usr/bin/python3", "/usr/bin/mllp_send", "-p", std::to_string(engine.port()),
                              "-f", file, "--loose", "127.0.0.1"},
                             out);
  REQUIRE(pid > 0);
  CHECK(testing::wait_exit(pid) == 0);
  std::string answers = read_text(out);
  CHECK(answers.find("MSA|AA|PY-1") != std::string::npos);
  CHECK(answers.find("MSA|AA|PY-2") != std::string::npos);
  auto listed = run_cli({"messages", "list", "--config", engine.config(), "--control-id", "PY-?"});
  CHECK(lines_of(listed.out).size() == 2);
  CHECK(engine.stop(SIGTERM) == 0);
}

TEST_CASE("e2e: crash test: SIGKILL mid-stream loses no ACKed message and stores none twice") {
  EngineProcess engine("crash");
  REQUIRE(engine.start());
  std::mutex mu;
  std::vector<std::string> acked;
  std::atomic<bool> stop{false};
  std::atomic<int> sent_total{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      adapters::mllp::MllpSenderConfig config;
      config.port = engine.port();
      config.max_attempts = 1;
      config.ack_timeout = std::chrono::milliseconds(3000);
      config.connect_timeout = std::chrono::milliseconds(1000);
      adapters::mllp::MllpSender sender(config);
      for (int i = 0; i < 100000 && !stop; ++i) {
        std::string id = "C" + std::to_string(c) + "-" + std::to_string(i);
        auto ack = sender.send(adt(id));
        sent_total++;
        if (!ack.ok()) break;  // the engine is gone
        if (ack->accepted()) {
          std::lock_guard lock(mu);
          acked.push_back(ack->control_id);
        }
      }
    });
  }
  // Kill once some messages went through (bounded wait), while clients still stream.
  for (int i = 0; i < 300 && sent_total < 200; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(engine.stop(SIGKILL) == 128 + SIGKILL);
  stop = true;
  for (auto& t : clients) t.join();
  REQUIRE(!acked.empty());

  // Restart on the same store: it opens (recovers the WAL) and serves.
  REQUIRE(engine.start());
  CHECK(engine.stop(SIGTERM) == 0);

  auto store = store::SqliteStore::open_readonly(engine.db());
  REQUIRE(store.ok());
  store::MessageFilter all;
  all.limit = 1'000'000;
  auto rows = (*store)->list(all);
  REQUIRE(rows.ok());
  std::multiset<std::string> stored;
  for (const auto& r : *rows) stored.insert(r.control_id);
  std::size_t missing = 0, twice = 0;
  for (const auto& id : acked) {
    if (stored.count(id) == 0) ++missing;
    if (stored.count(id) > 1) ++twice;
  }
  INFO("acked " << acked.size() << ", stored " << stored.size());
  CHECK(missing == 0);
  CHECK(twice == 0);
  auto check = (*store)->integrity_check();
  REQUIRE(check.ok());
  CHECK(*check == "ok");
}
