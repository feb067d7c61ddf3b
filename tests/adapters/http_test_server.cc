#include "tests/adapters/http_test_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace lienthong::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

HttpTestServer::HttpTestServer(std::optional<Tls> tls) : acceptor_(io_) {
  if (tls) {
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_->use_certificate_chain_file(tls->cert_file);
    tls_->use_private_key_file(tls->key_file, asio::ssl::context::pem);
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  default_.status = 200;
  accept_thread_ = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() { stop(); }

std::string HttpTestServer::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpTestServer::script(std::vector<ScriptedResponse> responses) {
  std::lock_guard lock(mutex_);
  for (auto& r : responses) script_.push_back(std::move(r));
}

void HttpTestServer::set_default(ScriptedResponse response) {
  std::lock_guard lock(mutex_);
  default_ = std::move(response);
}

std::vector<RecordedRequest> HttpTestServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t HttpTestServer::accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

std::size_t HttpTestServer::max_open() const {
  std::lock_guard lock(mutex_);
  return max_open_;
}

bool HttpTestServer::wait_for_requests(std::size_t count, std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return requests_.size() >= count; });
}

void HttpTestServer::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // shutdown() wakes a thread blocked reading the socket; close() would not.
    for (const auto& socket : sockets_) ::shutdown(socket->native_handle(), SHUT_RDWR);
  }
  changed_.notify_all();
  {
    // Wake the blocking accept with a connection of our own.
    asio::io_context io;
    tcp::socket waker(io);
    boost::system::error_code ignored;
    waker.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
    accept_thread_.join();
  }
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void HttpTestServer::accept_loop() {
  for (;;) {
    auto socket = std::make_shared<tcp::socket>(io_);
    boost::system::error_code ec;
    acceptor_.accept(*socket, ec);
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (ec) continue;
    const std::size_t number = ++accepted_;
    max_open_ = std::max(max_open_, ++open_);
    sockets_.push_back(socket);
    threads_.emplace_back([this, socket, number] { serve(socket, number); });
  }
}

void HttpTestServer::serve(std::shared_ptr<tcp::socket> socket, std::size_t number) {
  if (tls_) {
    asio::ssl::stream<tcp::socket&> stream(*socket, *tls_);
    boost::system::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (!ec) serve_stream(stream, number);
  } else {
    serve_stream(*socket, number);
  }
  ::shutdown(socket->native_handle(), SHUT_RDWR);
  std::lock_guard lock(mutex_);
  --open_;
}

template <class Stream>
void HttpTestServer::serve_stream(Stream& stream, std::size_t number) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    boost::system::error_code ec;
    http::read(stream, buffer, request, ec);
    if (ec) return;
    ScriptedResponse answer;
    {
      std::unique_lock lock(mutex_);
      RecordedRequest recorded;
      recorded.connection = number;
      recorded.method = std::string(request.method_string());
      recorded.target = std::string(request.target());
      for (const auto& field : request) {
        recorded.headers[lower(std::string(field.name_string()))] = std::string(field.value());
      }
      recorded.body = request.body();
      requests_.push_back(std::move(recorded));
      changed_.notify_all();
      if (script_.empty()) {
        answer = default_;
      } else {
        answer = std::move(script_.front());
        script_.pop_front();
      }
      if (answer.delay.count() > 0 && changed_.wait_for(lock, answer.delay, [&] { return stopping_; })) return;
      if (stopping_) return;
    }
    http::response<http::string_body> response;
    response.version(11);
    response.result(answer.status);
    bool says_close = false;
    for (const auto& [name, value] : answer.headers) {
      response.set(name, value);
      says_close = says_close || (lower(name) == "connection" && lower(value) == "close");
    }
    if (!answer.body.empty() && response.find(http::field::content_type) == response.end()) {
      response.set(http::field::content_type, "application/fhir+json");
    }
    response.body() = answer.body;
    if (!says_close) response.keep_alive(request.keep_alive());
    response.prepare_payload();
    http::write(stream, response, ec);
    if (ec || answer.close || says_close || !request.keep_alive()) return;
  }
}

}  // namespace lienthong::testing
