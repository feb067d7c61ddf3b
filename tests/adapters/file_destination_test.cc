// The "file" destination on real directories: exact bytes, names, atomic replacement
// (a concurrent reader never sees a partial file), overwrite on repeat, I/O errors as
// kRetry, shutdown, and its config errors with file + JSON path.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/file/file_destination.h"
#include "adapters/file/file_destination_type.h"
#include "tests/support/files.h"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using adapters::file::FileDestination;
using adapters::file::FileDestinationConfig;

// A fresh directory under the build tree for one test.
fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(LIENTHONG_BINARY_DIR) / "tests" / "file_destination_tmp" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::string kHl7 =
    "MSH|^~\\&|HIS|BV_A|LIENTHONG|SO_YT|20240131142005+0700||ADT^A01^ADT_A01|MSG/../1|P|2.5.1\r"
    "EVN|A01|20240131142005\rPID|1||BN0001^^^BV_A^PI||NGUYEN^VAN A\r";

core::DeliveryItem hl7_item(std::int64_t id, std::string body = kHl7) {
  core::DeliveryItem item;
  item.id = id;
  item.message_id = 7;
  item.route = "adt to archive";
  item.message_type = "ADT^A01";
  item.control_id = "MSG/../1";
  item.content_type = core::kContentHl7v2;
  item.body = std::move(body);
  return item;
}

core::DeliveryItem json_item(std::int64_t id, std::string body) {
  core::DeliveryItem item = hl7_item(id, std::move(body));
  item.content_type = core::kContentFhirJson;
  return item;
}

// Parses `json` as a destination object of "dest.json" in `dir` through the type's parse().
struct Parsed {
  std::vector<std::string> errors;
  FileDestinationConfig config;
};
Parsed parse(const std::string& json, const fs::path& dir = fs::path(LIENTHONG_BINARY_DIR)) {
  auto doc = core::ConfigDocument::parse(json, (dir / "dest.json").string());
  auto type = adapters::file::file_destination_type();
  std::any settings = type.parse(doc.root());
  return {doc.errors(), std::any_cast<FileDestinationConfig>(settings)};
}

// Delivers one item and waits (bounded) for its one answer.
core::DeliveryResult deliver(core::Destination& destination, const core::DeliveryItem& item) {
  std::promise<core::DeliveryResult> promise;
  auto future = promise.get_future();
  destination.deliver(item, [&](core::DeliveryResult result) { promise.set_value(std::move(result)); });
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  return future.get();
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

std::unique_ptr<core::Destination> make(const std::string& json, const fs::path& dir) {
  auto doc = core::ConfigDocument::parse(json, (dir / "dest.json").string());
  auto type = adapters::file::file_destination_type();
  std::any settings = type.parse(doc.root());
  REQUIRE(doc.errors().empty());
  boost::asio::io_context io;
  return type.create(io, "archive", settings);
}

TEST_CASE("file destination: writes the exact bytes under the default name", "[file]") {
  const fs::path dir = fresh_dir("exact");
  auto destination = make(R"({"directory": "out"})", dir);  // relative to the config file
  const fs::path out = dir / "out";
  CHECK(fs::is_directory(out));  // made at create()

  auto result = deliver(*destination, hl7_item(41));
  CHECK(result.verdict == core::Verdict::kOk);
  CHECK(result.detail == "file 7-41.hl7");
  CHECK(read_file(out / "7-41.hl7") == kHl7);

  const std::string bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]}";
  result = deliver(*destination, json_item(42, bundle));
  CHECK(result.verdict == core::Verdict::kOk);
  CHECK(read_file(out / "7-42.json") == bundle);
  CHECK(names_in(out) == std::set<std::string>{"7-41.hl7", "7-42.json"});
}

TEST_CASE("file destination: name pattern placeholders", "[file]") {
  const fs::path dir = fresh_dir("pattern");
  auto doc = core::ConfigDocument::parse(
      R"({"directory": ")" + dir.string() + R"(", "file_name": "{route}.{type}.{control_id}.{message_id}.{id}.{date}.{ext}"})",
      "dest.json");
  auto type = adapters::file::file_destination_type();
  std::any settings = type.parse(doc.root());
  REQUIRE(doc.errors().empty());
  FileDestination destination("archive", std::any_cast<FileDestinationConfig>(settings));
  // 2024-01-31 23:30 UTC (it is already 1 February in Vietnam: the date is UTC).
  destination.set_clock([] { return std::chrono::system_clock::time_point(std::chrono::seconds(1706743800)); });

  auto result = deliver(destination, hl7_item(5));
  CHECK(result.verdict == core::Verdict::kOk);
  const std::string expected = "adt_to_archive.ADT_A01.MSG_.._1.7.5.20240131.hl7";
  CHECK(names_in(dir) == std::set<std::string>{expected});
  CHECK(read_file(dir / expected) == kHl7);

  // An item that says when intake stored it is named by that date, whenever it is delivered:
  // a retry after midnight overwrites the same file.
  core::DeliveryItem stored = hl7_item(6);
  stored.created_at_us = std::int64_t{1706659200} * 1000000 + 1;  // 2024-01-31 00:00:00.000001 UTC
  destination.set_clock([] { return std::chrono::system_clock::time_point(std::chrono::seconds(1706832000)); });
  result = deliver(destination, stored);
  CHECK(result.verdict == core::Verdict::kOk);
  CHECK(fs::exists(dir / "adt_to_archive.ADT_A01.MSG_.._1.7.6.20240131.hl7"));
}

TEST_CASE("file destination: a name its values make unusable is a permanent failure", "[file]") {
  const fs::path dir = fresh_dir("unusable");
  auto destination = make(R"({"directory": "out", "file_name": "{control_id}"})", dir);
  core::DeliveryItem item = hl7_item(1);
  item.control_id = "..";
  auto result = deliver(*destination, item);
  CHECK(result.verdict == core::Verdict::kFail);
  item.control_id = std::string(300, 'A');
  result = deliver(*destination, item);
  CHECK(result.verdict == core::Verdict::kFail);
  CHECK(names_in(dir / "out").empty());
}

TEST_CASE("file destination: line_ending rewrites HL7 v2 segment ends only", "[file]") {
  const fs::path dir = fresh_dir("line_ending");
  auto crlf = make(R"({"directory": "crlf", "line_ending": "crlf"})", dir);
  auto lf = make(R"({"directory": "lf", "line_ending": "lf"})", dir);
  CHECK(deliver(*crlf, hl7_item(1)).verdict == core::Verdict::kOk);
  CHECK(deliver(*lf, hl7_item(1, "MSH|^~\\&|A\r\nPID|1\r")).verdict == core::Verdict::kOk);
  const std::string json = "{\"a\":\"x\\r\\n\"}\r\n";
  CHECK(deliver(*crlf, json_item(2, json)).verdict == core::Verdict::kOk);

  std::string expected = kHl7;
  for (std::size_t at = expected.find('\r'); at != std::string::npos; at = expected.find('\r', at + 2)) {
    expected.insert(at + 1, "\n");
  }
  CHECK(read_file(dir / "crlf" / "7-1.hl7") == expected);
  CHECK(read_file(dir / "lf" / "7-1.hl7") == "MSH|^~\\&|A\nPID|1\n");
  CHECK(read_file(dir / "crlf" / "7-2.json") == json);  // JSON is never touched
}

TEST_CASE("file destination: a repeated item overwrites its file, no temporary file stays", "[file]") {
  const fs::path dir = fresh_dir("repeat");
  auto destination = make(R"({"directory": "."})", dir);
  CHECK(deliver(*destination, hl7_item(9, "MSH|first\r")).verdict == core::Verdict::kOk);
  CHECK(deliver(*destination, hl7_item(9, "MSH|second, longer than the first\r")).verdict == core::Verdict::kOk);
  CHECK(names_in(dir) == std::set<std::string>{"7-9.hl7"});
  CHECK(read_file(dir / "7-9.hl7") == "MSH|second, longer than the first\r");
}

TEST_CASE("file destination: at start, temporary files of a writer that is gone are removed", "[file]") {
  const fs::path dir = fresh_dir("stale");
  // A pid that surely has no process: a child that has exited and been reaped.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const std::string dead = ".tmp-" + std::to_string(child) + "-1";
  const std::string own = ".tmp-" + std::to_string(::getpid()) + "-7";  // may be in flight
  const std::string alive = ".tmp-1-3";                                   // pid 1 always exists
  for (const auto& name : {dead, own, alive, std::string("7-1.hl7"), std::string(".tmp-x-1")}) {
    std::ofstream(dir / name) << "partial";
  }
  auto destination = make(R"({"directory": "."})", dir);
  CHECK(names_in(dir) == std::set<std::string>{own, alive, "7-1.hl7", ".tmp-x-1"});
}

TEST_CASE("file destination: a reader never sees a partial file", "[file]") {
  const fs::path dir = fresh_dir("atomic");
  auto destination = make(R"({"directory": "."})", dir);
  // Each body is large enough to need several write() calls and is different per id,
  // repeated so that a truncated or half-replaced file cannot look whole.
  auto body_of = [](std::int64_t id, int version) {
    std::string line = "OBX|" + std::to_string(id) + "|" + std::to_string(version) + "|";
    std::string body;
    while (body.size() < 256 * 1024) body += line + std::string(200, static_cast<char>('a' + id % 26)) + "\r";
    return body;
  };

  std::atomic<bool> writing{true};
  std::atomic<int> files_checked{0};
  std::vector<std::string> broken;
  std::thread reader([&] {
    while (writing.load()) {
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(".tmp-", 0) == 0) continue;
        const std::string content = read_file(entry.path());
        if (content.empty()) continue;  // renamed away between listing and opening
        const std::int64_t id = std::stoll(name.substr(2));
        if (content != body_of(id, 1) && content != body_of(id, 2)) broken.push_back(name);
        ++files_checked;
      }
    }
  });

  for (int version = 1; version <= 2; ++version) {
    for (std::int64_t id = 1; id <= 40; ++id) {
      auto result = deliver(*destination, hl7_item(id, body_of(id, version)));
      REQUIRE(result.verdict == core::Verdict::kOk);
      // After each answer the directory holds only whole, final files.
      for (const auto& name : names_in(dir)) {
        REQUIRE(name.rfind(".tmp-", 0) != 0);
        const std::int64_t n = std::stoll(name.substr(2));
        const std::string content = read_file(dir / name);
        CHECK((content == body_of(n, 1) || content == body_of(n, 2)));
      }
    }
  }
  writing.store(false);
  reader.join();
  CHECK(broken.empty());
  CHECK(files_checked.load() > 0);
  CHECK(names_in(dir).size() == 40);
  CHECK(read_file(dir / "7-40.hl7") == body_of(40, 2));
}

// Delivers one item into a directory made unwritable (chmod 0500) and gives the answer.
// Root ignores modes, so as root the delivery runs in a child process that has become
// "nobody" first; the answer comes back through a pipe.
core::DeliveryResult deliver_unwritable(const fs::path& dir, const core::DeliveryItem& item) {
  REQUIRE(::chmod(dir.c_str(), 0500) == 0);
  if (::geteuid() != 0) {
    auto destination = make(R"({"directory": "."})", dir);
    auto result = deliver(*destination, item);
    ::chmod(dir.c_str(), 0755);
    return result;
  }
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::string line = "setuid failed";
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
      FileDestinationConfig config;
      config.directory = dir;
      config.name = *adapters::file::FileNamePattern::compile(adapters::file::kDefaultFileNamePattern);
      FileDestination destination("archive", config);
      std::promise<core::DeliveryResult> promise;
      destination.deliver(item, [&](core::DeliveryResult result) { promise.set_value(std::move(result)); });
      auto result = promise.get_future().get();
      line = (result.verdict == core::Verdict::kRetry ? "R" : result.verdict == core::Verdict::kOk ? "O" : "F") +
             result.detail;
    }
    [[maybe_unused]] auto n = ::write(pipe_fds[1], line.data(), line.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string line;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) line.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::chmod(dir.c_str(), 0755);
  REQUIRE(!line.empty());
  REQUIRE(line != "setuid failed");
  core::DeliveryResult result;
  result.verdict = line[0] == 'R' ? core::Verdict::kRetry : line[0] == 'O' ? core::Verdict::kOk : core::Verdict::kFail;
  result.detail = line.substr(1);
  return result;
}

TEST_CASE("file destination: an unwritable directory is kRetry with the error, never the content", "[file]") {
  const fs::path dir = fresh_dir("unwritable");
  auto result = deliver_unwritable(dir, hl7_item(3));
  CHECK(result.verdict == core::Verdict::kRetry);
  CHECK(result.detail == "write: Permission denied");
  CHECK(result.detail.find("NGUYEN") == std::string::npos);
  CHECK(names_in(dir).empty());
  // Writable again: the retry succeeds.
  auto destination = make(R"({"directory": "."})", dir);
  CHECK(deliver(*destination, hl7_item(3)).verdict == core::Verdict::kOk);
  CHECK(names_in(dir) == std::set<std::string>{"7-3.hl7"});
}

TEST_CASE("file destination: a write failing midway leaves no temporary file and is kRetry", "[file]") {
  const fs::path dir = fresh_dir("write_fails");
  auto destination = make(R"({"directory": "."})", dir);
  // RLIMIT_FSIZE makes write() fail with EFBIG past 16 KiB: the same path as a full disk
  // (the first bytes are written, a later write fails). Restored before any check.
  rlimit old_limit{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old_limit;
  small.rlim_cur = 16 * 1024;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  auto result = deliver(*destination, hl7_item(4, std::string(64 * 1024, 'x')));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  CHECK(result.verdict == core::Verdict::kRetry);
  CHECK(result.detail == "write: File too large");
  CHECK(names_in(dir).empty());
}

TEST_CASE("file destination: a directory removed while running is made again", "[file]") {
  const fs::path dir = fresh_dir("removed");
  auto destination = make(R"({"directory": "out"})", dir);
  fs::remove_all(dir / "out");
  CHECK(deliver(*destination, hl7_item(6)).verdict == core::Verdict::kOk);
  CHECK(read_file(dir / "out" / "7-6.hl7") == kHl7);
}

TEST_CASE("file destination: a directory that cannot be made fails create()", "[file]") {
  const fs::path dir = fresh_dir("not_a_dir");
  { std::ofstream(dir / "plain") << "x"; }
  auto doc = core::ConfigDocument::parse(R"({"directory": "plain/sub"})", (dir / "dest.json").string());
  auto type = adapters::file::file_destination_type();
  std::any settings = type.parse(doc.root());
  boost::asio::io_context io;
  CHECK_THROWS_AS(type.create(io, "archive", settings), std::runtime_error);
}

TEST_CASE("file destination: shutdown answers what waits with kRetry; deliver after it too", "[file]") {
  const fs::path dir = fresh_dir("shutdown");
  auto destination = make(R"({"directory": "."})", dir);
  std::vector<std::promise<core::DeliveryResult>> answers(50);
  std::atomic<int> calls{0};
  const std::string big(512 * 1024, 'x');
  for (int i = 0; i < 50; ++i) {
    destination->deliver(hl7_item(i + 1, big), [&, i](core::DeliveryResult result) {
      ++calls;
      answers[static_cast<std::size_t>(i)].set_value(std::move(result));
    });
  }
  destination->shutdown();  // joins: every answer has been given when it returns
  CHECK(calls.load() == 50);
  int ok = 0;
  for (auto& answer : answers) {
    auto result = answer.get_future().get();
    if (result.verdict == core::Verdict::kOk) {
      ++ok;
    } else {
      CHECK(result.verdict == core::Verdict::kRetry);
      CHECK(result.detail == "shutting down");
    }
  }
  CHECK(names_in(dir).size() == static_cast<std::size_t>(ok));  // every kOk is a file, nothing else is

  auto after = deliver(*destination, hl7_item(99));
  CHECK(after.verdict == core::Verdict::kRetry);
  CHECK(after.detail == "shutting down");
}

TEST_CASE("file destination: shutdown called from a callback neither deadlocks nor loses an answer", "[file]") {
  const fs::path dir = fresh_dir("shutdown_in_callback");
  auto destination = make(R"({"directory": "."})", dir);
  std::promise<core::DeliveryResult> first;
  std::promise<core::DeliveryResult> second;
  destination->deliver(hl7_item(1), [&](core::DeliveryResult result) {
    destination->shutdown();  // on the writer thread
    first.set_value(std::move(result));
  });
  destination->deliver(hl7_item(2), [&](core::DeliveryResult result) { second.set_value(std::move(result)); });
  auto first_future = first.get_future();
  auto second_future = second.get_future();
  REQUIRE(first_future.wait_for(10s) == std::future_status::ready);
  REQUIRE(second_future.wait_for(10s) == std::future_status::ready);
  CHECK(first_future.get().verdict == core::Verdict::kOk);
  CHECK(second_future.get().detail == "shutting down");
  auto destroyed = std::async(std::launch::async, [&] { destination.reset(); });  // joins the writer
  CHECK(destroyed.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("file destination: config errors name the file and JSON path", "[file][config]") {
  const fs::path dir = fs::path("/etc/lienthong");
  SECTION("directory is required") {
    auto parsed = parse(R"({})", dir);
    REQUIRE(parsed.errors.size() == 1);
    CHECK(parsed.errors[0] == "/etc/lienthong/dest.json: $.directory: missing required key");
  }
  SECTION("the common key \"name\" is the destination's, not the file name pattern") {
    auto parsed = parse(R"({"name": "archive", "type": "file", "directory": "/x"})", dir);
    CHECK(parsed.errors.empty());
    CHECK(parsed.config.name.text() == "{message_id}-{id}.{ext}");
  }
  SECTION("relative directory is relative to the config file") {
    auto parsed = parse(R"({"directory": "out/adt"})", dir);
    CHECK(parsed.errors.empty());
    CHECK(parsed.config.directory == fs::path("/etc/lienthong/out/adt"));
  }
  SECTION("unknown placeholder") {
    auto parsed = parse(R"({"directory": "/x", "file_name": "{id}-{patient}.hl7"})", dir);
    REQUIRE(parsed.errors.size() == 1);
    CHECK(parsed.errors[0].rfind("/etc/lienthong/dest.json: $.file_name: \"{id}-{patient}.hl7\": unknown placeholder "
                                 "{patient}",
                                 0) == 0);
  }
  SECTION("a pattern with '/' or '..'") {
    auto slash = parse(R"({"directory": "/x", "file_name": "sub/{id}"})", dir);
    REQUIRE(slash.errors.size() == 1);
    CHECK(slash.errors[0] == "/etc/lienthong/dest.json: $.file_name: \"sub/{id}\": must not contain '/'");
    auto dots = parse(R"({"directory": "/x", "file_name": "..{id}"})", dir);
    REQUIRE(dots.errors.size() == 1);
    CHECK(dots.errors[0] == "/etc/lienthong/dest.json: $.file_name: \"..{id}\": must not contain \"..\"");
  }
  SECTION("unbalanced braces, a name that does not vary") {
    CHECK(parse(R"({"directory": "/x", "file_name": "{id"})", dir).errors.size() == 1);
    CHECK(parse(R"({"directory": "/x", "file_name": "id}"})", dir).errors.size() == 1);
    auto constant = parse(R"({"directory": "/x", "file_name": "{route}.{ext}"})", dir);
    REQUIRE(constant.errors.size() == 1);
    CHECK(constant.errors[0].find("$.file_name") != std::string::npos);
  }
  SECTION("line_ending") {
    auto parsed = parse(R"({"directory": "/x", "line_ending": "CRLF"})", dir);
    REQUIRE(parsed.errors.size() == 1);
    CHECK(parsed.errors[0] ==
          "/etc/lienthong/dest.json: $.line_ending: expected one of \"cr\", \"crlf\", \"lf\", found \"CRLF\"");
  }
  SECTION("the type accepts both content types") {
    auto type = adapters::file::file_destination_type();
    CHECK(type.accepts == std::vector<std::string>{core::kContentFhirJson, core::kContentHl7v2});
  }
}

}  // namespace
}  // namespace lienthong::testing
