// HttpTestProxy: a small real forward proxy on 127.0.0.1 (port chosen by the
// OS) for the HTTP destination's proxy tests. A CONNECT is answered 200 and the
// bytes are then relayed both ways to the named host (or refused with a set
// status); any other request must carry an absolute http:// URL, which the
// proxy sends on in origin form (one request per connection, then it closes).
// It records every request line it was sent. With credentials required, a
// request without that Proxy-Authorization is answered 407; the header is never
// passed on to the server (it is for the proxy alone).
//
// One thread accepts, one thread per connection (two while a tunnel relays);
// blocking Asio I/O.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace lienthong::testing {

class HttpTestProxy {
 public:
  HttpTestProxy();
  ~HttpTestProxy();
  HttpTestProxy(const HttpTestProxy&) = delete;
  HttpTestProxy& operator=(const HttpTestProxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // "CONNECT 127.0.0.1:4431 HTTP/1.1", "POST http://127.0.0.1:8080/fhir HTTP/1.1", in arrival order.
  std::vector<std::string> request_lines() const;
  // From now on CONNECT is answered with `status` (e.g. 403) and the connection closed.
  void refuse_connect(unsigned status) { refuse_status_ = status; }
  // From now on every request must carry `Proxy-Authorization: <value>`.
  void require_credentials(std::string value);

 private:
  using tcp = boost::asio::ip::tcp;
  void accept_loop();
  void serve(std::shared_ptr<tcp::socket> client);
  std::shared_ptr<tcp::socket> track(std::shared_ptr<tcp::socket> socket);

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<unsigned> refuse_status_{0};
  mutable std::mutex mu_;
  std::string credentials_;  // required Proxy-Authorization value; empty: none
  bool stopping_ = false;
  std::vector<std::string> lines_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace lienthong::testing
