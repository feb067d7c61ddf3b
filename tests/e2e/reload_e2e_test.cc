// SIGHUP reload (docs/specs/delivery.md DLV-8) with the real `lienthong run`: a
// changed route and a new destination apply to the next message while the
// sender's MLLP connection stays open; a configuration with an error changes
// nothing and is logged; items queued for a destination survive the reload.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/mllp/mllp_sender.h"
#include "tests/e2e/engine_process.h"

using namespace lienthong;
using namespace lienthong::testing;
using namespace std::chrono_literals;

namespace {

std::string adt(const std::string& control_id) {
  return "MSH|^~\\&|HIS|BV_TEST|LT|LT|20240301101500+0700||ADT^A08^ADT_A01|" + control_id +
         "|P|2.5\rEVN|A08|20240301101500+0700\rPID|1||PAT1^^^BV_TEST^MR||LE^VAN^BA||19700101|M\r";
}

void write_config(const EngineProcess& engine, const std::string& extra_destination) {
  std::ofstream(engine.config()) << R"({
    "store": {"path": "store/lt.db"},
    "listeners": [{"type": "mllp", "name": "his", "port": )" << engine.port() << R"(}],
    "routes": "routes",
    "destinations": [
      {"type": "file", "name": "first", "directory": "out-first"})" << extra_destination << R"(
    ]
  })";
}

void write_route(const EngineProcess& engine, const std::string& destination) {
  std::filesystem::create_directories(engine.dir() / "routes");
  std::ofstream(engine.dir() / "routes" / "adt.json")
      << R"({"when": {"message": "ADT^*"}, "to": [{"destination": ")" << destination << R"("}]})";
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return 0;
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".hl7";
  return n;
}

bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 400; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(25ms);
  }
  return false;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("e2e reload: SIGHUP applies new routes and destinations; the connection stays (DLV-8)", "[e2e][reload]") {
  EngineProcess engine("reload");
  write_config(engine, "");
  write_route(engine, "first");
  REQUIRE(engine.start());

  adapters::mllp::MllpSenderConfig config;
  config.port = engine.port();
  adapters::mllp::MllpSender sender(config);  // one connection for the whole test
  auto a = sender.send(adt("RL-1"));
  REQUIRE(a.ok());
  CHECK(a->accepted());
  REQUIRE(eventually([&] { return files_in(engine.dir() / "out-first") == 1; }));

  // A broken configuration: nothing changes, the errors are logged.
  write_config(engine, R"(, {"type": "file", "name": "second"})");  // "directory" missing
  write_route(engine, "second");
  REQUIRE(engine.signal(SIGHUP));
  REQUIRE(eventually([&] { return read_all(engine.log()).find("engine.reload_failed") != std::string::npos; }));
  CHECK(read_all(engine.log()).find("$.destinations[1].directory: missing required key") != std::string::npos);
  auto b = sender.send(adt("RL-2"));
  REQUIRE(b.ok());
  CHECK(b->accepted());
  REQUIRE(eventually([&] { return files_in(engine.dir() / "out-first") == 2; }));

  // A good one: the route now sends to the new destination.
  write_config(engine, R"(, {"type": "file", "name": "second", "directory": "out-second"})");
  REQUIRE(engine.signal(SIGHUP));
  REQUIRE(eventually([&] { return read_all(engine.log()).find("engine.reloaded") != std::string::npos; }));
  auto c = sender.send(adt("RL-3"));
  REQUIRE(c.ok());
  CHECK(c->accepted());
  REQUIRE(eventually([&] { return files_in(engine.dir() / "out-second") == 1; }));
  CHECK(files_in(engine.dir() / "out-first") == 2);
  CHECK(engine.stop(SIGTERM) == 0);
}

namespace {

void write_listeners(const EngineProcess& engine, const std::string& listeners) {
  std::ofstream(engine.config()) << R"({
    "store": {"path": "store/lt.db"},
    "listeners": [)" << listeners << R"(],
    "routes": "routes",
    "destinations": [{"type": "file", "name": "first", "directory": "out-first"}]
  })";
}

std::string mllp(const std::string& name, std::uint16_t port, const std::string& extra = "") {
  return R"({"type": "mllp", "name": ")" + name + R"(", "port": )" + std::to_string(port) + extra + "}";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool accepted(adapters::mllp::MllpSender& sender, const std::string& control_id) {
  auto answer = sender.send(adt(control_id));
  return answer.ok() && answer->accepted();
}

}  // namespace

TEST_CASE("e2e reload: SIGHUP starts new listeners, restarts changed ones, stops removed ones; open connections stay (DLV-8)",
          "[e2e][reload]") {
  EngineProcess engine("reload-listeners");
  const std::uint16_t his = engine.port();
  const std::uint16_t lab = free_port();
  write_listeners(engine, mllp("his", his) + ", " + mllp("lab", lab));
  write_route(engine, "first");
  REQUIRE(engine.start());
  REQUIRE(eventually([&] { return port_open(lab); }));

  adapters::mllp::MllpSenderConfig to_his;
  to_his.port = his;
  adapters::mllp::MllpSender his_sender(to_his);
  adapters::mllp::MllpSenderConfig to_lab;
  to_lab.port = lab;
  adapters::mllp::MllpSender lab_sender(to_lab);
  CHECK(accepted(his_sender, "LS-1"));
  CHECK(accepted(lab_sender, "LS-2"));

  // "his" changes a setting, "lab" goes away, "clinic" is new.
  const std::uint16_t clinic = free_port();
  const std::string next = mllp("his", his, R"(, "ack_mode": "original")") + ", " + mllp("clinic", clinic);
  write_listeners(engine, next);
  REQUIRE(engine.signal(SIGHUP));
  REQUIRE(eventually([&] { return read_all(engine.log()).find("engine.reloaded") != std::string::npos; }));
  const std::string log = read_all(engine.log());
  CHECK(count(log, "listener.stopped") == 2);
  CHECK(log.find("reason=removed") != std::string::npos);
  CHECK(log.find("reason=changed") != std::string::npos);
  CHECK(count(log, "listener.started") == 4);  // his and lab at start, then his and clinic

  // The connections opened before the reload are still served, by the listeners they came to.
  CHECK(accepted(his_sender, "LS-3"));
  CHECK(accepted(lab_sender, "LS-4"));
  // New connections: the restarted and the new listener take them; the removed one is closed.
  CHECK_FALSE(port_open(lab));
  adapters::mllp::MllpSender his_again(to_his);
  CHECK(accepted(his_again, "LS-5"));
  adapters::mllp::MllpSenderConfig to_clinic;
  to_clinic.port = clinic;
  adapters::mllp::MllpSender clinic_sender(to_clinic);
  CHECK(accepted(clinic_sender, "LS-6"));
  REQUIRE(eventually([&] { return files_in(engine.dir() / "out-first") == 6; }));

  // The same configuration again: nothing restarts.
  REQUIRE(engine.signal(SIGHUP));
  REQUIRE(eventually([&] { return count(read_all(engine.log()), "engine.reloaded") == 2; }));
  CHECK(count(read_all(engine.log()), "listener.stopped") == 2);
  CHECK(count(read_all(engine.log()), "listener.started") == 4);
  CHECK(accepted(his_again, "LS-7"));
  // The two stopped listeners still serve their connections, so they are kept.
  CHECK(count(read_all(engine.log()), "listener.released") == 0);

  // Once those connections close, both are let go of without another reload (DLV-8.3).
  his_sender.close();
  lab_sender.close();
  CHECK(eventually([&] { return count(read_all(engine.log()), "listener.released") == 2; }));
  CHECK(count(read_all(engine.log()), "engine.reloaded") == 2);
  CHECK(accepted(his_again, "LS-8"));  // the running listener is untouched
  CHECK(engine.stop(SIGTERM) == 0);
}
