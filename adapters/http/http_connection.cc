#include "adapters/http/http_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "adapters/http/http_verdict.h"

namespace lienthong::adapters::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

// The ways a socket the server closed while it was idle in the pool shows up on
// the next request.
bool closed_by_peer(const error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated;
}

const char* phase_name(int phase) {
  switch (phase) {
    case 1: return "resolve";
    case 2: return "connect";
    case 3: return "tls";
    case 4: return "write";
    case 5: return "read";
    case 6: return "proxy";
    default: return "http";
  }
}

}  // namespace

std::shared_ptr<HttpConnection> HttpConnection::create(asio::io_context& io, std::shared_ptr<const HttpTarget> target,
                                                       HttpLog log, std::uint64_t id) {
  return std::make_shared<HttpConnection>(io, std::move(target), std::move(log), id);
}

HttpConnection::HttpConnection(asio::io_context& io, std::shared_ptr<const HttpTarget> target, HttpLog log,
                               std::uint64_t id)
    : strand_(asio::make_strand(io)),
      target_(std::move(target)),
      log_(std::move(log)),
      id_(id),
      resolver_(strand_),
      timer_(strand_) {
  // Beast reads as much as the buffer's free capacity, at least 512 bytes, and a
  // string body takes the bytes out at every read: without room made here an
  // answer of a few KB (a transaction-response Bundle) took a read per 512 bytes.
  buffer_.reserve(kReadBufferBytes);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::log(std::string_view event, const std::string& fields) const {
  if (log_) log_(event, "peer=" + target_->url.host_header() + " connection=" + std::to_string(id_) + fields);
}

void HttpConnection::send(std::shared_ptr<const HttpRequest> request, Handler done) {
  asio::post(strand_, [self = shared_from_this(), request = std::move(request), done = std::move(done)]() mutable {
    self->request_ = std::move(request);
    self->done_ = std::move(done);
    self->start();
  });
}

void HttpConnection::cancel() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->cancelled_) return;
    self->cancelled_ = true;
    self->resolver_.cancel();
    self->disarm_timer();
    if (self->open_ || self->phase_ != Phase::kIdle) self->close_socket();
  });
}

void HttpConnection::start() {
  if (cancelled_) {
    HttpOutcome outcome;
    outcome.cancelled = true;
    outcome.failure = "shutting down";
    finish(std::move(outcome));
    return;
  }
  retried_ = false;
  timed_out_ = false;
  deadline_ = std::chrono::steady_clock::now() + target_->timeout;
  if (open_) {
    reused_ = answered_ > 0;
    arm_timer(deadline_, "timeout after " + duration_text(target_->timeout));
    write();
  } else {
    connect();
  }
}

void HttpConnection::connect() {
  reused_ = false;
  answered_ = 0;
  const auto connect_deadline = std::chrono::steady_clock::now() + target_->connect_timeout;
  if (connect_deadline < deadline_) {
    arm_timer(connect_deadline, "connect: timeout after " + duration_text(target_->connect_timeout));
  } else {
    arm_timer(deadline_, "timeout after " + duration_text(target_->timeout));
  }
  phase_ = Phase::kResolve;
  const BaseUrl& peer = target_->proxy ? *target_->proxy : target_->url;
  resolver_.async_resolve(peer.host, std::to_string(peer.port),
                          beast::bind_front_handler(&HttpConnection::on_resolved, shared_from_this()));
}

void HttpConnection::on_resolved(error_code ec, asio::ip::tcp::resolver::results_type results) {
  if (ec || cancelled_ || timed_out_) return fail(ec ? ec : asio::error::operation_aborted);
  // A fresh stream per connection: a TLS stream cannot be reused after a close.
  plain_.reset();
  tls_.reset();
  buffer_.clear();
  if (target_->tls) {
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(strand_, *target_->tls);
  } else {
    plain_ = std::make_unique<beast::tcp_stream>(strand_);
  }
  phase_ = Phase::kConnect;
  tcp().async_connect(results, [self = shared_from_this()](error_code e, const asio::ip::tcp::endpoint&) {
    self->on_connected(e);
  });
}

void HttpConnection::on_connected(error_code ec) {
  if (ec || cancelled_ || timed_out_) return fail(ec ? ec : asio::error::operation_aborted);
  error_code ignored;
  tcp().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  if (target_->proxy && tls_) return tunnel();
  start_tls();
}

void HttpConnection::tunnel() {
  const BaseUrl& url = target_->url;
  const std::string authority =
      (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
  tunnel_request_ = std::make_shared<beast_http::request<beast_http::empty_body>>(beast_http::verb::connect, authority, 11);
  tunnel_request_->set(beast_http::field::host, authority);
  if (!target_->proxy_authorization.empty()) {
    tunnel_request_->set(beast_http::field::proxy_authorization, target_->proxy_authorization);
  }
  phase_ = Phase::kTunnel;
  beast_http::async_write(tcp(), *tunnel_request_,
                          beast::bind_front_handler(&HttpConnection::on_tunnel_written, shared_from_this()));
}

void HttpConnection::on_tunnel_written(error_code ec, std::size_t) {
  if (ec || cancelled_ || timed_out_) return fail(ec ? ec : asio::error::operation_aborted);
  tunnel_parser_.emplace();
  tunnel_parser_->skip(true);  // a CONNECT answer has no body: the tunnel follows the header
  beast_http::async_read_header(tcp(), buffer_, *tunnel_parser_,
                                beast::bind_front_handler(&HttpConnection::on_tunnel_read, shared_from_this()));
}

void HttpConnection::on_tunnel_read(error_code ec, std::size_t) {
  if (ec || cancelled_ || timed_out_) return fail(ec ? ec : asio::error::operation_aborted);
  const auto& answer = tunnel_parser_->get();
  const unsigned status = answer.result_int();
  if (status < 200 || status > 299) {
    return fail_with("proxy: CONNECT " + std::string(tunnel_request_->target()) + " answered " + std::to_string(status) +
                     (answer.reason().empty() ? "" : " " + std::string(answer.reason())));
  }
  tunnel_parser_.reset();
  tunnel_request_.reset();
  log("http.tunnel", " proxy=" + target_->proxy->host_header());
  start_tls();
}

void HttpConnection::start_tls() {
  if (!tls_) return on_handshake({});
  const BaseUrl& url = target_->url;
  if (!url.host_is_ip() && !SSL_set_tlsext_host_name(tls_->native_handle(), url.host.c_str())) {
    return fail(error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  }
  if (target_->tls_verify) {
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(url.host));
  } else {
    tls_->set_verify_mode(asio::ssl::verify_none);
  }
  phase_ = Phase::kHandshake;
  tls_->async_handshake(asio::ssl::stream_base::client,
                        beast::bind_front_handler(&HttpConnection::on_handshake, shared_from_this()));
}

void HttpConnection::on_handshake(error_code ec) {
  if (ec || cancelled_ || timed_out_) return fail(ec ? ec : asio::error::operation_aborted);
  open_ = true;
  log("http.connected", retried_ ? " after=stale" : "");
  arm_timer(deadline_, "timeout after " + duration_text(target_->timeout));
  write();
}

void HttpConnection::write() {
  phase_ = Phase::kWrite;
  auto handler = beast::bind_front_handler(&HttpConnection::on_written, shared_from_this());
  if (tls_) {
    beast_http::async_write(*tls_, *request_, std::move(handler));
  } else if (target_->proxy) {
    // To a proxy, the target is the absolute URL.
    proxied_request_ = std::make_shared<HttpRequest>(*request_);
    proxied_request_->target("http://" + target_->url.host_header() + std::string(request_->target()));
    if (!target_->proxy_authorization.empty()) {
      proxied_request_->set(beast_http::field::proxy_authorization, target_->proxy_authorization);
    }
    beast_http::async_write(*plain_, *proxied_request_, std::move(handler));
  } else {
    beast_http::async_write(*plain_, *request_, std::move(handler));
  }
}

void HttpConnection::on_written(error_code ec, std::size_t) {
  if (ec || cancelled_ || timed_out_) return fail(ec ? ec : asio::error::operation_aborted);
  phase_ = Phase::kRead;
  parser_.emplace();
  parser_->body_limit(target_->max_response_bytes);
  auto handler = beast::bind_front_handler(&HttpConnection::on_read, shared_from_this());
  if (tls_) {
    beast_http::async_read(*tls_, buffer_, *parser_, std::move(handler));
  } else {
    beast_http::async_read(*plain_, buffer_, *parser_, std::move(handler));
  }
}

void HttpConnection::on_read(error_code ec, std::size_t) {
  if (ec || cancelled_ || timed_out_) return fail(ec ? ec : asio::error::operation_aborted);
  disarm_timer();
  ++answered_;
  HttpOutcome outcome;
  outcome.ok = true;
  outcome.response = parser_->release();
  parser_.reset();
  outcome.reusable = outcome.response.keep_alive() && !cancelled_;
  if (!outcome.reusable) {
    close_socket();
    log("http.closed", " reason=server");
  }
  finish(std::move(outcome));
}

void HttpConnection::fail(error_code ec) {
  const Phase phase = phase_;
  const bool nothing_read = phase == Phase::kWrite || (phase == Phase::kRead && parser_ && !parser_->got_some());
  close_socket();
  if (!cancelled_ && !timed_out_ && reused_ && !retried_ && nothing_read && closed_by_peer(ec)) {
    // The server dropped the idle keep-alive connection: once more on a new one.
    retried_ = true;
    log("http.stale_retry", " error=" + ec.message());
    connect();
    return;
  }
  disarm_timer();
  HttpOutcome outcome;
  if (cancelled_) {
    outcome.cancelled = true;
    outcome.failure = "shutting down";
  } else if (timed_out_) {
    outcome.failure = timeout_text_;
  } else {
    outcome.failure = std::string(phase_name(static_cast<int>(phase))) + ": " + ec.message();
  }
  log("http.failed", std::string(" phase=") + phase_name(static_cast<int>(phase)) + " error=" +
                         (timed_out_ ? "timeout" : ec.message()));
  finish(std::move(outcome));
}

void HttpConnection::fail_with(std::string failure) {
  close_socket();
  disarm_timer();
  log("http.failed", " phase=proxy error=refused");
  HttpOutcome outcome;
  outcome.failure = std::move(failure);
  finish(std::move(outcome));
}

void HttpConnection::finish(HttpOutcome outcome) {
  phase_ = Phase::kIdle;
  request_.reset();
  proxied_request_.reset();
  Handler done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(outcome));
}

void HttpConnection::arm_timer(std::chrono::steady_clock::time_point deadline, std::string text) {
  const std::uint64_t generation = ++timer_generation_;
  timeout_text_ = std::move(text);
  timer_.expires_at(deadline);
  timer_.async_wait([self = shared_from_this(), generation](error_code ec) {
    if (ec || generation != self->timer_generation_ || self->phase_ == Phase::kIdle) return;
    self->timed_out_ = true;
    self->resolver_.cancel();
    self->close_socket();
  });
}

void HttpConnection::disarm_timer() {
  ++timer_generation_;
  timer_.cancel();
}

beast::tcp_stream& HttpConnection::tcp() { return tls_ ? tls_->next_layer() : *plain_; }

void HttpConnection::close_socket() {
  error_code ignored;
  if (plain_) plain_->socket().close(ignored);
  if (tls_) tls_->next_layer().socket().close(ignored);
  open_ = false;
}

}  // namespace lienthong::adapters::http
