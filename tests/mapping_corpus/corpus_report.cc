// mapping_corpus_report: runs `lienthong map --input <message>` on every (message, expected
// Bundle) pair of the public converter corpus (microsoft-fhir-converter/cases.tsv), compares
// the facts of our Bundle with the oracle's (tests/mapping_corpus/fhir_facts.h), validates
// every Bundle we produce against the FHIR R4 JSON schema (tests/fhir_schema/validate.js),
// and prints a table with totals per message type.
//
// Exit status (what the ctest test `mapping_corpus_report` asserts):
//   1 when a case of a message type listed in tests/mapping_corpus/supported_types.txt
//     reaches less than 95% of the expected facts, or when a Bundle we produced is not
//     valid FHIR R4 JSON (or could not be validated), or differs from the "output" of the
//     same conversion with --explain (which runs without the include memo and the run
//     constants: what they save must not change a value), or when the corpus cannot be read;
//   0 otherwise. Every other number is printed as information.
//
// Other modes:  --facts FILE               print the facts of one FHIR JSON file
//               --compare EXPECTED ACTUAL  print the comparison of two files
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "tests/mapping_corpus/fhir_facts.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using lienthong::facts::Comparison;
using lienthong::facts::Facts;

constexpr double kThreshold = 0.95;

std::string read_file(const fs::path& path, bool* ok = nullptr) {
  std::ifstream in(path, std::ios::binary);
  if (ok) *ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int status = -1;  // exit status, 128 + signal, or -1 when it could not start
  std::string out;
  std::string err;
  bool timed_out = false;
};

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Runs argv[0] (a path) in `cwd` with stdin from /dev/null; captures both outputs.
RunResult run_process(const std::vector<std::string>& args, const std::string& cwd, double timeout_s) {
  RunResult r;
  int out[2], err[2];
  // Close-on-exec: runs go on in parallel, and a child must not hold another run's pipe open.
  if (pipe2(out, O_CLOEXEC) != 0) return r;
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return r;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  for (int fd : {out[0], out[1], err[0], err[1]}) posix_spawn_file_actions_addclose(&fa, fd);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  std::vector<std::string> words = args;
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    r.err = std::string("cannot start ") + args[0] + ": " + std::strerror(rc);
    return r;
  }
  bool out_open = true, err_open = true;
  const double deadline = now_seconds() + timeout_s;
  while (out_open || err_open) {
    double left = deadline - now_seconds();
    if (left <= 0) {
      r.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out[0], POLLIN, 0});
    if (err_open) fds.push_back({err[0], POLLIN, 0});
    int n = poll(fds.data(), fds.size(), static_cast<int>(left * 1000) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      char buf[65536];
      ssize_t got = read(p.fd, buf, sizeof buf);
      std::string& dst = p.fd == out[0] ? r.out : r.err;
      if (got > 0) {
        dst.append(buf, static_cast<std::size_t>(got));
      } else {
        (p.fd == out[0] ? out_open : err_open) = false;
      }
    }
  }
  close(out[0]);
  close(err[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "ADT^A01" and "ADT_A01" name the same message type (the corpus's root template).
std::string normalize_type(std::string t) {
  std::replace(t.begin(), t.end(), '^', '_');
  return t;
}

struct Case {
  std::string type;      // root template, e.g. ADT_A01
  fs::path input;
  fs::path expected;
  std::string name;      // input file name without .hl7
  // results
  std::size_t expected_facts = 0;
  std::size_t matched = 0;
  std::string error;     // why the case counts as 0%
  fs::path bundle;       // our Bundle, when lienthong map produced one
  std::string schema;    // "ok", "invalid: ...", or "" when there is no Bundle
  Comparison comparison;
  double ratio() const { return expected_facts == 0 ? 0 : static_cast<double>(matched) / expected_facts; }
};

std::string percent(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", r * 100);
  return buf;
}

void print_comparison(const Comparison& c, std::size_t limit) {
  for (const auto& [type, r] : c.by_type) {
    std::cout << "  " << type << ": expected " << r.expected << ", matched " << r.matched << ", missing "
              << r.missing.size() << ", extra " << r.extra.size() << "\n";
    std::size_t shown = 0;
    for (const std::string& m : r.missing) {
      if (shown++ == limit) {
        std::cout << "    ... " << (r.missing.size() - limit) << " more missing\n";
        break;
      }
      std::cout << "    - " << m << "\n";
    }
    shown = 0;
    for (const std::string& e : r.extra) {
      if (shown++ == limit) {
        std::cout << "    ... " << (r.extra.size() - limit) << " more extra\n";
        break;
      }
      std::cout << "    + " << e << "\n";
    }
  }
}

int usage() {
  std::cerr << "usage: mapping_corpus_report [--corpus DIR] [--lienthong EXE] [--supported FILE]\n"
               "                             [--node NODE] [--validator validate.js] [--out DIR]\n"
               "                             [--case TEXT] [--details] [--no-explain-check]\n"
               "                             [-- EXTRA MAP ARGS...]\n"
               "       mapping_corpus_report --facts FILE\n"
               "       mapping_corpus_report --compare EXPECTED ACTUAL\n";
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = std::string(LIENTHONG_CORPUS_DIR) + "/microsoft-fhir-converter";
  std::string lienthong = LIENTHONG_EXE;
  std::string source_dir = LIENTHONG_SOURCE_DIR;
  std::string supported_file = source_dir + "/tests/mapping_corpus/supported_types.txt";
  std::string node = LIENTHONG_NODE;
  std::string validator = source_dir + "/tests/fhir_schema/validate.js";
  std::string out_dir = std::string(LIENTHONG_BINARY_DIR) + "/mapping_corpus";
  std::string only;
  bool details = false;
  bool explain_check = true;  // off under the sanitizers: a check of values, made in the plain build
  std::vector<std::string> extra_args;

  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& dst) {
      if (i + 1 >= args.size()) return false;
      dst = args[++i];
      return true;
    };
    if (a == "--facts" && i + 1 < args.size()) {
      Facts f = lienthong::facts::extract_facts(read_file(args[i + 1]));
      if (!f.error.empty()) {
        std::cerr << args[i + 1] << ": " << f.error << "\n";
        return 2;
      }
      for (const auto& fact : f.facts) std::cout << fact.text() << "\n";
      return 0;
    }
    if (a == "--compare" && i + 2 < args.size()) {
      Facts e = lienthong::facts::extract_facts(read_file(args[i + 1]));
      Facts g = lienthong::facts::extract_facts(read_file(args[i + 2]));
      if (!e.error.empty() || !g.error.empty()) {
        std::cerr << (e.error.empty() ? g.error : e.error) << "\n";
        return 2;
      }
      Comparison c = lienthong::facts::compare(e, g);
      std::cout << "matched " << c.matched << " of " << c.expected << " expected facts (" << percent(c.ratio())
                << ")\n";
      print_comparison(c, static_cast<std::size_t>(-1));
      return 0;
    }
    if (a == "--corpus") {
      if (!value(corpus)) return usage();
    } else if (a == "--lienthong") {
      if (!value(lienthong)) return usage();
    } else if (a == "--supported") {
      if (!value(supported_file)) return usage();
    } else if (a == "--node") {
      if (!value(node)) return usage();
    } else if (a == "--validator") {
      if (!value(validator)) return usage();
    } else if (a == "--out") {
      if (!value(out_dir)) return usage();
    } else if (a == "--case") {
      if (!value(only)) return usage();
    } else if (a == "--details") {
      details = true;
    } else if (a == "--no-explain-check") {
      explain_check = false;
    } else if (a == "--") {
      extra_args.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    } else {
      return usage();
    }
  }

  // The cases.
  bool ok = false;
  std::string tsv = read_file(fs::path(corpus) / "cases.tsv", &ok);
  if (!ok) {
    std::cout << "FAIL: cannot read " << corpus << "/cases.tsv\n";
    return 1;
  }
  std::vector<Case> cases;
  {
    std::istringstream in(tsv);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      if (header) {
        header = false;
        continue;
      }
      std::vector<std::string> cols;
      std::istringstream ls(line);
      for (std::string col; std::getline(ls, col, '\t');) cols.push_back(col);
      if (cols.size() < 3) continue;
      Case c;
      c.type = cols[0];
      c.input = fs::path(corpus) / cols[1];
      c.expected = fs::path(corpus) / cols[2];
      c.name = c.input.stem().string();
      if (!only.empty() && c.name.find(only) == std::string::npos && c.type != only) continue;
      cases.push_back(std::move(c));
    }
  }

  // The message types our shipped mappings claim to support.
  std::set<std::string> supported;
  {
    std::istringstream in(read_file(supported_file));
    for (std::string line; std::getline(in, line);) {
      line = trim(line.substr(0, line.find('#')));
      if (!line.empty()) supported.insert(normalize_type(line));
    }
  }

  fs::create_directories(fs::path(out_dir) / "bundles");
  std::vector<std::string> failures;
  std::vector<fs::path> produced;

  // `lienthong map` for every case, a few at a time (each run starts a process and compiles
  // a mapping: most of this report's time, most of all under the sanitizers).
  std::vector<RunResult> runs(cases.size());
  std::vector<RunResult> explained(cases.size());
  {
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < cases.size(); i = next++) {
        std::vector<std::string> cmd{lienthong, "map", "--input", cases[i].input.string()};
        cmd.insert(cmd.end(), extra_args.begin(), extra_args.end());
        runs[i] = run_process(cmd, source_dir, 60);
        if (explain_check && runs[i].status == 0) {
          cmd.push_back("--explain");
          explained[i] = run_process(cmd, source_dir, 60);
        }
      }
    };
    std::vector<std::thread> workers;
    const unsigned n = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    for (unsigned w = 0; w < n; ++w) workers.emplace_back(work);
    for (std::thread& t : workers) t.join();
  }

  for (std::size_t ci = 0; ci < cases.size(); ++ci) {
    Case& c = cases[ci];
    bool read_ok = false;
    std::string expected_json = read_file(c.expected, &read_ok);
    Facts expected = lienthong::facts::extract_facts(expected_json);
    c.expected_facts = expected.facts.size();
    if (!read_ok || !expected.error.empty()) {
      c.error = "expected Bundle unreadable: " + (read_ok ? expected.error : c.expected.string());
      failures.push_back(c.name + ": " + c.error);
      continue;
    }
    const RunResult& run = runs[ci];
    if (run.status != 0 || run.timed_out) {
      std::string why = first_line(run.err);
      if (run.timed_out) why = "timed out after 60 s";
      if (why.empty()) why = first_line(run.out);
      c.error = "lienthong map exit " + std::to_string(run.status) + (why.empty() ? "" : ": " + why);
      continue;
    }
    if (explain_check) {
      rapidjson::Document plain, with_explain;
      plain.Parse(run.out.data(), run.out.size());
      with_explain.Parse(explained[ci].out.data(), explained[ci].out.size());
      const bool same = !plain.HasParseError() && !with_explain.HasParseError() && with_explain.IsObject() &&
                        with_explain.HasMember("output") && with_explain["output"] == plain;
      if (!same) failures.push_back(c.name + ": our Bundle differs from the output of the same conversion with --explain");
    }
    c.bundle = fs::path(out_dir) / "bundles" / (c.name + ".json");
    std::ofstream(c.bundle, std::ios::binary) << run.out;
    produced.push_back(c.bundle);
    Facts actual = lienthong::facts::extract_facts(run.out);
    if (!actual.error.empty()) {
      c.error = "output is " + actual.error;
      continue;
    }
    c.comparison = lienthong::facts::compare(expected, actual);
    c.matched = c.comparison.matched;
  }

  // Schema validation of every Bundle we produced, in one run of the validator.
  std::size_t invalid = 0;
  std::string validation_problem;
  if (!produced.empty()) {
    if (node.empty() || node.find("NOTFOUND") != std::string::npos) {
      validation_problem = "node was not found at configure time";
    } else if (!fs::exists(fs::path(validator).parent_path() / "node_modules")) {
      validation_problem = "tests/fhir_schema/node_modules is missing (run scripts/install-deps.sh)";
    } else {
      std::vector<std::string> cmd{node, validator};
      for (const fs::path& p : produced) cmd.push_back(p.string());
      RunResult run = run_process(cmd, source_dir, 600);
      std::map<std::string, std::string> verdict;
      std::istringstream in(run.out);
      for (std::string line; std::getline(in, line);) {
        for (const fs::path& p : produced) {
          const std::string f = p.string();
          if (line == "ok " + f) verdict[f] = "ok";
          if (line.rfind("invalid " + f + ":", 0) == 0) verdict[f] = "invalid" + line.substr(8 + f.size());
        }
      }
      if (verdict.size() != produced.size()) {
        validation_problem = "the validator did not answer for every Bundle (exit " + std::to_string(run.status) +
                             "): " + first_line(run.err);
      }
      for (Case& c : cases) {
        if (c.bundle.empty()) continue;
        auto v = verdict.find(c.bundle.string());
        c.schema = v == verdict.end() ? "not validated" : v->second;
        if (c.schema != "ok") {
          ++invalid;
          failures.push_back(c.name + ": our Bundle is not valid FHIR R4 JSON: " + c.schema);
        }
      }
    }
    if (!validation_problem.empty()) failures.push_back("schema validation could not run: " + validation_problem);
  }

  // The table.
  int w = 4;
  for (const Case& c : cases) w = std::max(w, static_cast<int>(c.name.size()));
  std::printf("%-*s %-8s %8s %8s %7s  %-7s %s\n", w, "case", "type", "expected", "matched", "ratio", "schema", "note");
  for (const Case& c : cases) {
    bool sup = supported.count(normalize_type(c.type)) > 0;
    std::string schema = c.schema.empty() ? "-" : (c.schema == "ok" ? "ok" : "INVALID");
    std::string note = c.error;
    if (sup) note = "supported" + (note.empty() ? "" : "; " + note);
    if (note.size() > 110) note = note.substr(0, 107) + "...";
    std::printf("%-*s %-8s %8zu %8zu %7s  %-7s %s\n", w, c.name.c_str(), c.type.c_str(), c.expected_facts, c.matched,
                percent(c.ratio()).c_str(), schema.c_str(), note.c_str());
    if (sup && c.ratio() < kThreshold) {
      failures.push_back(c.name + " (" + c.type + ", supported) reaches " + percent(c.ratio()) +
                         " of the expected facts, below 95%" + (c.error.empty() ? "" : ": " + c.error));
    }
  }

  // Totals per message type.
  struct TypeTotal {
    std::size_t cases = 0, reached = 0, expected = 0, matched = 0;
  };
  std::map<std::string, TypeTotal> totals;
  std::size_t reached = 0, bundles = 0;
  for (const Case& c : cases) {
    TypeTotal& t = totals[c.type];
    ++t.cases;
    t.expected += c.expected_facts;
    t.matched += c.matched;
    if (c.ratio() >= kThreshold) {
      ++t.reached;
      ++reached;
    }
    if (!c.bundle.empty()) ++bundles;
  }
  std::printf("\nper message type (facts: matched / expected, all its cases together)\n");
  std::printf("%-10s %6s %8s %9s\n", "type", "cases", ">=95%", "facts");
  for (const auto& [type, t] : totals) {
    double r = t.expected == 0 ? 0 : static_cast<double>(t.matched) / t.expected;
    std::printf("%-10s %6zu %8zu %9s  %s\n", type.c_str(), t.cases, t.reached, percent(r).c_str(),
                supported.count(normalize_type(type)) ? "supported" : "");
  }
  for (const std::string& s : supported) {
    if (!totals.count(s)) std::printf("note: supported type %s has no case in cases.tsv\n", s.c_str());
  }
  std::printf("\n%zu of %zu pairs reach >= 95%% of the expected facts\n", reached, cases.size());
  std::printf("Bundles produced by lienthong map: %zu of %zu; schema-invalid: %zu%s\n", bundles, cases.size(), invalid,
              validation_problem.empty() ? "" : (" (validation not run: " + validation_problem + ")").c_str());
  std::printf("supported types (%s): %zu\n", supported_file.c_str(), supported.size());

  if (details) {
    for (const Case& c : cases) {
      if (c.bundle.empty() || !c.error.empty()) continue;
      std::cout << "\n== " << c.name << " (" << c.type << "): " << percent(c.ratio()) << "\n";
      print_comparison(c.comparison, 40);
    }
  }

  for (const std::string& f : failures) std::cout << "FAIL: " << f << "\n";
  return failures.empty() ? 0 : 1;
}
