// Throughput of the HL7 v2 codec on the two message shapes an engine sees most:
// a ~1.5 KB ADT^A01 admission and an ORU^R01 lab result with 50 OBX. Each
// iteration parses one message and reads the fields a router or mapper reads
// first, decoding text through Element::text(scratch) as real callers do.
//
// Heap allocations are counted by replacing the global operator new in this
// binary only; "allocs_per_msg" is the count per iteration. The numbers are
// compared with other libraries by bench/peers/run.sh.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"
#include "engine/hl7v2/path.h"

// GCC pairs the replaced operator new with free() below after inlining and
// flags it; both halves are replaced together here, so the pairing is right.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using lienthong::hl7v2::Element;
using lienthong::hl7v2::Message;
using lienthong::hl7v2::Path;

std::string read_sample(const char* name) {
  const std::string path = std::string(LIENTHONG_BENCH_DATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::string& sample(const char* name) {
  static const std::string adt = read_sample("adt_a01.hl7");
  static const std::string oru = read_sample("oru_r01_50obx.hl7");
  return std::string_view(name) == "adt_a01" ? adt : oru;
}

Message parse_or_die(std::string_view bytes) {
  auto parsed = lienthong::hl7v2::parse_view(bytes);
  if (!parsed.ok()) {
    std::fprintf(stderr, "bench sample does not parse: %s\n", parsed.error().to_string().c_str());
    std::exit(2);
  }
  return std::move(parsed).value();
}

// Counts allocations between construction and finish(), and reports them per
// iteration together with bytes/s and messages/s.
class Accounting {
 public:
  explicit Accounting(benchmark::State& state) : state_(state), start_(g_allocations.load()) {}
  void finish(std::size_t message_bytes) {
    const auto iterations = static_cast<double>(state_.iterations());
    const auto allocations = static_cast<double>(g_allocations.load() - start_);
    state_.counters["allocs_per_msg"] = iterations > 0 ? allocations / iterations : 0;
    state_.SetBytesProcessed(state_.iterations() * static_cast<std::int64_t>(message_bytes));
    state_.SetItemsProcessed(state_.iterations());
  }

 private:
  benchmark::State& state_;
  std::size_t start_;
};

std::size_t read(const Element& e, std::string& scratch) { return e.text(scratch).size(); }

// MSH-9.1, MSH-9.2, MSH-10, PID-3.1, PID-5.1, PID-5.2, PID-7, PID-8, PV1-2, PV1-3.1.
std::size_t read_ten_fields(const Message& m, std::string& scratch) {
  std::size_t n = 0;
  const auto msh = m.msh();
  n += read(msh.field(9).component(1), scratch);
  n += read(msh.field(9).component(2), scratch);
  n += read(msh.field(10), scratch);
  if (auto pid = m.find("PID")) {
    n += read(pid->field(3).component(1), scratch);
    n += read(pid->field(5).component(1), scratch);
    n += read(pid->field(5).component(2), scratch);
    n += read(pid->field(7), scratch);
    n += read(pid->field(8), scratch);
  }
  if (auto pv1 = m.find("PV1")) {
    n += read(pv1->field(2), scratch);
    n += read(pv1->field(3).component(1), scratch);
  }
  return n;
}

// OBX[*]-5: one pass over the segments, as a mapper walking results would.
std::size_t read_observation_values(const Message& m, std::string& scratch) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < m.segment_count(); ++i) {
    const auto segment = m.segment(i);
    if (segment.id() == "OBX") n += read(segment.field(5), scratch);
  }
  return n;
}

void BM_Parse(benchmark::State& state, const char* name) {
  const std::string& bytes = sample(name);
  Accounting accounting(state);
  for (auto _ : state) {
    auto parsed = lienthong::hl7v2::parse_view(bytes);
    benchmark::DoNotOptimize(parsed.ok());
  }
  accounting.finish(bytes.size());
}

void BM_ParseAndRead(benchmark::State& state, const char* name) {
  const std::string& bytes = sample(name);
  const bool with_obx = std::string_view(name) != "adt_a01";
  std::string scratch;
  Accounting accounting(state);
  for (auto _ : state) {
    Message m = parse_or_die(bytes);
    std::size_t n = read_ten_fields(m, scratch);
    if (with_obx) n += read_observation_values(m, scratch);
    benchmark::DoNotOptimize(n);
  }
  accounting.finish(bytes.size());
}

void BM_ParseAndSelectPaths(benchmark::State& state, const char* name) {
  const std::string& bytes = sample(name);
  std::vector<std::string_view> texts = {"MSH-9.1", "MSH-9.2", "MSH-10", "PID-3.1", "PID-5.1",
                                         "PID-5.2", "PID-7",   "PID-8",  "PV1-2",   "PV1-3.1"};
  if (std::string_view(name) != "adt_a01") texts.push_back("OBX[*]-5");
  std::vector<Path> paths;
  for (std::string_view text : texts) {
    auto path = lienthong::hl7v2::parse_path(text);
    if (!path.ok()) {
      std::fprintf(stderr, "bad bench path %.*s\n", static_cast<int>(text.size()), text.data());
      std::exit(2);
    }
    paths.push_back(*path);
  }
  std::string scratch;
  Accounting accounting(state);
  for (auto _ : state) {
    Message m = parse_or_die(bytes);
    std::size_t n = 0;
    for (const Path& path : paths) {
      for (const Element& e : lienthong::hl7v2::select(m, path)) n += read(e, scratch);
    }
    benchmark::DoNotOptimize(n);
  }
  accounting.finish(bytes.size());
}

BENCHMARK_CAPTURE(BM_Parse, adt_a01, "adt_a01");
BENCHMARK_CAPTURE(BM_Parse, oru_r01_50obx, "oru_r01_50obx");
BENCHMARK_CAPTURE(BM_ParseAndRead, adt_a01, "adt_a01");
BENCHMARK_CAPTURE(BM_ParseAndRead, oru_r01_50obx, "oru_r01_50obx");
BENCHMARK_CAPTURE(BM_ParseAndSelectPaths, adt_a01, "adt_a01");
BENCHMARK_CAPTURE(BM_ParseAndSelectPaths, oru_r01_50obx, "oru_r01_50obx");

}  // namespace

BENCHMARK_MAIN();
