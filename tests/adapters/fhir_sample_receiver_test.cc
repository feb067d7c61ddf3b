// samples/fhir-receiver/receiver.py against the real "fhir" destination: the
// sample people try first must take what the engine sends (skipped with a
// warning when there is no python3).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <boost/asio/ip/tcp.hpp>

#include "tests/adapters/http_test_support.h"

namespace lienthong::testing {
namespace {

using adapters::http::FhirDestination;
using core::Verdict;

// The receiver as a child process, stopped (SIGTERM) and reaped on destruction.
class Receiver {
 public:
  Receiver(std::uint16_t port, const std::filesystem::path& dir, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"python3", std::string(LIENTHONG_SOURCE_DIR) + "/samples/fhir-receiver/receiver.py",
                                     "--port", std::to_string(port), "--dir", dir.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    // Everything the child needs is made before fork(): other threads run here.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      const int null = open("/dev/null", O_WRONLY);  // its per-request lines are not test output
      if (null >= 0) dup2(null, 2);
      execvp(argv[0], argv.data());
      _exit(127);
    }
  }
  ~Receiver() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

bool wait_until_listening(std::uint16_t port) {
  for (int i = 0; i < 200; ++i) {  // up to ~10 s for the interpreter to start
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

core::DeliveryResult deliver_one(FhirDestination& destination, std::int64_t id) {
  Answers answers;
  destination.deliver(fhir_item(id, kTransactionBundle), answers.callback(id));
  REQUIRE(answers.wait(1));
  return answers.result(id);
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) n += entry.is_regular_file() ? 1 : 0;
  return n;
}

TEST_CASE("sample receiver takes what the fhir destination sends", "[http][fhir][sample]") {
  if (std::system("command -v python3 >/dev/null 2>&1") != 0) {
    WARN("no python3: sample receiver test skipped");
    return;
  }
  const std::filesystem::path dir = std::filesystem::path(LIENTHONG_BINARY_DIR) / "test-work" / "fhir_receiver";
  std::filesystem::remove_all(dir);
  const std::uint16_t port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/fhir";
  ClientIo io;

  SECTION("transaction and resources modes are stored and answered 2xx") {
    Receiver receiver(port, dir, {});
    REQUIRE(receiver.started());
    REQUIRE(wait_until_listening(port));
    FhirDestination transaction(io.io(), "sample", fhir_config(R"({"url": ")" + url + "\"}"));
    CHECK(deliver_one(transaction, 1).detail == "HTTP 200");
    FhirDestination resources(io.io(), "sample", fhir_config(R"({"url": ")" + url + R"(", "mode": "resources"})"));
    CHECK(deliver_one(resources, 2).detail == "HTTP 201 (2 requests)");
    CHECK(files_in(dir) == 3);  // the Bundle, then Patient and Encounter
  }
  SECTION("--fail-every 2 answers every second request 503 with Retry-After") {
    Receiver receiver(port, dir, {"--fail-every", "2"});
    REQUIRE(receiver.started());
    REQUIRE(wait_until_listening(port));
    FhirDestination destination(io.io(), "sample", fhir_config(R"({"url": ")" + url + "\"}"));
    CHECK(deliver_one(destination, 1).verdict == Verdict::kOk);
    core::DeliveryResult second = deliver_one(destination, 2);
    CHECK(second.verdict == Verdict::kRetry);
    CHECK(second.detail == "HTTP 503: answered 503 on purpose");
    CHECK(second.retry_after == std::chrono::seconds(5));
  }
}

}  // namespace
}  // namespace lienthong::testing
