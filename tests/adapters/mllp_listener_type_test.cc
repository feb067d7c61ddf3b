// The "mllp" listener type as the engine's ListenerRegistry uses it.
#include <catch2/catch.hpp>

// Built once core's ListenerRegistry and log API are in the tree (see adapters/CMakeLists.txt).
#if __has_include("engine/core/listener_registry.h") && __has_include("engine/core/log.h")

#include <string>

#include "adapters/mllp/mllp_listener_config_reader.h"
#include "adapters/mllp/mllp_listener_type.h"
#include "tests/adapters/mllp_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::mllp::MllpListenerConfig;

TEST_CASE("listener type: parse gives the spec the engine checks for port clashes", "[mllp][config]") {
  auto type = adapters::mllp::mllp_listener_type();
  auto doc = core::ConfigDocument::parse(R"({"name": "adt", "host": "127.0.0.1", "port": 2575})", "x.json");
  core::ListenerSpec spec = type.parse(doc.root());
  CHECK(doc.errors().empty());
  CHECK(spec.host == "127.0.0.1");
  CHECK(spec.port == 2575);
  CHECK(std::any_cast<MllpListenerConfig>(spec.settings).name == "adt");
}

TEST_CASE("listener type: create binds and serves; a busy port throws", "[mllp][config]") {
  auto type = adapters::mllp::mllp_listener_type();
  auto doc = core::ConfigDocument::parse(R"({"name": "adt", "port": 0})", "x.json");
  core::ListenerSpec spec = type.parse(doc.root());
  TestSink sink;
  IoThreads io;
  auto listener = type.create(io.io(), spec, sink);
  const std::string endpoint = listener->endpoint();
  REQUIRE(endpoint.rfind("127.0.0.1:", 0) == 0);
  const auto port = static_cast<std::uint16_t>(std::stoi(endpoint.substr(10)));
  RawClient client(port);
  REQUIRE(client.send_frame(make_message("T1")));
  auto ack = client.read_frame();
  REQUIRE(ack);
  CHECK(ack_fields(*ack).control_id == "T1");

  auto busy = std::any_cast<MllpListenerConfig>(spec.settings);
  busy.port = port;
  core::ListenerSpec busy_spec = spec;
  busy_spec.settings = busy;
  CHECK_THROWS_WITH(type.create(io.io(), busy_spec, sink),
                    "listener adt: 127.0.0.1:" + std::to_string(port) + ": address in use");
  listener->shutdown();
  CHECK(client.wait_closed());
}

}  // namespace
}  // namespace lienthong::testing

#endif
