// fhir_sink: a fast FHIR "server" for delivery benchmarks (bench/delivery_load.sh).
//
// Contract: listens on --host:--port (HTTP/1.1, keep-alive), answers every POST to --base
// (default /fhir) with 200 and a tiny transaction-response Bundle, anything else with 404.
// It stores nothing and validates nothing. It counts the requests it answered, prints the
// count and the rate every second (unless --quiet), and a summary on exit: at SIGINT/SIGTERM,
// or once --expect N requests were answered.
//
// Order check (always on, cheap string search, not a JSON parser): from each body it takes
// Bundle.identifier.value (lienthong's mappings put MSH-10 there; mllp_load's MSH-10 is
// L<run>-<connection>-<sequence>) and the first Patient identifier value (PID-3). For each
// (patient, run-connection) the sequence must increase: mllp_load sends one connection's
// messages in order, and lienthong delivers one key's items in intake order. A sequence equal
// to the last one seen is a redelivery (at-least-once), counted as `repeated`; a smaller one
// is an `order_violation`. Bodies without such an identifier are counted as `unkeyed`.
//
// Threads: --threads N runs one io_context on N threads; the counters are atomics and the
// order table is under a mutex (taken once per request).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace fhir_sink {
namespace {

constexpr const char* kUsage =
    "usage: fhir_sink [--host H] [--port P] [--base PATH] [--threads N] [--expect N] [--quiet]\n"
    "  --port P     listen port (default 8080; 0 picks one, printed as `listening on PORT`)\n"
    "  --base PATH  path POSTs must go to (default /fhir)\n"
    "  --threads N  network threads (default 1)\n"
    "  --expect N   print the summary and exit once N requests were answered\n"
    "  --quiet      no per-second line\n";

constexpr std::string_view kAnswer = R"({"resourceType":"Bundle","type":"transaction-response"})";

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string base = "/fhir";
  int threads = 1;
  long long expect = 0;
  bool quiet = false;
};

// The value of the first `"value":"..."` after `from` in body (no escapes expected in ids).
std::string_view value_after(std::string_view body, std::size_t from) {
  constexpr std::string_view kValue = "\"value\":\"";
  const std::size_t v = body.find(kValue, from);
  if (v == std::string_view::npos) return {};
  const std::size_t start = v + kValue.size();
  const std::size_t end = body.find('"', start);
  if (end == std::string_view::npos) return {};
  return body.substr(start, end - start);
}

struct Stats {
  std::atomic<long long> requests{0}, bad{0}, unkeyed{0}, repeated{0}, order_violations{0};
  std::atomic<long long> first_ns{0}, last_ns{0};  // steady clock of the first / last answered POST
  std::atomic<long long> last_epoch_ms{0};         // wall clock of the last one, for scripts
  std::mutex order_mutex;
  std::unordered_map<std::string, long long> last_seq;  // patient|L<run>-<conn> -> sequence
  std::string first_violation;

  void check_order(std::string_view body) {
    // Bundle.identifier is an object ({"value": MSH-10}); resources' identifiers are arrays.
    const std::size_t bid = body.find("\"identifier\":{");
    const std::string_view control_id = bid == std::string_view::npos ? std::string_view{} : value_after(body, bid);
    const std::size_t dash = control_id.rfind('-');
    std::string_view patient;
    if (const std::size_t p = body.find("\"resourceType\":\"Patient\""); p != std::string_view::npos) {
      // The Patient's identifier array may come before or after resourceType in the object.
      const std::size_t obj = body.rfind("\"resource\":{", p);
      const std::size_t id = body.find("\"identifier\":[", obj == std::string_view::npos ? p : obj);
      if (id != std::string_view::npos) patient = value_after(body, id);
    }
    if (control_id.empty() || control_id[0] != 'L' || dash == std::string_view::npos) {
      ++unkeyed;
      return;
    }
    long long seq = 0;
    for (char c : control_id.substr(dash + 1)) {
      if (c < '0' || c > '9') {
        ++unkeyed;
        return;
      }
      seq = seq * 10 + (c - '0');
    }
    std::string key;
    key.reserve(patient.size() + dash + 1);
    key.append(patient).append("|").append(control_id.substr(0, dash));
    std::lock_guard lock(order_mutex);
    auto [it, inserted] = last_seq.try_emplace(std::move(key), seq);
    if (inserted) return;
    if (seq == it->second) {
      ++repeated;
    } else if (seq < it->second) {
      if (order_violations++ == 0)
        first_violation = std::string(control_id) + " after sequence " + std::to_string(it->second);
    } else {
      it->second = seq;
    }
  }
};

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Stats& stats, const Options& opt, std::function<void()> on_expected)
      : stream_(std::move(socket)), stats_(stats), opt_(opt), on_expected_(std::move(on_expected)) {
    // Beast reads as much as the buffer's free capacity, at least 512 bytes; the
    // string body takes the bytes out at every read, so without room made here a
    // 7 KB Bundle took 16 reads of 512 bytes.
    buffer_.reserve(64 * 1024);
  }

  void start() { read(); }

 private:
  void read() {
    request_ = {};
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;  // closed by the client, or garbage: drop the connection
      self->request_ = self->parser_->release();
      self->answer();
    });
  }

  void answer() {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->keep_alive(request_.keep_alive());
    res->set(http::field::server, "fhir_sink");
    const std::string_view target(request_.target().data(), request_.target().size());
    if (request_.method() == http::verb::post && target.substr(0, target.find('?')) == opt_.base) {
      stats_.check_order(request_.body());
      res->result(http::status::ok);
      res->set(http::field::content_type, "application/fhir+json; charset=utf-8");
      res->body() = kAnswer;
      const long long t = now_ns();
      long long zero = 0;
      stats_.first_ns.compare_exchange_strong(zero, t);
      stats_.last_ns = t;
      stats_.last_epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
      reached_expected_ = ++stats_.requests == opt_.expect;
    } else {
      ++stats_.bad;
      res->result(http::status::not_found);
    }
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      // Stop only after the last expected answer is written: the engine must see it.
      if (self->reached_expected_) self->on_expected_();
      if (ec || !res->keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  Stats& stats_;
  const Options& opt_;
  std::function<void()> on_expected_;
  bool reached_expected_ = false;
};

void accept_loop(tcp::acceptor& acceptor, Stats& stats, const Options& opt, const std::function<void()>& on_expected) {
  acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
    if (ec) return;
    socket.set_option(tcp::no_delay(true));
    std::make_shared<Session>(std::move(socket), stats, opt, on_expected)->start();
    accept_loop(acceptor, stats, opt, on_expected);
  });
}

void print_summary(const Stats& s) {
  const long long n = s.requests;
  const double span = static_cast<double>(s.last_ns - s.first_ns) / 1e9;
  // Rate over first -> last answer: n - 1 intervals.
  const double rate = span > 0 ? static_cast<double>(n - 1) / span : 0;
  std::printf(
      "fhir_sink summary: requests %lld  first->last %.3f s  rate %.0f/s  order_violations %lld  repeated %lld  "
      "unkeyed %lld  keys %zu  not_found %lld  last_ms=%lld\n",
      n, span, rate, s.order_violations.load(), s.repeated.load(), s.unkeyed.load(), s.last_seq.size(), s.bad.load(),
      s.last_epoch_ms.load());
  if (!s.first_violation.empty()) std::printf("fhir_sink first order violation: %s\n", s.first_violation.c_str());
  std::fflush(stdout);
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    try {
      if (arg == "--host") o.host = value;
      else if (arg == "--port") o.port = static_cast<unsigned short>(std::stoi(value));
      else if (arg == "--base") o.base = value;
      else if (arg == "--threads") o.threads = std::stoi(value);
      else if (arg == "--expect") o.expect = std::stoll(value);
      else return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return o.threads >= 1 && o.expect >= 0;
}

int run_main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, opt)) {
    std::cerr << kUsage;
    return 64;
  }
  asio::io_context io(opt.threads);
  tcp::acceptor acceptor(io);
  try {
    const tcp::endpoint ep(asio::ip::make_address(opt.host), opt.port);
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    std::cerr << "fhir_sink: cannot listen on " << opt.host << ":" << opt.port << ": " << e.what() << "\n";
    return 2;
  }
  std::printf("fhir_sink listening on %u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);

  Stats stats;
  const std::function<void()> stop = [&io] { io.stop(); };
  accept_loop(acceptor, stats, opt, stop);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](beast::error_code, int) { io.stop(); });

  // Per-second line, from a timer on the same io_context.
  asio::steady_timer ticker(io);
  const auto started = Clock::now();
  long long last_count = 0;
  std::function<void()> tick = [&] {
    ticker.expires_after(std::chrono::seconds(1));
    ticker.async_wait([&](beast::error_code ec) {
      if (ec) return;
      const long long n = stats.requests;
      if (!opt.quiet) {
        const long long epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count();
        std::printf("fhir_sink ms=%lld requests %lld  +%lld/s  t=%.0f s  order_violations %lld\n", epoch_ms, n,
                    n - last_count, std::chrono::duration<double>(Clock::now() - started).count(),
                    stats.order_violations.load());
        std::fflush(stdout);
      }
      last_count = n;
      tick();
    });
  };
  tick();

  std::vector<std::thread> threads;
  for (int i = 1; i < opt.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  print_summary(stats);
  return stats.order_violations == 0 ? 0 : 1;
}

}  // namespace
}  // namespace fhir_sink

int main(int argc, char** argv) { return fhir_sink::run_main(argc, argv); }
