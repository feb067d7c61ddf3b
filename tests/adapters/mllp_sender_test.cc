// MllpSender against fake servers (raw sockets) and against MllpListener.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "adapters/mllp/mllp_sender.h"
#include "tests/adapters/mllp_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::mllp::MllpListener;
using adapters::mllp::MllpSender;
using adapters::mllp::MllpSenderConfig;
using adapters::mllp::SendError;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

// A one-connection server on its own thread: reads one frame, then runs `answer`.
class FakeServer {
 public:
  using Answer = std::function<void(tcp::socket&, const std::string& control_id)>;

  explicit FakeServer(Answer answer) : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, answer = std::move(answer)] {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      hl7v2::MllpFramer framer;
      char buf[4096];
      while (true) {
        std::size_t n = socket.read_some(boost::asio::buffer(buf), ec);
        if (ec) return;
        framer.feed(std::string_view(buf, n));
        while (auto e = framer.next()) {
          if (e->kind == hl7v2::MllpEvent::Kind::kFrame) {
            answer(socket, hl7v2::read_header(e->payload).control_id);
          }
        }
        if (stop_) break;
      }
      // Keep the connection open until the client closes it.
      while (!ec) socket.read_some(boost::asio::buffer(buf), ec);
    });
  }
  ~FakeServer() {
    stop_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string ack_for_id(const std::string& id) {
  return hl7v2::build_ack(hl7v2::read_header(make_message(id)), hl7v2::AckCode::kAA);
}

void write_frame(tcp::socket& socket, const std::string& payload) {
  boost::system::error_code ec;
  boost::asio::write(socket, boost::asio::buffer(hl7v2::mllp_wrap(payload)), ec);
}

MllpSenderConfig config_for(std::uint16_t port) {
  MllpSenderConfig config;
  config.port = port;
  config.connect_timeout = 2s;
  config.ack_timeout = 3s;
  config.backoff_initial = 10ms;
  config.backoff_max = 50ms;
  return config;
}

TEST_CASE("sender: an ACK with another control id is discarded, the matching one counts", "[mllp][sender]") {
  FakeServer server([](tcp::socket& socket, const std::string& id) {
    write_frame(socket, ack_for_id("SOMEONE-ELSE"));
    write_frame(socket, "not an ack");
    write_frame(socket, ack_for_id(id));
  });
  MllpSender sender(config_for(server.port()));
  auto result = sender.send(make_message("MATCH1"));
  REQUIRE(result.ok());
  CHECK(result->code == "AA");
  CHECK(result->control_id == "MATCH1");
  CHECK(result->accepted());
  CHECK(ack_fields(result->raw).control_id == "MATCH1");
  CHECK(sender.discarded_acks() == 2);
}

TEST_CASE("sender: a server that only sends the wrong id ends in a timeout", "[mllp][sender]") {
  FakeServer server([](tcp::socket& socket, const std::string&) { write_frame(socket, ack_for_id("STALE")); });
  MllpSenderConfig config = config_for(server.port());
  config.ack_timeout = 300ms;
  MllpSender sender(config);
  auto result = sender.send(make_message("T1"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == SendError::Kind::kTimeout);
  CHECK(result.error().message.find("1 mismatched answers discarded") != std::string::npos);
  CHECK(sender.discarded_acks() == 1);
}

TEST_CASE("sender: a server that never answers gives a timeout error", "[mllp][sender]") {
  FakeServer server([](tcp::socket&, const std::string&) {});
  MllpSenderConfig config = config_for(server.port());
  config.ack_timeout = 300ms;
  MllpSender sender(config);
  auto result = sender.send(make_message("SILENT1"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == SendError::Kind::kTimeout);
  CHECK(result.error().message.find("SILENT1") != std::string::npos);
}

TEST_CASE("sender: nobody listening is a connection error after the retries", "[mllp][sender]") {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  MllpSenderConfig config = config_for(port);
  config.max_attempts = 3;
  MllpSender sender(config);
  auto result = sender.send(make_message("NOONE"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == SendError::Kind::kConnect);
  CHECK(result.error().message == "127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST_CASE("sender: a message without MSH-10 is refused before sending", "[mllp][sender]") {
  MllpSender sender(config_for(1));
  auto result = sender.send("MSH|^~\\&|A|B|C|D|2024||ADT^A01||P|2.5\r");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == SendError::Kind::kBadMessage);
}

TEST_CASE("sender: send_many uses one connection; a restarted server is reconnected", "[mllp][sender]") {
  TestSink sink;
  IoThreads io;
  auto listener = std::make_unique<MllpListener>(io.io(), test_config(), sink);
  REQUIRE(listener->start().ok());
  const std::uint16_t port = listener->port();

  MllpSender sender(config_for(port));
  std::vector<std::string> messages;
  for (int i = 0; i < 5; ++i) messages.push_back(make_message("MANY" + std::to_string(i)));
  auto results = sender.send_many(messages);
  REQUIRE(results.size() == 5);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(results[i].ok());
    CHECK(results[i]->control_id == "MANY" + std::to_string(i));
  }
  CHECK(listener->stats().connections_accepted == 1);

  // Restart the server on the same port: the sender's connection is now dead.
  std::promise<void> closed;
  listener->shutdown(2s, [&] { closed.set_value(); });
  REQUIRE(closed.get_future().wait_for(5s) == std::future_status::ready);
  listener.reset();
  adapters::mllp::MllpListenerConfig again = test_config();
  again.port = port;
  listener = std::make_unique<MllpListener>(io.io(), again, sink);
  REQUIRE(listener->start().ok());

  auto after = sender.send(make_message("AFTER-RESTART"));
  REQUIRE(after.ok());
  CHECK(after->control_id == "AFTER-RESTART");
  CHECK(listener->stats().connections_accepted == 1);

  std::promise<void> done;
  listener->shutdown(2s, [&] { done.set_value(); });
  done.get_future().wait_for(5s);
}

}  // namespace
}  // namespace lienthong::testing
