// mllp_load's judgement of one ACK and its tallies (see mllp_load.cc).
//
// classify_ack() reads MSA-1 and MSA-2 by hand from an ACK's bytes: the load
// tool checks answers independently of the engine's own codec. An answer is OK
// only when MSA-1 is AA or CA and MSA-2 is the control id the tool expects (the
// oldest unanswered message on that connection).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mllp_load {

enum class Verdict { kOk, kWrongId, kNegative, kUnparseable };

struct AckReading {
  Verdict verdict = Verdict::kUnparseable;
  std::string_view code;        // MSA-1 as received
  std::string_view control_id;  // MSA-2 as received
};

namespace detail {

// Field `n` (1-based) of the segment `seg` (text without its terminator).
inline std::string_view field(std::string_view seg, char sep, int n) {
  std::size_t start = 3;  // the separator after the segment id
  for (int i = 0; i < n; ++i) {
    if (start >= seg.size() || seg[start] != sep) return {};
    std::size_t end = seg.find(sep, start + 1);
    if (i == n - 1) return seg.substr(start + 1, (end == std::string_view::npos ? seg.size() : end) - start - 1);
    if (end == std::string_view::npos) return {};
    start = end;
  }
  return {};
}

}  // namespace detail

inline AckReading classify_ack(std::string_view ack, std::string_view expected_id) {
  AckReading r;
  // The field separator is MSH-1; an answer without MSH is not an HL7 ACK.
  if (ack.size() < 8 || ack.substr(0, 3) != "MSH") return r;
  const char sep = ack[3];
  std::string_view msa;
  for (std::size_t pos = 0; pos < ack.size();) {
    std::size_t end = ack.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = ack.size();
    std::string_view seg = ack.substr(pos, end - pos);
    if (seg.size() > 3 && seg.substr(0, 3) == "MSA" && seg[3] == sep) {
      msa = seg;
      break;
    }
    pos = end + 1;
  }
  if (msa.empty()) return r;
  r.code = detail::field(msa, sep, 1);
  r.control_id = detail::field(msa, sep, 2);
  if (r.code == "AA" || r.code == "CA") {
    r.verdict = r.control_id == expected_id ? Verdict::kOk : Verdict::kWrongId;
  } else if (r.code == "AE" || r.code == "AR" || r.code == "CE" || r.code == "CR") {
    r.verdict = Verdict::kNegative;
  }
  return r;
}

// Counts of one thread's connections; merged at the end.
struct Tally {
  std::uint64_t sent = 0;         // messages written
  std::uint64_t ok = 0;           // AA/CA with the expected MSA-2
  std::uint64_t ok_measured = 0;  // of those, received inside the measured interval
  std::uint64_t wrong_id = 0;     // AA/CA whose MSA-2 is not the oldest unanswered control id
  std::uint64_t negative = 0;     // AE/AR/CE/CR
  std::uint64_t unparseable = 0;  // no MSH, no MSA, or an MSA-1 that is no ACK code
  std::uint64_t unexpected = 0;   // an answer while nothing was awaiting one
  std::uint64_t timeouts = 0;     // messages unanswered when a connection gave up waiting
  std::uint64_t unanswered = 0;   // messages in flight when a connection failed
  std::uint64_t conn_errors = 0;  // connections closed by an error or by the peer
  double last_answer_s = 0;       // when the last OK answer came, seconds after the start
  std::vector<std::uint32_t> latency_us;  // one sample per OK answer in the measured interval
  std::string first_problem;              // a description of the first bad answer, for stderr

  void note(const std::string& what) {
    if (first_problem.empty()) first_problem = what;
  }
  void merge(Tally&& o) {
    sent += o.sent;
    ok += o.ok;
    ok_measured += o.ok_measured;
    wrong_id += o.wrong_id;
    negative += o.negative;
    unparseable += o.unparseable;
    unexpected += o.unexpected;
    timeouts += o.timeouts;
    unanswered += o.unanswered;
    conn_errors += o.conn_errors;
    last_answer_s = std::max(last_answer_s, o.last_answer_s);
    latency_us.insert(latency_us.end(), o.latency_us.begin(), o.latency_us.end());
    if (first_problem.empty()) first_problem = std::move(o.first_problem);
  }
  bool all_ok() const {
    return wrong_id + negative + unparseable + unexpected + timeouts + unanswered + conn_errors == 0 && ok == sent;
  }
};

struct Percentiles {
  std::uint32_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// Nearest-rank percentiles; sorts `samples`.
inline Percentiles percentiles(std::vector<std::uint32_t>& samples) {
  Percentiles p;
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    std::size_t rank = static_cast<std::size_t>(q * static_cast<double>(samples.size()) + 0.999999);
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = samples.back();
  return p;
}

}  // namespace mllp_load
