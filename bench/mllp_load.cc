// mllp_load: network load generator for an MLLP listener (lienthong's durable
// intake, or any HL7 v2 server). It opens N connections, keeps up to W messages
// in flight on each (pipelining), optionally paces the total offered rate, and
// checks every answer.
//
// What it counts (bench/mllp_load_stats.h): ok (MSA-1 AA/CA and MSA-2 = the
// control id of the oldest unanswered message on that connection), wrong_id,
// negative (AE/AR/CE/CR), unparseable, unexpected (an answer nobody awaited),
// timeouts, unanswered (in flight when a connection failed), connection errors;
// ok msgs/s over the measured interval (after --warmup) and the latency of each
// OK answer, from the write of its message to the receipt of its ACK. With
// --rate, a connection whose window is full sends late and then catches up;
// latency still counts from the actual write, so it is the server's answer
// time, not the time a message waited in this tool.
//
// Why MSA-2 is checked: a server can answer fast and wrongly. npm
// node-hl7-server 2.5.0, for one, answers later messages on a connection with
// the first message's control id; a tool counting frames would call those
// answers throughput. Every message gets its own MSH-10 ("L<run>-<conn>-<seq>"),
// so duplicate detection never answers for an earlier message either.
//
// Exit status: 0 when every message got an OK answer, 1 otherwise, 2 when a
// connection cannot be opened, 64 on a usage error.
#include <array>
#include <atomic>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "bench/mllp_load_stats.h"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace mllp_load {
namespace {

constexpr const char* kUsage =
    "usage: mllp_load [--host H] [--port P] [--connections N] [--window W]\n"
    "                 [--messages M | --duration S] [--rate R] [--warmup S]\n"
    "                 [--message FILE] [--patient-per-connection] [--threads T] [--timeout MS] [--json]\n"
    "  --connections N  connections (default 1)\n"
    "  --window W       messages in flight per connection (default 1)\n"
    "  --messages M     send M messages in all (warmup included), or\n"
    "  --duration S     send for S seconds after the warmup (default 5)\n"
    "  --rate R         total offered messages/s, paced evenly over connections (0: as fast as possible)\n"
    "  --warmup S       seconds whose answers are checked but not measured (default 0)\n"
    "  --message FILE   template HL7 message (MSH-10 is replaced); default: built-in ADT^A01\n"
    "  --patient-per-connection  append -<connection> to PID-3.1, so each connection is one patient\n"
    "                   (one delivery ordering key per connection)\n"
    "  --threads T      network threads (default 1)\n"
    "  --timeout MS     give up on a connection whose oldest message waits this long (default 5000)\n"
    "  --json           print the summary as one JSON object\n";

// A small ADT^A01 (~400 bytes) with a Vietnamese UTF-8 name; MSH-10 is rewritten.
constexpr const char* kBuiltInMessage =
    "MSH|^~\\&|LOADGEN|BV_LOAD^79999^L|LIENTHONG|SYT_HCM^79^L|20240315083012+0700||ADT^A01^ADT_A01|X|P|2.5.1"
    "||||||UNICODE UTF-8\r"
    "EVN|A01|20240315083000+0700\r"
    "PID|1||BN2024001234^^^BV_LOAD^PI||Nguyễn^Văn An^^^^^L||19850612|M|||"
    "123 Đường Lê Lợi^Phường Bến Nghé^Quận 1^Thành phố Hồ Chí Minh^700000^VNM^H||^PRN^CP^^84^903123456\r"
    "PV1|1|I|NOI2^P301^G02^BV_LOAD^^^^^Khoa Nội tổng hợp|R|||BS0456^Lê^Minh Tuấn\r";

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "2575";
  int connections = 1;
  int window = 1;
  long long messages = 0;  // 0: by duration
  double duration = 5;
  double rate = 0;
  double warmup = 0;
  std::string message_file;
  int threads = 1;
  int timeout_ms = 5000;
  bool json = false;
  bool patient_per_connection = false;
};

// The template split around MSH-10.
struct Template {
  std::string prefix, suffix;
  char sep = '|';        // MSH-1
  char component = '^';  // MSH-2's first character
};

// The suffix with "-<connection>" after PID-3's first component (unchanged without PID-3).
std::string suffix_for_connection(const Template& t, int connection) {
  std::string s = t.suffix;
  std::size_t pos = s.find(std::string("\rPID") + t.sep);
  if (pos == std::string::npos) return s;
  pos += 4;  // at the separator before PID-1
  for (int n = 0; n < 2 && pos != std::string::npos; ++n) pos = s.find_first_of(std::string{t.sep, '\r'}, pos + 1);
  if (pos == std::string::npos || s[pos] != t.sep) return s;
  // pos is the separator before PID-3; PID-3.1 ends at the component separator, '~', '|' or CR.
  const std::size_t end = s.find_first_of(std::string{t.sep, t.component, '~', '\r'}, pos + 1);
  s.insert(end == std::string::npos ? s.size() : end, "-" + std::to_string(connection));
  return s;
}

// Everything the connections share; read-only once the run starts (budget aside).
struct Run {
  Options opt;
  Template tmpl;
  std::string run_id;
  Clock::time_point start, measure_start, send_end;
  std::atomic<long long> budget{0};  // messages left to send (--messages)
  bool by_count() const { return opt.messages > 0; }
};

std::string read_template_text(const std::string& path) {
  if (path.empty()) return kBuiltInMessage;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string raw = ss.str();
  // Accept an MLLP-framed file and LF / CRLF line ends.
  if (!raw.empty() && raw.front() == '\x0b') raw.erase(0, 1);
  if (std::size_t fs = raw.find('\x1c'); fs != std::string::npos) raw.resize(fs);
  std::string text;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    text += raw[i] == '\n' ? '\r' : raw[i];
  }
  return text;
}

Template split_template(const std::string& text) {
  if (text.size() < 8 || text.compare(0, 3, "MSH") != 0) throw std::runtime_error("the template does not start with MSH");
  const char sep = text[3];
  // MSH-1 is the separator at offset 3; MSH-10 starts after the 9th separator.
  std::size_t pos = 3;
  for (int n = 1; n < 9; ++n) {
    pos = text.find_first_of(std::string{sep, '\r'}, pos + 1);
    if (pos == std::string::npos || text[pos] != sep) throw std::runtime_error("the template's MSH has no MSH-10");
  }
  const std::size_t end = text.find_first_of(std::string{sep, '\r'}, pos + 1);
  Template t;
  t.prefix = "\x0b" + text.substr(0, pos + 1);
  t.suffix = (end == std::string::npos ? std::string{} : text.substr(end)) + "\x1c\r";
  t.sep = sep;
  t.component = text[4];
  return t;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, Run& run, Tally& tally, int index)
      : socket_(io),
        pacer_(io),
        run_(run),
        tally_(tally),
        index_(index),
        suffix_(run.opt.patient_per_connection ? suffix_for_connection(run.tmpl, index) : run.tmpl.suffix) {}

  void connect(const tcp::resolver::results_type& endpoints) {
    asio::connect(socket_, endpoints);
    socket_.set_option(tcp::no_delay(true));
  }

  void start() {
    if (run_.opt.rate > 0) {
      interval_ = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(run_.opt.connections / run_.opt.rate));
      // Connections take turns: connection i starts i/R seconds in.
      next_send_ = run_.start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(index_ / run_.opt.rate));
    }
    read_more();
    try_send();
  }

  bool finished() const { return closed_; }

  // The oldest message has waited too long (or the run is over): give up.
  void check_timeout(Clock::time_point now, bool hard_stop) {
    if (closed_) return;
    const bool waiting = in_flight_.size() > unstamped_;
    if (hard_stop || (waiting && now - in_flight_.front().sent_at > std::chrono::milliseconds(run_.opt.timeout_ms))) {
      if (!in_flight_.empty()) {
        tally_.timeouts += in_flight_.size();
        tally_.note("connection " + std::to_string(index_) + ": no answer for " + in_flight_.front().id);
      }
      close();
    }
  }

 private:
  struct InFlight {
    std::string id;
    Clock::time_point sent_at;
  };

  void try_send() {
    if (closed_) return;
    const auto now = Clock::now();
    while (!sending_done_ && in_flight_.size() < static_cast<std::size_t>(run_.opt.window)) {
      if (!run_.by_count() && now >= run_.send_end) {
        sending_done_ = true;
        break;
      }
      if (run_.opt.rate > 0) {
        if (now < next_send_) {
          arm_pacer();
          break;
        }
        next_send_ += interval_;
      }
      if (run_.by_count() && run_.budget.fetch_sub(1) <= 0) {
        sending_done_ = true;
        break;
      }
      std::string id = "L" + run_.run_id + "-" + std::to_string(index_) + "-" + std::to_string(seq_++);
      out_ += run_.tmpl.prefix;
      out_ += id;
      out_ += suffix_;
      in_flight_.push_back({std::move(id), {}});
      ++unstamped_;
    }
    start_write();
    finish_if_done();
  }

  void arm_pacer() {
    if (pacer_armed_) return;
    pacer_armed_ = true;
    pacer_.expires_at(next_send_);
    pacer_.async_wait([self = shared_from_this()](const boost::system::error_code&) {
      self->pacer_armed_ = false;
      self->try_send();
    });
  }

  void start_write() {
    if (write_busy_ || out_.empty() || closed_) return;
    // Latency counts from the moment a message is handed to the socket.
    const auto now = Clock::now();
    for (std::size_t i = in_flight_.size() - unstamped_; i < in_flight_.size(); ++i) in_flight_[i].sent_at = now;
    tally_.sent += unstamped_;
    unstamped_ = 0;
    writing_.swap(out_);
    out_.clear();
    write_busy_ = true;
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        self->write_busy_ = false;
                        if (self->closed_) return;
                        if (ec) return self->fail("write: " + ec.message());
                        self->writing_.clear();
                        self->start_write();
                        self->finish_if_done();
                      });
  }

  void read_more() {
    socket_.async_read_some(asio::buffer(read_buffer_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    if (closed_) return;
    if (ec) return fail(ec == asio::error::eof ? std::string("closed by the server") : "read: " + ec.message());
    received_.append(read_buffer_.data(), n);
    // Zero, one or several frames, the last one possibly incomplete.
    std::size_t pos = 0;
    while (!closed_) {
      const std::size_t start = received_.find('\x0b', pos);
      if (start == std::string::npos) {
        pos = received_.size();  // bytes outside a frame are dropped
        break;
      }
      const std::size_t end = received_.find("\x1c\r", start + 1);
      if (end == std::string::npos) {
        pos = start;
        break;
      }
      on_answer(std::string_view(received_).substr(start + 1, end - start - 1));
      pos = end + 2;
    }
    if (closed_) return;
    received_.erase(0, pos);
    read_more();
    try_send();
  }

  void on_answer(std::string_view ack) {
    const auto now = Clock::now();
    if (in_flight_.size() == unstamped_) {
      ++tally_.unexpected;
      tally_.note("connection " + std::to_string(index_) + ": an answer while no message was waiting");
      return;
    }
    InFlight m = std::move(in_flight_.front());
    in_flight_.pop_front();
    const AckReading r = classify_ack(ack, m.id);
    const auto what = [&](const char* kind) {
      return std::string(kind) + ": sent " + m.id + ", answer MSA-1 '" + std::string(r.code) + "' MSA-2 '" +
             std::string(r.control_id) + "'";
    };
    switch (r.verdict) {
      case Verdict::kOk: {
        ++tally_.ok;
        const double at = std::chrono::duration<double>(now - run_.start).count();
        tally_.last_answer_s = std::max(tally_.last_answer_s, at);
        if (now >= run_.measure_start && (run_.by_count() || now <= run_.send_end)) {
          ++tally_.ok_measured;
          const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - m.sent_at).count();
          tally_.latency_us.push_back(static_cast<std::uint32_t>(us));
        }
        break;
      }
      case Verdict::kWrongId:
        ++tally_.wrong_id;
        tally_.note(what("wrong_id"));
        break;
      case Verdict::kNegative:
        ++tally_.negative;
        tally_.note(what("negative"));
        break;
      case Verdict::kUnparseable:
        ++tally_.unparseable;
        tally_.note("unparseable answer to " + m.id + ": " + std::string(ack.substr(0, 120)));
        break;
    }
  }

  void finish_if_done() {
    if (sending_done_ && in_flight_.empty() && !write_busy_) close();
  }

  void fail(const std::string& why) {
    if (closed_) return;
    ++tally_.conn_errors;
    tally_.unanswered += in_flight_.size();
    tally_.note("connection " + std::to_string(index_) + ": " + why);
    close();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    pacer_.cancel();
  }

  tcp::socket socket_;
  asio::steady_timer pacer_;
  Run& run_;
  Tally& tally_;
  const int index_;
  const std::string suffix_;  // the template after MSH-10, PID-3.1 made per connection if asked
  std::uint64_t seq_ = 0;
  std::deque<InFlight> in_flight_;  // oldest first; the last `unstamped_` are not written yet
  std::size_t unstamped_ = 0;
  std::string out_, writing_;
  std::string received_;
  std::array<char, 16 * 1024> read_buffer_{};
  Clock::duration interval_{};
  Clock::time_point next_send_{};
  bool write_busy_ = false;
  bool pacer_armed_ = false;
  bool sending_done_ = false;
  bool closed_ = false;
};

// One network thread: its own io_context, connections and tally.
struct Worker {
  asio::io_context io{1};
  asio::steady_timer tick{io};
  std::vector<std::shared_ptr<Connection>> connections;
  Tally tally;

  void watch(const Run& run) {
    tick.expires_after(std::chrono::milliseconds(10));
    tick.async_wait([this, &run](const boost::system::error_code& ec) {
      if (ec) return;
      const auto now = Clock::now();
      // By duration, nobody waits for answers past the end plus the timeout.
      const bool hard_stop = !run.by_count() && now > run.send_end + std::chrono::milliseconds(run.opt.timeout_ms);
      bool all_done = true;
      for (auto& c : connections) {
        c->check_timeout(now, hard_stop);
        all_done = all_done && c->finished();
      }
      if (!all_done) watch(run);
    });
  }
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    if (arg == "--patient-per-connection") {
      o.patient_per_connection = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") return false;
    if (std::size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      std::cerr << "mllp_load: " << arg << " needs a value\n";
      return false;
    }
    try {
      if (arg == "--host") o.host = value;
      else if (arg == "--port") o.port = value;
      else if (arg == "--connections") o.connections = std::stoi(value);
      else if (arg == "--window") o.window = std::stoi(value);
      else if (arg == "--messages") o.messages = std::stoll(value);
      else if (arg == "--duration") o.duration = std::stod(value);
      else if (arg == "--rate") o.rate = std::stod(value);
      else if (arg == "--warmup") o.warmup = std::stod(value);
      else if (arg == "--message") o.message_file = value;
      else if (arg == "--threads") o.threads = std::stoi(value);
      else if (arg == "--timeout") o.timeout_ms = std::stoi(value);
      else {
        std::cerr << "mllp_load: unknown option " << arg << "\n";
        return false;
      }
    } catch (const std::exception&) {
      std::cerr << "mllp_load: bad value for " << arg << ": " << value << "\n";
      return false;
    }
  }
  if (o.connections < 1 || o.window < 1 || o.threads < 1 || o.messages < 0 || o.duration <= 0 || o.rate < 0 ||
      o.warmup < 0 || o.timeout_ms < 1) {
    std::cerr << "mllp_load: connections, window, threads, duration and timeout must be positive\n";
    return false;
  }
  return true;
}

std::string make_run_id() {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 5; ++i) id += kDigits[rd() % 36];
  return id;
}

void report(const Run& run, Tally& t, std::size_t message_bytes) {
  const Options& o = run.opt;
  const double measured = run.by_count() ? std::max(0.0, t.last_answer_s - o.warmup) : o.duration;
  const double ok_per_s = measured > 0 ? static_cast<double>(t.ok_measured) / measured : 0;
  const Percentiles p = percentiles(t.latency_us);
  char buf[1024];
  if (o.json) {
    std::snprintf(buf, sizeof buf,
                  "{\"host\":\"%s\",\"port\":%s,\"connections\":%d,\"window\":%d,\"rate\":%.0f,\"threads\":%d,"
                  "\"message_bytes\":%zu,\"measured_s\":%.3f,\"sent\":%llu,\"ok\":%llu,\"ok_measured\":%llu,"
                  "\"ok_per_s\":%.0f,\"wrong_id\":%llu,\"negative\":%llu,\"unparseable\":%llu,\"unexpected\":%llu,"
                  "\"timeouts\":%llu,\"unanswered\":%llu,\"conn_errors\":%llu,"
                  "\"latency_us\":{\"p50\":%u,\"p90\":%u,\"p99\":%u,\"max\":%u,\"samples\":%zu}}\n",
                  o.host.c_str(), o.port.c_str(), o.connections, o.window, o.rate, o.threads, message_bytes, measured,
                  static_cast<unsigned long long>(t.sent), static_cast<unsigned long long>(t.ok),
                  static_cast<unsigned long long>(t.ok_measured), ok_per_s,
                  static_cast<unsigned long long>(t.wrong_id), static_cast<unsigned long long>(t.negative),
                  static_cast<unsigned long long>(t.unparseable), static_cast<unsigned long long>(t.unexpected),
                  static_cast<unsigned long long>(t.timeouts), static_cast<unsigned long long>(t.unanswered),
                  static_cast<unsigned long long>(t.conn_errors), p.p50, p.p90, p.p99, p.max, t.latency_us.size());
  } else {
    std::snprintf(buf, sizeof buf,
                  "mllp_load %s:%s connections=%d window=%d rate=%s threads=%d message=%zu bytes\n"
                  "sent %llu, measured %.2f s (warmup %.1f s): ok %llu => %.0f ok msgs/s\n"
                  "ok %llu  wrong_id %llu  negative %llu  unparseable %llu  unexpected %llu  timeouts %llu  "
                  "unanswered %llu  conn_errors %llu\n"
                  "latency us (write -> ACK, %zu samples): p50 %u  p90 %u  p99 %u  max %u\n",
                  o.host.c_str(), o.port.c_str(), o.connections, o.window,
                  o.rate > 0 ? std::to_string(static_cast<long long>(o.rate)).c_str() : "max", o.threads,
                  message_bytes, static_cast<unsigned long long>(t.sent), measured, o.warmup,
                  static_cast<unsigned long long>(t.ok_measured), ok_per_s, static_cast<unsigned long long>(t.ok),
                  static_cast<unsigned long long>(t.wrong_id), static_cast<unsigned long long>(t.negative),
                  static_cast<unsigned long long>(t.unparseable), static_cast<unsigned long long>(t.unexpected),
                  static_cast<unsigned long long>(t.timeouts), static_cast<unsigned long long>(t.unanswered),
                  static_cast<unsigned long long>(t.conn_errors), t.latency_us.size(), p.p50, p.p90, p.p99, p.max);
  }
  std::fputs(buf, stdout);
  if (!t.first_problem.empty()) std::fprintf(stderr, "mllp_load: first problem: %s\n", t.first_problem.c_str());
}

int run_main(int argc, char** argv) {
  Run run;
  if (!parse_options(argc, argv, run.opt)) {
    std::cerr << kUsage;
    return 64;
  }
  const Options& o = run.opt;
  std::size_t message_bytes = 0;
  try {
    const std::string text = read_template_text(o.message_file);
    run.tmpl = split_template(text);
    message_bytes = text.size();
  } catch (const std::exception& e) {
    std::cerr << "mllp_load: " << e.what() << "\n";
    return 64;
  }
  run.run_id = make_run_id();
  run.budget = o.messages;

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < o.threads; ++i) workers.push_back(std::make_unique<Worker>());
  try {
    tcp::resolver resolver(workers[0]->io);
    const auto endpoints = resolver.resolve(o.host, o.port);
    for (int i = 0; i < o.connections; ++i) {
      Worker& w = *workers[static_cast<std::size_t>(i % o.threads)];
      auto c = std::make_shared<Connection>(w.io, run, w.tally, i);
      c->connect(endpoints);
      w.connections.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    std::cerr << "mllp_load: cannot connect to " << o.host << ":" << o.port << ": " << e.what() << "\n";
    return 2;
  }

  run.start = Clock::now();
  run.measure_start = run.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  run.send_end =
      run.measure_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
  for (auto& w : workers) {
    for (auto& c : w->connections) asio::post(w->io, [c] { c->start(); });
    w->watch(run);
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers.size(); ++i) threads.emplace_back([&w = *workers[i]] { w.io.run(); });
  workers[0]->io.run();
  for (auto& t : threads) t.join();

  Tally total;
  for (auto& w : workers) total.merge(std::move(w->tally));
  report(run, total, message_bytes);
  return total.all_ok() ? 0 : 1;
}

}  // namespace
}  // namespace mllp_load

int main(int argc, char** argv) { return mllp_load::run_main(argc, argv); }
