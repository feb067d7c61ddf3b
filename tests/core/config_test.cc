#include "engine/core/config.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace lienthong;

namespace {

// A stand-in listener type: reads host and port like a network listener does.
core::AdapterRegistry test_registry() {
  core::AdapterRegistry registry;
  core::ListenerRegistry& r = registry.listeners;
  core::ListenerType t;
  t.parse = [](const core::ConfigObject& o) {
    core::ListenerSpec spec;
    spec.host = o.string("host", "127.0.0.1");
    spec.port = static_cast<std::uint16_t>(o.uint("port", 2575, 0, 65535));
    return spec;
  };
  t.create = [](boost::asio::io_context&, const core::ListenerSpec&, core::MessageSink&) {
    return std::unique_ptr<core::Listener>();
  };
  r.add("tcp", t);
  return registry;
}

}  // namespace

TEST_CASE("config: a good file resolves the store path from the config's directory") {
  auto c = core::parse_config(R"({
    // comment
    "store": {"path": "../data/lienthong.db", "synchronous": "normal", "duplicate_window": "1h",
              "batch_max": 64, "batch_delay": "500us", "update_delay": "20ms",
              "checkpoint_pages": 4000, "checkpoint_interval": "1s", "wal_limit_mb": 128,
              "body_compression": "none"},
    "threads": 3, "delivery_threads": 2,
    "listeners": [{"type": "tcp", "name": "adt", "port": 2575}],
    "log": {"level": "debug", "format": "json"},
    "country": "VNM", "stats_interval": "5m",
  })", "/etc/lt/samples/lienthong.json", test_registry());
  REQUIRE(c.ok());
  CHECK(c->store.path == "/etc/lt/data/lienthong.db");
  CHECK(c->store.synchronous == "normal");
  CHECK(c->store.duplicate_window == std::chrono::hours(1));
  CHECK(c->store.batch_max == 64);
  CHECK(c->store.batch_delay == std::chrono::microseconds(500));
  CHECK(c->store.update_delay == std::chrono::milliseconds(20));
  CHECK(c->store.checkpoint_pages == 4000);
  CHECK(c->store.checkpoint_interval == std::chrono::seconds(1));
  CHECK(c->store.wal_limit_mb == 128);
  CHECK(c->store.body_compression == "none");
  CHECK(c->threads == 3);
  CHECK(c->delivery_threads == 2);
  REQUIRE(c->listeners.size() == 1);
  CHECK(c->listeners[0].name == "adt");
  CHECK(c->listeners[0].spec.port == 2575);
  CHECK(c->log.level == core::log::Level::kDebug);
  CHECK(c->log.format == core::log::Format::kJson);
  CHECK(c->country == "VNM");
  CHECK(c->stats_interval == std::chrono::minutes(5));
}

TEST_CASE("config: every error of the whole file is returned") {
  auto c = core::parse_config(R"({
    "store": {"synchronous": "sometimes", "body_compression": "zip"},
    "delivery_threads": 0,
    "listeners": [
      {"type": "tcp", "name": "adt", "port": 2575},
      {"type": "tcp", "name": "adt", "port": 2575, "colour": "red"},
      {"type": "ftp", "name": "x"},
      {"name": "y"}
    ],
    "log": {"level": "loud"},
    "country": "Viet Nam",
    "stats_interval": "500ms",
    "extra": true
  })", "lienthong.json", test_registry());
  REQUIRE_FALSE(c.ok());
  const std::vector<std::string> expected = {
      "lienthong.json: $.store.path: missing required key",
      "lienthong.json: $.store.synchronous: expected one of \"full\", \"normal\", found \"sometimes\"",
      "lienthong.json: $.store.body_compression: expected one of \"lz4\", \"none\", found \"zip\"",
      "lienthong.json: $.log.level: expected one of \"debug\", \"info\", \"warning\", \"error\", found \"loud\"",
      "lienthong.json: $.delivery_threads: expected an integer 1..64, found 0",
      "lienthong.json: $.listeners[1].name: duplicate listener name \"adt\"",
      "lienthong.json: $.listeners[1].colour: unknown key",
      "lienthong.json: $.listeners[1].port: port 2575 is already used by listener \"adt\"",
      "lienthong.json: $.listeners[2].type: expected one of \"tcp\", found \"ftp\"",
      "lienthong.json: $.listeners[3].type: missing required key",
      "lienthong.json: $.stats_interval: expected \"0s\" (no stats lines) or at least \"1s\"",
      "lienthong.json: $.country: expected an ISO 3166-1 country code such as \"VNM\" (3 capital letters, or 2: \"VN\"), found \"Viet Nam\"",
      "lienthong.json: $.extra: unknown key",
  };
  CHECK(c.error() == expected);
}

TEST_CASE("config: store is required; a JSON syntax error stops checking") {
  auto missing = core::parse_config("{}", "a.json", test_registry());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == std::vector<std::string>{"a.json: $.store: missing required key"});
  auto broken = core::parse_config("{\"store\": }", "b.json", test_registry());
  REQUIRE_FALSE(broken.ok());
  REQUIRE(broken.error().size() == 1);
  CHECK(broken.error()[0].rfind("b.json: line 1, column 11: ", 0) == 0);
}

TEST_CASE("config: the store and send verbs' scope leaves out the routes and their mappings") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("lt-config-scope-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "routes");
  {
    std::ofstream route(dir / "routes" / "broken.json");
    route << R"({"from": ["adt"], "mapping": "no/such/mapping.json", "to": [{"destination": "nowhere"}]})";
  }
  const std::string text = R"({"store": {"path": "store.db"}, "routes": "routes",
    "listeners": [{"type": "tcp", "name": "adt", "port": 2575}]})";
  const fs::path file = dir / "lienthong.json";
  auto all = core::parse_config(text, file, test_registry());
  REQUIRE_FALSE(all.ok());  // the whole check still reads every route
  auto without = core::parse_config(text, file, test_registry(), core::ConfigScope::kWithoutRoutes);
  REQUIRE(without.ok());
  CHECK(without->store.path == dir / "store.db");
  CHECK(without->listeners.size() == 1);
  REQUIRE(without->routes != nullptr);
  CHECK(without->routes->routes.empty());
  fs::remove_all(dir);
}

TEST_CASE("config: a store with only its path takes the documented defaults (docs/configuration.md)") {
  auto c = core::parse_config(R"({"store": {"path": "s.db"}, "listeners": []})", "/etc/lt/lienthong.json",
                              test_registry());
  REQUIRE(c.ok());
  CHECK(c->store.synchronous == "full");
  CHECK(c->store.duplicate_window == std::chrono::hours(24));
  CHECK(c->store.batch_max == 256);
  CHECK(c->store.batch_delay == std::chrono::microseconds(0));
  CHECK(c->store.update_delay == std::chrono::milliseconds(10));
  CHECK(c->store.checkpoint_pages == 4000);
  CHECK(c->store.checkpoint_interval == std::chrono::seconds(1));
  CHECK(c->store.wal_limit_mb == 64);
  CHECK(c->store.body_compression == "lz4");
}
