// MllpListener over real loopback sockets, with a sink that answers from its
// own thread and out of order.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/adapters/mllp_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::mllp::MllpListener;
using adapters::mllp::MllpListenerConfig;
using namespace std::chrono_literals;

struct Fixture {
  explicit Fixture(MllpListenerConfig config = test_config(), std::chrono::milliseconds delay = 0ms)
      : sink(delay), listener(io.io(), std::move(config), sink) {
    Status started = listener.start();
    REQUIRE(started.ok());
    port = listener.port();
    REQUIRE(port != 0);
  }
  ~Fixture() {
    std::promise<void> done;
    listener.shutdown(2s, [&] { done.set_value(); });
    done.get_future().wait_for(5s);
    io.stop();
  }
  TestSink sink;
  IoThreads io;
  MllpListener listener;
  std::uint16_t port = 0;
};

std::vector<std::string> read_ids(RawClient& client, std::size_t n) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < n; ++i) {
    auto ack = client.read_frame();
    if (!ack) break;
    ids.push_back(ack_fields(*ack).control_id);
  }
  return ids;
}

std::vector<std::string> numbered(const std::string& prefix, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

TEST_CASE("listener: a frame sent byte by byte is answered", "[mllp][listener]") {
  Fixture f;
  RawClient client(f.port);
  const auto ids = numbered("BYTE", 3);
  std::string stream;
  for (const auto& id : ids) stream += hl7v2::mllp_wrap(make_message(id));
  for (char c : stream) REQUIRE(client.send(std::string(1, c)));
  CHECK(read_ids(client, 3) == ids);
}

TEST_CASE("listener: several frames in one write are answered in order", "[mllp][listener]") {
  Fixture f;
  RawClient client(f.port);
  const auto ids = numbered("MANY", 20);
  std::string stream;
  for (const auto& id : ids) stream += hl7v2::mllp_wrap(make_message(id));
  REQUIRE(client.send(stream));
  auto acks = read_ids(client, ids.size());
  CHECK(acks == ids);
  // The sink answers each round newest first: order is the listener's doing.
  CHECK(f.sink.received().size() == ids.size());
}

TEST_CASE("listener: answers keep arrival order when the sink answers out of order", "[mllp][listener]") {
  Fixture f;
  f.sink.hold();
  RawClient client(f.port);
  const auto ids = numbered("ORD", 10);
  std::string stream;
  for (const auto& id : ids) stream += hl7v2::mllp_wrap(make_message(id));
  REQUIRE(client.send(stream));
  REQUIRE(f.sink.wait_submitted(ids.size()));
  f.sink.release();  // one round: answered last-to-first
  CHECK(read_ids(client, ids.size()) == ids);
  auto received = f.sink.received();
  REQUIRE(received.size() == ids.size());
  CHECK(hl7v2::read_header(received.front().bytes).control_id == ids.back());  // really out of order
}

TEST_CASE("listener: a sender that ends its frames with 0x1C alone is answered", "[mllp][listener]") {
  Fixture f;
  RawClient client(f.port);
  // One message at a time, each waiting for its answer: a listener that waited
  // for the 0x0D would never answer.
  for (const std::string id : {"EB1", "EB2"}) {
    std::string frame = hl7v2::mllp_wrap(make_message(id));
    frame.pop_back();
    REQUIRE(client.send(frame));
    CHECK(read_ids(client, 1) == std::vector<std::string>{id});
  }
  // Back to back, the next 0x0B right after the 0x1C.
  std::string both = hl7v2::mllp_wrap(make_message("EB3"));
  both.pop_back();
  both += hl7v2::mllp_wrap(make_message("EB4"));
  REQUIRE(client.send(both));
  CHECK(read_ids(client, 2) == std::vector<std::string>{"EB3", "EB4"});
  CHECK(f.listener.stats().bytes_discarded == 0);
}

TEST_CASE("listener: bytes outside frames are discarded and the frames still answered", "[mllp][listener]") {
  Fixture f;
  RawClient client(f.port);
  REQUIRE(client.send("junk!" + hl7v2::mllp_wrap(make_message("G1")) + "\r\nxyz" +
                      hl7v2::mllp_wrap(make_message("G2"))));
  CHECK(read_ids(client, 2) == std::vector<std::string>{"G1", "G2"});
  CHECK(f.listener.stats().bytes_discarded == 8);
}

TEST_CASE("listener: Inbound carries listener settings and the peer", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.name = "his-a";
  config.strict = true;
  config.encoding = "tcvn3";
  config.ack_mode = "enhanced";
  Fixture f(config);
  RawClient client(f.port);
  REQUIRE(client.send_frame(make_message("P1")));
  REQUIRE(client.read_frame());
  auto received = f.sink.received();
  REQUIRE(received.size() == 1);
  CHECK(received[0].source == "his-a");
  CHECK(received[0].peer.rfind("127.0.0.1:", 0) == 0);
  CHECK(received[0].strict);
  CHECK(received[0].encoding == charset::Charset::kTcvn3);
  CHECK(received[0].ack_mode == core::AckMode::kEnhanced);
  CHECK(received[0].bytes == make_message("P1"));
  CHECK(received[0].received_at_us > 0);
}

TEST_CASE("listener: an oversized frame is answered AR 207 and the connection goes on", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.max_frame_bytes = 1024;
  Fixture f(config);
  f.sink.set_answer_utc_offset(7 * 60);
  RawClient client(f.port);
  const std::string big = make_message("BIG1", std::string(5000, 'x'));
  SECTION("in one write with the next frame") {
    REQUIRE(client.send(hl7v2::mllp_wrap(big) + hl7v2::mllp_wrap(make_message("AFTER1"))));
  }
  SECTION("byte by byte") {
    const std::string stream = hl7v2::mllp_wrap(big) + hl7v2::mllp_wrap(make_message("AFTER1"));
    for (char c : stream) REQUIRE(client.send(std::string(1, c)));
  }
  SECTION("in small pieces") {
    const std::string stream = hl7v2::mllp_wrap(big) + hl7v2::mllp_wrap(make_message("AFTER1"));
    for (std::size_t i = 0; i < stream.size(); i += 700) REQUIRE(client.send(stream.substr(i, 700)));
  }
  auto reject = client.read_frame();
  REQUIRE(reject);
  const AckFields fields = ack_fields(*reject);
  CHECK(fields.code == "AR");
  CHECK(fields.control_id == "BIG1");
  CHECK(reject->find("207") != std::string::npos);
  CHECK(reject->find("message too large") != std::string::npos);
  CHECK(reject->find("+0700||ACK") != std::string::npos);  // MSH-7 in the engine's zone, whatever the host's
  auto next = client.read_frame();
  REQUIRE(next);
  CHECK(ack_fields(*next).code == "AA");
  CHECK(ack_fields(*next).control_id == "AFTER1");
  CHECK(f.listener.stats().frames_too_large == 1);
  CHECK(f.sink.submitted() == 1);
}

TEST_CASE("listener: a malformed message gets the sink's answer", "[mllp][listener]") {
  Fixture f;
  RawClient client(f.port);
  // MSH-9 missing: the parser rejects it; the sink answers with the codec's AR.
  REQUIRE(client.send_frame("MSH|^~\\&|HIS|BV_A|LT|SO|20240131|||BAD7|P|2.5.1\rPID|1\r"));
  REQUIRE(client.send_frame("not hl7 at all"));
  auto first = client.read_frame();
  auto second = client.read_frame();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(ack_fields(*first).code == "AR");
  CHECK(ack_fields(*second).code == "AR");
  CHECK(first->find("ERR|") != std::string::npos);
}

TEST_CASE("listener: 200 concurrent connections each get their own ACKs", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  Fixture f(config);
  constexpr int kConnections = 200;
  constexpr int kPerConnection = 5;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int c = 0; c < kConnections; ++c) {
    clients.push_back(std::make_unique<RawClient>(f.port));
    REQUIRE(clients.back()->connected());
  }
  for (int c = 0; c < kConnections; ++c) {
    std::string stream;
    for (int m = 0; m < kPerConnection; ++m) {
      stream += hl7v2::mllp_wrap(make_message("C" + std::to_string(c) + "M" + std::to_string(m)));
    }
    REQUIRE(clients[c]->send(stream));
  }
  int good = 0;
  for (int c = 0; c < kConnections; ++c) {
    for (int m = 0; m < kPerConnection; ++m) {
      auto ack = clients[c]->read_frame();
      if (ack && ack_fields(*ack).control_id == "C" + std::to_string(c) + "M" + std::to_string(m) &&
          ack_fields(*ack).code == "AA") {
        ++good;
      }
    }
  }
  CHECK(good == kConnections * kPerConnection);
  CHECK(f.listener.stats().connections_accepted == kConnections);
}

TEST_CASE("listener: max_in_flight stops taking frames until answers drain", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.max_in_flight = 4;
  Fixture f(config);
  f.sink.hold();
  RawClient client(f.port);
  const auto ids = numbered("BP", 30);
  std::string stream;
  for (const auto& id : ids) stream += hl7v2::mllp_wrap(make_message(id));
  REQUIRE(client.send(stream));
  REQUIRE(f.sink.wait_submitted(4));
  std::this_thread::sleep_for(100ms);  // a chance for a broken limit to show
  CHECK(f.sink.submitted() == 4);
  f.sink.release();
  CHECK(read_ids(client, ids.size()) == ids);
  CHECK(f.sink.outstanding_max() <= 4);
}

TEST_CASE("listener: an idle connection is closed", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.idle_timeout_ms = 150;
  Fixture f(config);
  RawClient client(f.port);
  REQUIRE(client.send_frame(make_message("I1")));
  REQUIRE(client.read_frame());
  CHECK(client.wait_closed());
  CHECK(f.listener.stats().idle_closes == 1);
}

TEST_CASE("listener: a frame not finished within read_timeout closes the connection", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.read_timeout_ms = 150;
  Fixture f(config);
  RawClient client(f.port);
  const std::string framed = hl7v2::mllp_wrap(make_message("R1"));
  REQUIRE(client.send(framed.substr(0, 30)));
  CHECK(client.wait_closed());
  CHECK(f.listener.stats().read_timeouts == 1);
  CHECK(f.listener.stats().idle_closes == 0);
  CHECK(f.sink.submitted() == 0);
}

TEST_CASE("listener: connections over max_connections are closed at once", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.max_connections = 2;
  Fixture f(config);
  RawClient a(f.port);
  RawClient b(f.port);
  REQUIRE(a.send_frame(make_message("A1")));
  REQUIRE(b.send_frame(make_message("B1")));
  REQUIRE(a.read_frame());
  REQUIRE(b.read_frame());
  RawClient c(f.port);
  CHECK(c.wait_closed());
  CHECK(f.listener.stats().connections_refused == 1);
  REQUIRE(a.send_frame(make_message("A2")));
  auto ack = a.read_frame();
  REQUIRE(ack);
  CHECK(ack_fields(*ack).control_id == "A2");
}

TEST_CASE("listener: shutdown answers what is in flight, then closes", "[mllp][listener]") {
  auto f = std::make_unique<Fixture>();
  f->sink.hold();
  RawClient client(f->port);
  const auto ids = numbered("SD", 3);
  for (const auto& id : ids) REQUIRE(client.send_frame(make_message(id)));
  REQUIRE(f->sink.wait_submitted(3));
  std::promise<void> done;
  f->listener.shutdown(5s, [&] { done.set_value(); });
  f->sink.release();
  CHECK(read_ids(client, 3) == ids);
  CHECK(client.wait_closed());
  CHECK(done.get_future().wait_for(5s) == std::future_status::ready);
  RawClient late(f->port, 1s);
  CHECK_FALSE(late.connected());
}

TEST_CASE("listener: a sink that answers inside submit is served in order", "[mllp][listener]") {
  InlineSink sink;
  IoThreads io;
  MllpListener listener(io.io(), test_config(), sink);
  REQUIRE(listener.start().ok());
  RawClient client(listener.port());
  const auto ids = numbered("IN", 10);
  std::string stream;
  for (const auto& id : ids) stream += hl7v2::mllp_wrap(make_message(id));
  REQUIRE(client.send(stream));
  CHECK(read_ids(client, ids.size()) == ids);
  std::promise<void> done;
  listener.shutdown(2s, [&] { done.set_value(); });
  CHECK(done.get_future().wait_for(5s) == std::future_status::ready);
}

TEST_CASE("listener: a peer that stops sending still gets every answer, then EOF", "[mllp][listener]") {
  Fixture f(test_config(), 20ms);
  RawClient client(f.port);
  const auto ids = numbered("HC", 5);
  std::string stream;
  for (const auto& id : ids) stream += hl7v2::mllp_wrap(make_message(id));
  REQUIRE(client.send(stream + "\x0BMSH|unfinished"));
  client.finish_sending();
  CHECK(read_ids(client, ids.size()) == ids);
  CHECK(client.wait_closed());
  CHECK(f.listener.stats().bytes_discarded == 14);  // the unfinished frame after 0x0B
}

TEST_CASE("listener: an oversized frame in enhanced mode is answered CR", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.max_frame_bytes = 1024;
  config.ack_mode = "enhanced";
  Fixture f(config);
  RawClient client(f.port);
  REQUIRE(client.send_frame(make_message("BIGCR", std::string(2000, 'y'))));
  auto reject = client.read_frame();
  REQUIRE(reject);
  CHECK(ack_fields(*reject).code == "CR");
  CHECK(ack_fields(*reject).control_id == "BIGCR");
}

TEST_CASE("listener: shutdown closes connections whose answers do not come by the deadline", "[mllp][listener]") {
  IoThreads io;
  SilentSink sink;  // destroyed (answering late) while io still runs
  MllpListener listener(io.io(), test_config(), sink);
  REQUIRE(listener.start().ok());
  RawClient client(listener.port());
  REQUIRE(client.send_frame(make_message("NEVER")));
  for (int i = 0; i < 500 && sink.held() == 0; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(sink.held() == 1);
  std::promise<void> done;
  listener.shutdown(200ms, [&] { done.set_value(); });
  CHECK(done.get_future().wait_for(5s) == std::future_status::ready);
  CHECK(client.wait_closed());
  CHECK(listener.stats().connections_open == 0);
}

TEST_CASE("listener: a peer that never reads its answers is closed", "[mllp][listener]") {
  MllpListenerConfig config = test_config();
  config.idle_timeout_ms = 200;
  Fixture f(config);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.open(boost::asio::ip::tcp::v4());
  socket.set_option(boost::asio::socket_base::receive_buffer_size(4096));
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), f.port});
  // Send until the listener gives up on us: it stops reading once its answers
  // back up, so our writes block too; a send timeout keeps them bounded.
  timeval tv{};
  tv.tv_sec = 5;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string window;
  for (int i = 0; i < 100; ++i) window += hl7v2::mllp_wrap(make_message("NR" + std::to_string(i), std::string(400, 'z')));
  boost::system::error_code ec;
  for (int round = 0; round < 2000 && !ec; ++round) boost::asio::write(socket, boost::asio::buffer(window), ec);
  CHECK(ec);  // closed by the listener (reset / broken pipe), not by our send timeout
  CHECK(ec != boost::asio::error::would_block);
  CHECK(ec != boost::asio::error::try_again);
  CHECK(f.listener.stats().write_timeouts == 1);
}

TEST_CASE("listener: bind errors and bad settings are values", "[mllp][listener]") {
  Fixture f;
  MllpListenerConfig config = test_config();
  config.port = f.port;
  TestSink sink;
  MllpListener second(f.io.io(), config, sink);
  Status busy = second.start();
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error().to_string() == "127.0.0.1:" + std::to_string(f.port) + ": address in use");

  MllpListenerConfig bad = test_config();
  bad.ack_mode = "sometimes";
  bad.encoding = "klingon";
  bad.max_in_flight = 0;
  CHECK(bad.validate().size() == 3);
  MllpListener third(f.io.io(), bad, sink);
  Status invalid = third.start();
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().to_string().find("ack_mode") != std::string::npos);
}

}  // namespace
}  // namespace lienthong::testing
