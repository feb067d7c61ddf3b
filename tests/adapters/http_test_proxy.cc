#include "tests/adapters/http_test_proxy.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>
#include <istream>
#include <sstream>

namespace lienthong::testing {
namespace {

using tcp = boost::asio::ip::tcp;
namespace asio = boost::asio;

// Copies from `from` to `to` until `from` ends, then ends `to`'s sending side.
void relay(tcp::socket& from, tcp::socket& to) {
  char buf[16384];
  boost::system::error_code ec;
  for (;;) {
    const std::size_t n = from.read_some(asio::buffer(buf), ec);
    if (ec || n == 0) break;
    asio::write(to, asio::buffer(buf, n), ec);
    if (ec) break;
  }
  ::shutdown(to.native_handle(), SHUT_WR);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "host:port" -> a connected socket, or null.
std::shared_ptr<tcp::socket> connect_to(asio::io_context& io, const std::string& authority) {
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return nullptr;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto endpoints = resolver.resolve(authority.substr(0, colon), authority.substr(colon + 1), ec);
  if (ec) return nullptr;
  auto socket = std::make_shared<tcp::socket>(io);
  asio::connect(*socket, endpoints, ec);
  return ec ? nullptr : socket;
}

}  // namespace

HttpTestProxy::HttpTestProxy() : acceptor_(io_) {
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { accept_loop(); });
}

HttpTestProxy::~HttpTestProxy() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    // shutdown() wakes a thread blocked reading a socket; close() would not.
    for (const auto& socket : sockets_) ::shutdown(socket->native_handle(), SHUT_RDWR);
  }
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code ignored;
  tcp::socket waker(io_);
  waker.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  acceptor_.close(ignored);
}

void HttpTestProxy::require_credentials(std::string value) {
  std::lock_guard lock(mu_);
  credentials_ = std::move(value);
}

std::vector<std::string> HttpTestProxy::request_lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

std::shared_ptr<HttpTestProxy::tcp::socket> HttpTestProxy::track(std::shared_ptr<tcp::socket> socket) {
  std::lock_guard lock(mu_);
  if (stopping_) ::shutdown(socket->native_handle(), SHUT_RDWR);
  sockets_.push_back(socket);
  return socket;
}

void HttpTestProxy::accept_loop() {
  for (;;) {
    auto socket = std::make_shared<tcp::socket>(io_);
    boost::system::error_code ec;
    acceptor_.accept(*socket, ec);
    std::lock_guard lock(mu_);
    if (stopping_) return;
    if (ec) continue;
    sockets_.push_back(socket);
    threads_.emplace_back([this, socket] { serve(socket); });
  }
}

void HttpTestProxy::serve(std::shared_ptr<tcp::socket> client) {
  boost::system::error_code ec;
  asio::streambuf in;
  const std::size_t head_size = asio::read_until(*client, in, "\r\n\r\n", ec);
  if (ec) return;
  const std::string head(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + head_size);
  in.consume(head_size);
  const std::string line = head.substr(0, head.find("\r\n"));
  {
    std::lock_guard lock(mu_);
    lines_.push_back(line);
  }
  std::istringstream words(line);
  std::string method, target, version;
  words >> method >> target >> version;

  // The headers as sent, but for the hop-by-hop ones this proxy acts on.
  std::string headers, given_credentials;
  std::size_t content_length = 0;
  std::istringstream rest(head.substr(line.size() + 2));
  for (std::string h; std::getline(rest, h);) {
    if (!h.empty() && h.back() == '\r') h.pop_back();
    if (h.empty()) continue;
    const std::size_t colon = h.find(':');
    const std::string name = lower(h.substr(0, colon));
    std::string value = colon == std::string::npos ? "" : h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (name == "proxy-authorization") {
      given_credentials = value;
      continue;
    }
    if (name == "connection") continue;
    if (name == "content-length") content_length = std::stoul(value);
    headers += h + "\r\n";
  }
  std::string required;
  {
    std::lock_guard lock(mu_);
    required = credentials_;
  }
  if (!required.empty() && given_credentials != required) {
    const std::string answer =
        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n";
    asio::write(*client, asio::buffer(answer), ec);
    ::shutdown(client->native_handle(), SHUT_RDWR);
    return;
  }

  if (method == "CONNECT") {
    if (const unsigned status = refuse_status_; status != 0) {
      const std::string answer = "HTTP/1.1 " + std::to_string(status) + " Refused by test proxy\r\nContent-Length: 0\r\n\r\n";
      asio::write(*client, asio::buffer(answer), ec);
      ::shutdown(client->native_handle(), SHUT_RDWR);
      return;
    }
    auto upstream = connect_to(io_, target);
    if (!upstream) {
      asio::write(*client, asio::buffer(std::string("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")), ec);
      return;
    }
    track(upstream);
    asio::write(*client, asio::buffer(std::string("HTTP/1.1 200 Connection established\r\n\r\n")), ec);
    if (in.size() > 0) asio::write(*upstream, in.data(), ec);
    std::thread back([client, upstream] { relay(*upstream, *client); });
    relay(*client, *upstream);
    back.join();
    return;
  }

  // Absolute form: http://host:port/path -> origin form to host:port.
  const std::string scheme = "http://";
  if (target.rfind(scheme, 0) != 0) {
    asio::write(*client, asio::buffer(std::string("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")), ec);
    return;
  }
  const std::size_t slash = target.find('/', scheme.size());
  std::string authority = target.substr(scheme.size(), slash - scheme.size());
  if (authority.find(':') == std::string::npos) authority += ":80";
  const std::string path = slash == std::string::npos ? "/" : target.substr(slash);
  if (in.size() < content_length) asio::read(*client, in, asio::transfer_exactly(content_length - in.size()), ec);
  auto upstream = connect_to(io_, authority);
  if (!upstream) {
    asio::write(*client, asio::buffer(std::string("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")), ec);
    return;
  }
  track(upstream);
  const std::string forward = method + " " + path + " " + version + "\r\n" + headers + "Connection: close\r\n\r\n";
  asio::write(*upstream, asio::buffer(forward), ec);
  asio::write(*upstream, in.data(), ec);
  // The whole answer (the server may keep its side open), then this connection ends.
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> answer;
  boost::beast::http::read(*upstream, buffer, answer, ec);
  if (!ec) {
    answer.keep_alive(false);
    boost::beast::http::write(*client, answer, ec);
  }
  ::shutdown(client->native_handle(), SHUT_RDWR);
  ::shutdown(upstream->native_handle(), SHUT_RDWR);
}

}  // namespace lienthong::testing
