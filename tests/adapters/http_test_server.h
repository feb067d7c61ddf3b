// HttpTestServer: a small real HTTP/1.1 server on 127.0.0.1 (port chosen by the
// OS) for the HTTP destination's tests, plain or TLS. It records every request
// and answers from a scripted list, in order across all connections (then with
// the default answer): status, headers, body, an optional delay before answering
// and an optional close of the connection after answering (without saying so,
// as a server dropping an idle keep-alive connection does).
//
// One thread accepts, one thread per connection serves it (blocking Beast I/O),
// so what it counts (connections accepted, at most open at once) is what the
// client really did.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace lienthong::testing {

struct ScriptedResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering (stop() cuts it short)
  bool close = false;                  // close the connection after this answer
};

struct RecordedRequest {
  std::size_t connection = 0;  // 1-based, in accept order
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpTestServer {
 public:
  struct Tls {
    std::string cert_file;  // PEM
    std::string key_file;   // PEM
  };

  explicit HttpTestServer(std::optional<Tls> tls = std::nullopt);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT/fhir" (https for a TLS server).
  std::string url(const std::string& path = "/fhir") const;

  void script(std::vector<ScriptedResponse> responses);
  void set_default(ScriptedResponse response);

  std::vector<RecordedRequest> requests() const;
  std::size_t accepted() const;  // connections accepted so far
  std::size_t max_open() const;  // most connections open at the same time
  // Waits until `count` requests have arrived (false after `limit`).
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds limit = std::chrono::seconds(20)) const;

  // Closes the listener and every connection; answers in their delay are dropped.
  void stop();

 private:
  void accept_loop();
  void serve(std::shared_ptr<boost::asio::ip::tcp::socket> socket, std::size_t number);
  template <class Stream>
  void serve_stream(Stream& stream, std::size_t number);
  ScriptedResponse next_response();

  boost::asio::io_context io_;  // owns the sockets; never run (blocking calls only)
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::uint16_t port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;
  std::deque<ScriptedResponse> script_;
  ScriptedResponse default_;
  std::vector<RecordedRequest> requests_;
  std::size_t accepted_ = 0;
  std::size_t open_ = 0;
  std::size_t max_open_ = 0;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
};

}  // namespace lienthong::testing
