// HttpConnection: one keep-alive HTTP/1.1 connection (plain TCP or TLS) to the
// destination's server, carrying one request at a time. It connects on the first
// send() (resolve, connect, TLS handshake with SNI and, when verifying, the
// certificate's host name), and again after it was closed. Through a forward
// proxy (HttpTarget::proxy) it connects to the proxy instead: plain requests
// carry the absolute URL (RFC 9112 3.2.2); for TLS a CONNECT tunnel (RFC 9110
// 9.3.6) is opened first, and a refusal fails the request with the proxy's status.
//
// A reused connection that the server closed while it sat idle (the write fails,
// or the read ends before any byte of the answer) is reconnected and the request
// sent once more, transparently: that is keep-alive, not a failure.
//
// Time limits: resolve + connect + handshake within connect_timeout, and the
// whole exchange (connect included) within timeout; a limit reached closes the
// socket and fails with "timeout after 30s" / "connect: timeout after 5s".
//
// Thread-safety: every operation runs on the connection's own strand. send() may
// be called from any thread, but only when no other send() is outstanding (the
// pool hands a connection to one user at a time). cancel() may be called from any
// thread at any time: the outstanding send() then finishes with `cancelled`, and
// every later one at once. The handler runs on the strand, exactly once. Handlers
// hold the connection (shared_from_this), so it outlives the caller's reference.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "adapters/http/base_url.h"

namespace lienthong::adapters::http {

namespace beast_http = boost::beast::http;
using HttpRequest = beast_http::request<beast_http::string_body>;
using HttpResponse = beast_http::response<beast_http::string_body>;

// Debug-level connection events ("http.connected", "peer=... id=3"); never content.
using HttpLog = std::function<void(std::string_view event, const std::string& fields)>;

// Where and how to connect; shared read-only by every connection of a pool.
struct HttpTarget {
  BaseUrl url;
  // A forward proxy: the connection goes to it; an http:// request is written
  // with its absolute URL, an https:// one goes through a CONNECT tunnel.
  std::optional<BaseUrl> proxy;
  std::string proxy_authorization;  // Proxy-Authorization for the proxy (CONNECT or absolute-form requests)
  std::shared_ptr<boost::asio::ssl::context> tls;  // null for http://
  bool tls_verify = true;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds connect_timeout{5000};
  std::size_t max_response_bytes = 32 * 1024 * 1024;
};

struct HttpOutcome {
  bool ok = false;          // `response` holds a complete answer
  bool cancelled = false;   // cancel() ended it
  bool reusable = false;    // the connection may carry another request
  std::string failure;      // when !ok: "connect: Connection refused", "timeout after 30s", ...
  HttpResponse response;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  using Handler = std::function<void(HttpOutcome)>;

  static std::shared_ptr<HttpConnection> create(boost::asio::io_context& io, std::shared_ptr<const HttpTarget> target,
                                                HttpLog log, std::uint64_t id);
  ~HttpConnection();

  void send(std::shared_ptr<const HttpRequest> request, Handler done);
  void cancel();
  std::uint64_t id() const { return id_; }

  HttpConnection(boost::asio::io_context& io, std::shared_ptr<const HttpTarget> target, HttpLog log,
                 std::uint64_t id);  // use create()

 private:
  enum class Phase : unsigned char { kIdle, kResolve, kConnect, kHandshake, kWrite, kRead, kTunnel };

  void start();
  void connect();
  void on_resolved(boost::system::error_code ec, boost::asio::ip::tcp::resolver::results_type results);
  void on_connected(boost::system::error_code ec);
  void tunnel();  // CONNECT through the proxy
  void on_tunnel_written(boost::system::error_code ec, std::size_t bytes);
  void on_tunnel_read(boost::system::error_code ec, std::size_t bytes);
  void start_tls();
  void on_handshake(boost::system::error_code ec);
  void write();
  void on_written(boost::system::error_code ec, std::size_t bytes);
  void on_read(boost::system::error_code ec, std::size_t bytes);
  void fail(boost::system::error_code ec);
  void fail_with(std::string failure);  // a failure that is no socket error (the proxy refused)
  void finish(HttpOutcome outcome);

  void arm_timer(std::chrono::steady_clock::time_point deadline, std::string text);
  void disarm_timer();
  void close_socket();
  boost::beast::tcp_stream& tcp();
  void log(std::string_view event, const std::string& fields) const;

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  std::shared_ptr<const HttpTarget> target_;
  HttpLog log_;
  const std::uint64_t id_;

  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer timer_;
  std::unique_ptr<boost::beast::tcp_stream> plain_;  // exactly one of plain_ / tls_ while connected
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  static constexpr std::size_t kReadBufferBytes = 16 * 1024;
  boost::beast::flat_buffer buffer_;
  std::optional<beast_http::response_parser<beast_http::string_body>> parser_;
  // Through a proxy: the CONNECT being made, and the absolute-form copy of a plain request.
  std::shared_ptr<beast_http::request<beast_http::empty_body>> tunnel_request_;
  std::optional<beast_http::response_parser<beast_http::empty_body>> tunnel_parser_;
  std::shared_ptr<HttpRequest> proxied_request_;

  // Strand state.
  Phase phase_ = Phase::kIdle;
  bool open_ = false;            // connected and not known to be closed
  std::uint64_t answered_ = 0;   // answers read on the current socket (0: fresh)
  bool reused_ = false;          // this attempt started on a socket that had answered before
  bool retried_ = false;         // the stale-connection retry was used for this request
  bool cancelled_ = false;       // sticky
  bool timed_out_ = false;
  std::string timeout_text_;     // what the armed limit is called in a failure
  std::uint64_t timer_generation_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::shared_ptr<const HttpRequest> request_;
  Handler done_;
};

}  // namespace lienthong::adapters::http
