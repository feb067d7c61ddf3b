// Cost of converting an HL7 v2 message to its FHIR Bundle (docs/mapping.md)
// against the cost of parsing it. The budget is a ratio, not a time: parsing
// plus running the mapping should cost at most 5x parsing alone. It is
// reported here (counter x_parse), never asserted by a test: timings on a
// shared machine are not assertions.
//
//   BM_Parse/<msg>          parse only (as bench/hl7v2_parse_bench.cc)
//   BM_Map/<msg>            parse + run the shipped mapping for the message's type
//                           (mappings/hl7v2/adt.json, mappings/hl7v2/oru_r01.json)
//   BM_MapSimple/<msg>      parse + run a small mapping of this bench
//                           (bench/data/mappings/hl7v2/*_simple.json: a few
//                           resources, no includes), the floor of what a mapping costs
//
// Messages: samples/messages/adt_a01.hl7 (ADT^A01, 2 KB),
// bench/data/oru_r01_50obx.hl7 (ORU^R01 with 50 OBX, 7 KB) and
// bench/data/adt_a01_load.hl7 (mllp_load's built-in 425-byte ADT^A01: the end-to-end
// benchmark's message, so its mapping cost can be read beside bench/delivery_load.sh).
//
// Counters: items_per_second and bytes_per_second (messages and input bytes),
// allocs_per_msg and alloc_bytes_per_msg (heap allocations per conversion and
// the bytes they asked for, counted by replacing the global operator new in
// this binary only; the output JSON string is one of them), out_bytes (the Bundle's size) and
// x_parse (this benchmark's CPU time per message over the CPU time to parse
// the message, measured just before it: the budget is x_parse <= 5 for
// BM_Map). On a shared machine compare runs made at the same time only.
//
// LIENTHONG_MAPPINGS_DIR=DIR runs BM_Map with the mappings under DIR instead of
// the tree's mappings/ (to compare two versions of the mapping files with one binary).
#include <benchmark/benchmark.h>

#include <atomic>
#include <ctime>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <string_view>

#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"
#include "engine/mapping/plan.h"
#include "engine/mapping/run.h"

// GCC pairs the replaced operator new with free() below after inlining and
// flags it; both halves are replaced together here, so the pairing is right.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<std::size_t> g_allocations{0};
std::atomic<std::size_t> g_allocated_bytes{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

namespace fs = std::filesystem;
using lienthong::mapping::MappingPlan;

struct Sample {
  std::string_view name;
  fs::path message;
  fs::path shipped;  // relative to mappings/
  fs::path simple;   // relative to bench/data/mappings/
};

const Sample kSamples[] = {
    {"adt_a01", fs::path(LIENTHONG_SOURCE_DIR) / "samples/messages/adt_a01.hl7", "hl7v2/adt.json",
     "hl7v2/adt_simple.json"},
    {"oru_r01_50obx", fs::path(LIENTHONG_SOURCE_DIR) / "bench/data/oru_r01_50obx.hl7", "hl7v2/oru_r01.json",
     "hl7v2/oru_simple.json"},
    // mllp_load's built-in message: what the end-to-end benchmark maps.
    {"adt_a01_load", fs::path(LIENTHONG_SOURCE_DIR) / "bench/data/adt_a01_load.hl7", "hl7v2/adt.json",
     "hl7v2/adt_simple.json"},
};

const Sample& sample(std::string_view name) {
  for (const Sample& s : kSamples) {
    if (s.name == name) return s;
  }
  std::fprintf(stderr, "no bench sample %.*s\n", static_cast<int>(name.size()), name.data());
  std::exit(2);
}

const std::string& message_bytes(const Sample& s) {
  static std::map<std::string_view, std::string> cache;
  auto found = cache.find(s.name);
  if (found != cache.end()) return found->second;
  std::ifstream in(s.message, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", s.message.c_str());
    std::exit(2);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return cache.emplace(s.name, buffer.str()).first->second;
}

// The compiled mapping, or the reason there is none (compiled once per process).
struct Compiled {
  std::shared_ptr<const MappingPlan> plan;
  std::string why;
};

const Compiled& compiled(const fs::path& root, const fs::path& file) {
  static std::map<fs::path, Compiled> cache;
  const fs::path full = root / file;
  auto found = cache.find(full);
  if (found != cache.end()) return found->second;
  lienthong::mapping::CompileOptions options;
  options.root = root;
  auto plan = MappingPlan::compile(full, options);
  Compiled c;
  if (plan.ok()) {
    c.plan = *plan;
  } else {
    c.why = full.string() + " does not compile: " + plan.error().message.substr(0, 300);
  }
  return cache.emplace(full, std::move(c)).first->second;
}

// CPU time of this thread, in nanoseconds: on a shared machine, wall time
// also counts the other processes.
double cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

// The CPU time to parse `bytes`, in nanoseconds: the mean over a few
// thousand parses, measured like the benchmark loop it is compared with.
double parse_ns(const std::string& bytes) {
  constexpr int kParses = 5000;
  const double start = cpu_ns();
  for (int i = 0; i < kParses; ++i) {
    auto parsed = lienthong::hl7v2::parse_view(bytes);
    benchmark::DoNotOptimize(parsed.ok());
  }
  return (cpu_ns() - start) / kParses;
}

struct AllocationCount {
  std::size_t count = g_allocations.load();
  std::size_t bytes = g_allocated_bytes.load();
};

void report(benchmark::State& state, std::size_t message_bytes, const AllocationCount& start) {
  const auto iterations = static_cast<double>(state.iterations());
  const AllocationCount end;
  state.counters["allocs_per_msg"] = iterations > 0 ? static_cast<double>(end.count - start.count) / iterations : 0;
  state.counters["alloc_bytes_per_msg"] = iterations > 0 ? static_cast<double>(end.bytes - start.bytes) / iterations : 0;
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(message_bytes));
  state.SetItemsProcessed(state.iterations());
}

void BM_Parse(benchmark::State& state, const char* name) {
  const std::string& bytes = message_bytes(sample(name));
  const AllocationCount start;
  for (auto _ : state) {
    auto parsed = lienthong::hl7v2::parse_view(bytes);
    benchmark::DoNotOptimize(parsed.ok());
  }
  report(state, bytes.size(), start);
}

void map(benchmark::State& state, const std::string& bytes, const Compiled& mapping) {
  if (!mapping.plan) {
    state.SkipWithError(mapping.why.c_str());
    return;
  }
  {
    // Once outside the measure: the mapping must take the message.
    static std::string why;
    auto message = lienthong::hl7v2::parse_view(bytes);
    if (!message.ok()) {
      why = "the message does not parse: " + message.error().to_string();
      state.SkipWithError(why.c_str());
      return;
    }
    auto out = lienthong::mapping::run(*mapping.plan, *message);
    if (!out.ok()) {
      why = "the mapping does not take the message: " + out.error().to_string();
      state.SkipWithError(why.c_str());
      return;
    }
    state.counters["out_bytes"] = static_cast<double>(out->json.size());
  }
  const double parse = parse_ns(bytes);
  const AllocationCount start;
  const double started = cpu_ns();
  for (auto _ : state) {
    auto message = lienthong::hl7v2::parse_view(bytes);
    auto out = lienthong::mapping::run(*mapping.plan, *message);
    benchmark::DoNotOptimize(out->json.data());
  }
  const double elapsed = cpu_ns() - started;
  report(state, bytes.size(), start);
  if (state.iterations() > 0) state.counters["x_parse"] = elapsed / static_cast<double>(state.iterations()) / parse;
}

void BM_Map(benchmark::State& state, const char* name) {
  const Sample& s = sample(name);
  const char* other = std::getenv("LIENTHONG_MAPPINGS_DIR");
  const fs::path dir = other != nullptr && *other != '\0' ? fs::path(other) : fs::path(LIENTHONG_SOURCE_DIR) / "mappings";
  map(state, message_bytes(s), compiled(dir, s.shipped));
}

void BM_MapSimple(benchmark::State& state, const char* name) {
  const Sample& s = sample(name);
  map(state, message_bytes(s), compiled(fs::path(LIENTHONG_SOURCE_DIR) / "bench/data/mappings", s.simple));
}

BENCHMARK_CAPTURE(BM_Parse, adt_a01, "adt_a01");
BENCHMARK_CAPTURE(BM_Parse, oru_r01_50obx, "oru_r01_50obx");
BENCHMARK_CAPTURE(BM_Parse, adt_a01_load, "adt_a01_load");
BENCHMARK_CAPTURE(BM_Map, adt_a01, "adt_a01");
BENCHMARK_CAPTURE(BM_Map, oru_r01_50obx, "oru_r01_50obx");
BENCHMARK_CAPTURE(BM_Map, adt_a01_load, "adt_a01_load");
BENCHMARK_CAPTURE(BM_MapSimple, adt_a01, "adt_a01");
BENCHMARK_CAPTURE(BM_MapSimple, oru_r01_50obx, "oru_r01_50obx");

}  // namespace

BENCHMARK_MAIN();
