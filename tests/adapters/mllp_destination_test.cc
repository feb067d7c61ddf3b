// The "mllp" destination against a scripted MLLP peer on loopback (every answer a
// peer can give: AA, AE with ERR, AR, enhanced-mode codes, a wrong MSA-2 first, no
// answer, a closed connection), against npm's simple-hl7 server (a peer nobody here
// wrote) when node and the package are installed, shutdown, and its config errors.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "adapters/mllp/mllp_destination.h"
#include "adapters/mllp/mllp_destination_type.h"
#include "tests/adapters/mllp_test_support.h"
#include "tests/adapters/scripted_mllp_server.h"

extern char** environ;

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using adapters::mllp::MllpDestination;
using adapters::mllp::MllpDestinationConfig;
using adapters::mllp::NegativeAckPolicy;

core::DeliveryItem item_for(const std::string& control_id) {
  core::DeliveryItem item;
  item.id = 1;
  item.message_id = 1;
  item.route = "adt";
  item.message_type = "ADT^A01";
  item.control_id = control_id;
  item.content_type = core::kContentHl7v2;
  item.body = make_message(control_id);
  return item;
}

MllpDestinationConfig config_for(std::uint16_t port) {
  MllpDestinationConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.connect_timeout = 2s;
  config.ack_timeout = 5s;
  return config;
}

core::DeliveryResult deliver(core::Destination& destination, const core::DeliveryItem& item,
                             std::chrono::seconds limit = 20s) {
  std::promise<core::DeliveryResult> promise;
  auto future = promise.get_future();
  destination.deliver(item, [&](core::DeliveryResult result) { promise.set_value(std::move(result)); });
  REQUIRE(future.wait_for(limit) == std::future_status::ready);
  return future.get();
}

// The control id of an HL7 message the scripted server received.
std::string control_id_of(const std::string& message) { return hl7v2::read_header(message).control_id; }

// Answers every message with `code`, and the given MSA-3 / extra segments.
ScriptedMllpServer::Script answering(std::string code, std::string msa3 = "", std::string extra = "") {
  return [=](const std::string& message) {
    return ScriptedReply{{scripted_ack(code, control_id_of(message), msa3, extra)}, false};
  };
}

TEST_CASE("mllp destination: AA is kOk, the peer got the message", "[mllp][destination]") {
  ScriptedMllpServer server(answering("AA"));
  MllpDestination destination("lab", config_for(server.port()));
  auto result = deliver(destination, item_for("D1"));
  CHECK(result.verdict == core::Verdict::kOk);
  CHECK(result.detail == "AA");
  CHECK(server.received() == std::vector<std::string>{"D1"});
}

TEST_CASE("mllp destination: AE follows on_ae, with the ERR text", "[mllp][destination]") {
  const std::string err = "ERR||PID^1^3|101^Required field missing^HL70357|E||||Bed not found \r";
  ScriptedMllpServer server(answering("AE", "", err));
  SECTION("default: retry") {
    MllpDestination destination("lab", config_for(server.port()));
    auto result = deliver(destination, item_for("E1"));
    CHECK(result.verdict == core::Verdict::kRetry);
    CHECK(result.detail == "AE: Bed not found");
  }
  SECTION("on_ae dead") {
    auto config = config_for(server.port());
    config.on_ae = NegativeAckPolicy::kDead;
    MllpDestination destination("lab", config);
    auto result = deliver(destination, item_for("E2"));
    CHECK(result.verdict == core::Verdict::kFail);
    CHECK(result.detail == "AE: Bed not found");
  }
}

TEST_CASE("mllp destination: AR follows on_ar, with MSA-3 when there is no ERR", "[mllp][destination]") {
  ScriptedMllpServer server(answering("AR", "Unsupported message type"));
  SECTION("default: dead") {
    MllpDestination destination("lab", config_for(server.port()));
    auto result = deliver(destination, item_for("R1"));
    CHECK(result.verdict == core::Verdict::kFail);
    CHECK(result.detail == "AR: Unsupported message type");
  }
  SECTION("on_ar retry") {
    auto config = config_for(server.port());
    config.on_ar = NegativeAckPolicy::kRetry;
    MllpDestination destination("lab", config);
    CHECK(deliver(destination, item_for("R2")).verdict == core::Verdict::kRetry);
  }
}

TEST_CASE("mllp destination: enhanced mode CA / CE / CR are read like AA / AE / AR", "[mllp][destination]") {
  std::atomic<int> n{0};
  ScriptedMllpServer server([&](const std::string& message) {
    static const char* const codes[] = {"CA", "CE", "CR"};
    const std::string code = codes[n++ % 3];
    return ScriptedReply{{scripted_ack(code, control_id_of(message), "because " + code)}, false};
  });
  MllpDestination destination("lab", config_for(server.port()));
  auto ca = deliver(destination, item_for("C1"));
  auto ce = deliver(destination, item_for("C2"));
  auto cr = deliver(destination, item_for("C3"));
  CHECK(ca.verdict == core::Verdict::kOk);
  CHECK(ca.detail == "CA");
  CHECK(ce.verdict == core::Verdict::kRetry);
  CHECK(ce.detail == "CE: because CE");
  CHECK(cr.verdict == core::Verdict::kFail);
  CHECK(cr.detail == "CR: because CR");
}

TEST_CASE("mllp destination: an ACK for another message is skipped, the matching one counts", "[mllp][destination]") {
  ScriptedMllpServer server([](const std::string& message) {
    const std::string id = control_id_of(message);
    return ScriptedReply{{scripted_ack("AR", "OLD" + id), scripted_ack("AA", id)}, false};
  });
  MllpDestination destination("lab", config_for(server.port()));
  auto result = deliver(destination, item_for("W1"));
  CHECK(result.verdict == core::Verdict::kOk);
  CHECK(result.detail == "AA");
}

TEST_CASE("mllp destination: no answer within ack_timeout is kRetry", "[mllp][destination]") {
  ScriptedMllpServer server([](const std::string&) { return ScriptedReply{}; });
  auto config = config_for(server.port());
  config.ack_timeout = 200ms;
  MllpDestination destination("lab", config);
  auto result = deliver(destination, item_for("T1"));
  CHECK(result.verdict == core::Verdict::kRetry);
  CHECK(result.detail.rfind("timeout: ", 0) == 0);
  CHECK(server.received().size() == 1);  // tried once: retries are the scheduler's
}

TEST_CASE("mllp destination: a closed connection is kRetry, the next item reconnects", "[mllp][destination]") {
  std::atomic<int> n{0};
  ScriptedMllpServer server([&](const std::string& message) {
    if (n++ == 0) return ScriptedReply{{}, true};
    return ScriptedReply{{scripted_ack("AA", control_id_of(message))}, false};
  });
  MllpDestination destination("lab", config_for(server.port()));
  auto lost = deliver(destination, item_for("L1"));
  CHECK(lost.verdict == core::Verdict::kRetry);
  CHECK(lost.detail.rfind("connection: ", 0) == 0);
  CHECK(server.received().size() == 1);  // not resent by the sender itself
  auto again = deliver(destination, item_for("L1"));
  CHECK(again.verdict == core::Verdict::kOk);
  CHECK(server.connections() == 2);
}

TEST_CASE("mllp destination: a refused connection is kRetry", "[mllp][destination]") {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }  // closed: nothing listens there now
  MllpDestination destination("lab", config_for(port));
  auto result = deliver(destination, item_for("X1"));
  CHECK(result.verdict == core::Verdict::kRetry);
  CHECK(result.detail.rfind("connect: ", 0) == 0);
}

TEST_CASE("mllp destination: FHIR JSON or a body without MSH-10 is kFail", "[mllp][destination]") {
  ScriptedMllpServer server(answering("AA"));
  MllpDestination destination("lab", config_for(server.port()));
  core::DeliveryItem json = item_for("J1");
  json.content_type = core::kContentFhirJson;
  CHECK(deliver(destination, json).verdict == core::Verdict::kFail);
  core::DeliveryItem no_id = item_for("");
  CHECK(deliver(destination, no_id).verdict == core::Verdict::kFail);
  CHECK(server.received().empty());
}

TEST_CASE("mllp destination: several connections answer every item", "[mllp][destination]") {
  ScriptedMllpServer server(answering("AA"));
  auto config = config_for(server.port());
  config.connections = 3;
  MllpDestination destination("lab", config);
  std::vector<std::promise<core::DeliveryResult>> answers(30);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    destination.deliver(item_for("P" + std::to_string(i)),
                        [&answers, i](core::DeliveryResult result) { answers[i].set_value(std::move(result)); });
  }
  for (auto& answer : answers) {
    auto future = answer.get_future();
    REQUIRE(future.wait_for(20s) == std::future_status::ready);
    CHECK(future.get().verdict == core::Verdict::kOk);
  }
  CHECK(server.received().size() == 30);
  CHECK(server.connections() >= 1);
  CHECK(server.connections() <= 3);
}

TEST_CASE("mllp destination: shutdown answers queued and in-flight items kRetry without waiting for the ACK timeout",
          "[mllp][destination]") {
  ScriptedMllpServer server([](const std::string&) { return ScriptedReply{}; });  // never answers
  auto config = config_for(server.port());
  config.ack_timeout = std::chrono::minutes(2);
  auto destination = std::make_unique<MllpDestination>("lab", config);
  std::vector<std::promise<core::DeliveryResult>> answers(3);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    destination->deliver(item_for("S" + std::to_string(i)),
                         [&answers, i](core::DeliveryResult result) { answers[i].set_value(std::move(result)); });
  }
  for (int i = 0; i < 200 && server.received().empty(); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(server.received().size() == 1);  // one in flight, two queued

  // Without cancelling the send in flight, this would wait two minutes.
  auto stopped = std::async(std::launch::async, [&] { destination->shutdown(); });
  REQUIRE(stopped.wait_for(30s) == std::future_status::ready);
  for (auto& answer : answers) {
    auto future = answer.get_future();
    REQUIRE(future.wait_for(1s) == std::future_status::ready);
    auto result = future.get();
    CHECK(result.verdict == core::Verdict::kRetry);
    CHECK(result.detail == "shutting down");
  }
  auto after = deliver(*destination, item_for("S9"));
  CHECK(after.verdict == core::Verdict::kRetry);
  CHECK(after.detail == "shutting down");
  destination.reset();
}

TEST_CASE("mllp destination: shutdown called from a callback neither deadlocks nor loses an answer",
          "[mllp][destination]") {
  ScriptedMllpServer server(answering("AA"));
  auto config = config_for(server.port());
  config.connections = 2;
  auto destination = std::make_unique<MllpDestination>("lab", config);
  std::promise<core::DeliveryResult> first;
  destination->deliver(item_for("B1"), [&](core::DeliveryResult result) {
    destination->shutdown();  // on a worker thread
    first.set_value(std::move(result));
  });
  auto future = first.get_future();
  REQUIRE(future.wait_for(20s) == std::future_status::ready);
  CHECK(future.get().verdict == core::Verdict::kOk);
  CHECK(deliver(*destination, item_for("B2")).detail == "shutting down");
  auto destroyed = std::async(std::launch::async, [&] { destination.reset(); });  // joins the workers
  CHECK(destroyed.wait_for(20s) == std::future_status::ready);
}

TEST_CASE("mllp destination: the error text of a negative ACK", "[mllp][destination]") {
  using adapters::mllp::ack_error_text;
  const std::string head = "MSH|^~\\&|P|F|L|S|20240131||ACK|A1|P|2.5.1\rMSA|AE|X1|msa text\r";
  CHECK(ack_error_text(head + "ERR||PID^1^3|101^Required field missing^HL70357|E||||user text\r") == "user text");
  CHECK(ack_error_text(head + "ERR||PID^1^3|101^Required field missing^HL70357|E\r") == "Required field missing");
  CHECK(ack_error_text(head + "ERR||PID^1^3|207\r") == "207");
  CHECK(ack_error_text(head + "ERR|PID^1^3^101&Required field missing&HL70357\r") == "Required field missing");
  CHECK(ack_error_text(head) == "msa text");
  CHECK(ack_error_text(head + "ERR||||E||||caf\\T\\ \\F\\ bar\r") == "caf& | bar");  // escapes decoded
  const std::string long_text = "  " + std::string(299, 'x') + "\xC3\xA0" + std::string(50, 'y');
  const std::string cut = ack_error_text(head + "ERR||||E||||" + long_text + "\r");
  CHECK(cut == std::string(299, 'x'));  // 300 bytes at most, never half a UTF-8 character
}

// --- a real peer nobody here wrote --------------------------------------------

// Runs `node bench/peers/simple_hl7_server.js PORT` and waits for "listening PORT".
class SimpleHl7Server {
 public:
  explicit SimpleHl7Server(std::uint16_t port) {
    const fs::path script = fs::path(LIENTHONG_SOURCE_DIR) / "bench" / "peers" / "simple_hl7_server.js";
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string port_text = std::to_string(port);
    std::string node = "node";
    std::vector<char*> argv = {node.data(), const_cast<char*>(script.c_str()), const_cast<char*>(port_text.c_str()),
                               nullptr};
    if (::posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    std::string seen;
    pollfd fd{out[0], POLLIN, 0};
    while (pid_ > 0 && seen.find("listening") == std::string::npos && ::poll(&fd, 1, 10000) > 0) {
      char buf[256];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    listening_ = seen.find("listening " + port_text) != std::string::npos;
  }
  ~SimpleHl7Server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  bool listening() const { return listening_; }

 private:
  pid_t pid_ = -1;
  bool listening_ = false;
};

bool node_and_simple_hl7_present() {
  const fs::path module = fs::path(LIENTHONG_SOURCE_DIR) / "bench" / "peers" / "node_modules" / "simple-hl7";
  return std::system("node --version >/dev/null 2>&1") == 0 && fs::exists(module);
}

TEST_CASE("mllp destination: npm simple-hl7 server acknowledges 20 messages", "[mllp][destination][interop]") {
  // The peer's script is ours (bench/peers); only node and the npm package may be missing.
  REQUIRE(fs::exists(fs::path(LIENTHONG_SOURCE_DIR) / "bench" / "peers" / "simple_hl7_server.js"));
  if (!node_and_simple_hl7_present()) {
    WARN("node or bench/peers/node_modules/simple-hl7 missing (npm install in bench/peers): test skipped");
    return;
  }
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  SimpleHl7Server peer(port);
  REQUIRE(peer.listening());
  // simple-hl7 3.3.0 reads one message per read: one connection, one message at a time.
  MllpDestination destination("simple-hl7", config_for(port));
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    auto result = deliver(destination, item_for("NODE" + std::to_string(i)));
    INFO(result.detail);
    CHECK(result.verdict == core::Verdict::kOk);
    if (result.verdict == core::Verdict::kOk) ++ok;
  }
  CHECK(ok == 20);
  destination.shutdown();
}

// --- config -----------------------------------------------------------------

std::vector<std::string> parse_errors(const std::string& json, MllpDestinationConfig* out = nullptr) {
  auto doc = core::ConfigDocument::parse(json, "lienthong.json");
  auto type = adapters::mllp::mllp_destination_type();
  std::any settings = type.parse(doc.root());
  if (out != nullptr) *out = std::any_cast<MllpDestinationConfig>(settings);
  return doc.errors();
}

TEST_CASE("mllp destination: config keys, defaults and errors with the JSON path", "[mllp][destination][config]") {
  SECTION("defaults") {
    MllpDestinationConfig config;
    CHECK(parse_errors(R"({"host": "lab.example", "port": 2575})", &config).empty());
    CHECK(config.host == "lab.example");
    CHECK(config.port == 2575);
    CHECK(config.connections == 1);
    CHECK(config.connect_timeout == 5s);
    CHECK(config.ack_timeout == 30s);
    CHECK(config.on_ae == NegativeAckPolicy::kRetry);
    CHECK(config.on_ar == NegativeAckPolicy::kDead);
  }
  SECTION("every key") {
    MllpDestinationConfig config;
    CHECK(parse_errors(R"({"host": "10.0.0.9", "port": 6661, "connections": 4, "connect_timeout": "2s",
                           "ack_timeout": "90s", "on_ae": "dead", "on_ar": "retry"})",
                       &config)
              .empty());
    CHECK(config.connections == 4);
    CHECK(config.connect_timeout == 2s);
    CHECK(config.ack_timeout == 90s);
    CHECK(config.on_ae == NegativeAckPolicy::kDead);
    CHECK(config.on_ar == NegativeAckPolicy::kRetry);
  }
  SECTION("host and port are required") {
    CHECK(parse_errors(R"({})") == std::vector<std::string>{"lienthong.json: $.host: missing required key",
                                                            "lienthong.json: $.port: missing required key"});
  }
  SECTION("wrong values") {
    const auto errors = parse_errors(R"({"host": "h", "port": 0, "connections": 0, "ack_timeout": "soon",
                                         "on_ae": "drop", "on_ar": "DEAD"})");
    REQUIRE(errors.size() == 5);
    CHECK(errors[0].rfind("lienthong.json: $.port: ", 0) == 0);
    CHECK(errors[1].rfind("lienthong.json: $.connections: ", 0) == 0);
    CHECK(errors[2].rfind("lienthong.json: $.ack_timeout: ", 0) == 0);
    CHECK(errors[3] == "lienthong.json: $.on_ae: expected one of \"retry\", \"dead\", found \"drop\"");
    CHECK(errors[4] == "lienthong.json: $.on_ar: expected one of \"retry\", \"dead\", found \"DEAD\"");
  }
  SECTION("the type takes HL7 v2 only") {
    CHECK(adapters::mllp::mllp_destination_type().accepts == std::vector<std::string>{core::kContentHl7v2});
  }
}

}  // namespace
}  // namespace lienthong::testing
