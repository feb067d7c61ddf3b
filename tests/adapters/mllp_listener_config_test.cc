// The "mllp" listener's config keys read from JSON through core's ConfigObject.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/mllp/mllp_listener_config_reader.h"

namespace lienthong::testing {
namespace {

using adapters::mllp::MllpListenerConfig;
using adapters::mllp::read_mllp_listener_config;

TEST_CASE("listener config: keys, defaults and rules", "[mllp][config]") {
  SECTION("defaults") {
    auto doc = core::ConfigDocument::parse(R"({"name": "adt"})", "lienthong.json");
    const core::ConfigObject root = doc.root();
    MllpListenerConfig config = read_mllp_listener_config(root);
    root.finish();
    CHECK(doc.errors().empty());
    CHECK(config.name == "adt");
    CHECK(config.host == "127.0.0.1");
    CHECK(config.port == 2575);
    CHECK(config.encoding == "auto");
    CHECK(config.ack_mode == "auto");
    CHECK(config.accept_ack == "always");
    CHECK_FALSE(config.strict);
    CHECK(config.max_frame_bytes == 16u * 1024 * 1024);
    CHECK(config.max_connections == 1024);
    CHECK(config.idle_timeout_ms == 300000);
    CHECK(config.read_timeout_ms == 30000);
    CHECK(config.max_in_flight == 64);
    CHECK(config.validate().empty());
  }
  SECTION("every key set") {
    auto doc = core::ConfigDocument::parse(R"({
      // a HIS that still sends TCVN3
      "name": "his", "host": "0.0.0.0", "port": 2600, "encoding": "tcvn3", "ack_mode": "enhanced",
      "accept_ack": "msh15", "strict": true, "max_frame_bytes": 2048, "max_connections": 10, "idle_timeout_ms": 1000,
      "read_timeout_ms": 500, "max_in_flight": 8,
    })", "lienthong.json");
    const core::ConfigObject root = doc.root();
    MllpListenerConfig config = read_mllp_listener_config(root);
    root.finish();
    CHECK(doc.errors().empty());
    CHECK(config.host == "0.0.0.0");
    CHECK(config.port == 2600);
    CHECK(config.charset() == charset::Charset::kTcvn3);
    CHECK(config.resolved_ack_mode() == core::AckMode::kEnhanced);
    CHECK(config.accept_ack == "msh15");
    CHECK(config.strict);
    CHECK(config.max_frame_bytes == 2048);
    CHECK(config.max_connections == 10);
    CHECK(config.idle_timeout_ms == 1000);
    CHECK(config.read_timeout_ms == 500);
    CHECK(config.max_in_flight == 8);
  }
  SECTION("mistakes name the key") {
    auto doc = core::ConfigDocument::parse(
        R"({"host": "localhost:1", "port": 70000, "encoding": "klingon", "ack_mode": "never",
            "accept_ack": "never", "max_in_flight": 0, "colour": "blue"})",
        "lienthong.json");
    const core::ConfigObject root = doc.root();
    read_mllp_listener_config(root);
    root.finish();
    std::string all;
    for (const auto& e : doc.errors()) all += e + "\n";
    INFO(all);
    CHECK(doc.errors().size() == 7);  // "name" missing is the loader's to report
    for (const char* key : {"$.host", "$.port", "$.encoding", "$.ack_mode", "$.accept_ack", "$.max_in_flight",
                            "$.colour"}) {
      CHECK(all.find(std::string("lienthong.json: ") + key) != std::string::npos);
    }
  }
}

}  // namespace
}  // namespace lienthong::testing
