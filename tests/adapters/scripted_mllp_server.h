// ScriptedMllpServer: a small MLLP peer for destination tests, written here on purpose
// (not the engine's MllpListener, whose answers are the engine's own): each received
// frame is passed to a script that says which frames to answer with (none, several,
// wrong ones) and whether to close the connection. Runs on its own thread on
// 127.0.0.1, any free port; serves any number of connections at once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "engine/hl7v2/header.h"
#include "engine/hl7v2/mllp_framer.h"

namespace lienthong::testing {

struct ScriptedReply {
  std::vector<std::string> frames;  // HL7 messages, framed when sent
  bool close = false;               // close the connection after sending them
};

// An ACK for `control_id` with MSA-1 `code`, plus any `extra` segments (each ending in \r).
inline std::string scripted_ack(const std::string& code, const std::string& control_id, const std::string& msa3 = "",
                                const std::string& extra = "") {
  return "MSH|^~\\&|PEER|PEER_FAC|LIENTHONG|SO_YT|20240131142006||ACK^A01^ACK|ACK" + control_id + "|P|2.5.1\r"
         "MSA|" + code + "|" + control_id + (msa3.empty() ? "" : "|" + msa3) + "\r" + extra;
}

class ScriptedMllpServer {
 public:
  using Script = std::function<ScriptedReply(const std::string& message)>;

  explicit ScriptedMllpServer(Script script)
      : script_(std::move(script)), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();  // read before the io thread owns the acceptor
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ScriptedMllpServer() {
    boost::asio::post(io_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      for (auto& weak : sessions_) {
        if (auto session = weak.lock()) session->socket.close(ignored);
      }
    });
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::size_t connections() const { return connections_.load(); }
  // Control ids (MSH-10) of every frame received, in arrival order.
  std::vector<std::string> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  struct Session {
    explicit Session(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::tcp::socket socket;
    hl7v2::MllpFramer framer;
    char buffer[4096];
    std::string out;
  };

  void accept() {
    auto session = std::make_shared<Session>(io_);
    acceptor_.async_accept(session->socket, [this, session](const boost::system::error_code& ec) {
      if (ec) return;
      ++connections_;
      sessions_.push_back(session);
      read(session);
      accept();
    });
  }

  void read(const std::shared_ptr<Session>& session) {
    session->socket.async_read_some(boost::asio::buffer(session->buffer),
                                    [this, session](const boost::system::error_code& ec, std::size_t n) {
                                      if (ec) return;
                                      session->framer.feed(std::string_view(session->buffer, n));
                                      bool close = false;
                                      while (auto event = session->framer.next()) {
                                        if (event->kind != hl7v2::MllpEvent::Kind::kFrame) continue;
                                        {
                                          std::lock_guard lock(mutex_);
                                          received_.push_back(hl7v2::read_header(event->payload).control_id);
                                        }
                                        ScriptedReply reply = script_(event->payload);
                                        for (const auto& frame : reply.frames) session->out += hl7v2::mllp_wrap(frame);
                                        close = close || reply.close;
                                      }
                                      // Blocking write: answers are small, the client reads them.
                                      boost::system::error_code ignored;
                                      if (!session->out.empty()) {
                                        boost::asio::write(session->socket, boost::asio::buffer(session->out), ignored);
                                        session->out.clear();
                                      }
                                      if (close) {
                                        session->socket.close(ignored);
                                        return;
                                      }
                                      read(session);
                                    });
  }

  Script script_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::weak_ptr<Session>> sessions_;  // io thread only
  std::atomic<std::size_t> connections_{0};
  std::mutex mutex_;
  std::vector<std::string> received_;
  std::thread thread_;
};

}  // namespace lienthong::testing
