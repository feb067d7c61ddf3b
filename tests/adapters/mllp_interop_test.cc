// Interop: python3-hl7's mllp_send (a client nobody here wrote) sends a file of
// MLLP frames to MllpListener; every message must get its own ACK back.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "tests/adapters/mllp_test_support.h"
#include "tests/support/files.h"

namespace lienthong::testing {
namespace {

using namespace std::chrono_literals;

std::string run_and_capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

TEST_CASE("interop: python3-hl7 mllp_send gets an ACK for every message", "[mllp][interop]") {
  const std::filesystem::path tool = "/usr/bin/mllp_send";
  REQUIRE(std::filesystem::exists(tool));

  std::vector<std::string> messages;
  for (int i = 0; i < 40; ++i) messages.push_back(make_message("PY" + std::to_string(i)));
  for (const auto& path : corpus_files("linuxforhealth-hl7v2-fhir-converter")) messages.push_back(read_file(path));
  REQUIRE(messages.size() >= 41);

  const std::filesystem::path dir =
      std::filesystem::path(LIENTHONG_BINARY_DIR) / "tests" / "adapters_tmp";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "mllp_send_input.hl7";
  {
    std::ofstream out(file, std::ios::binary);
    for (const auto& m : messages) out << hl7v2::mllp_wrap(m);
  }

  TestSink sink;
  IoThreads io;
  adapters::mllp::MllpListener listener(io.io(), test_config(), sink);
  REQUIRE(listener.start().ok());

  const std::string output = run_and_capture("timeout 20 /usr/bin/python3 /usr/bin/mllp_send --port " +
                                             std::to_string(listener.port()) + " --file " + file.string() +
                                             " 127.0.0.1 2>&1");
  hl7v2::MllpFramer framer;
  framer.feed(output);
  std::vector<std::string> acks;
  while (auto e = framer.next()) {
    if (e->kind == hl7v2::MllpEvent::Kind::kFrame) acks.push_back(e->payload);
  }
  INFO(output.substr(0, 500));
  REQUIRE(acks.size() == messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const AckFields fields = ack_fields(acks[i]);
    CHECK(fields.control_id == hl7v2::read_header(messages[i]).control_id);
    CHECK((fields.code == "AA" || fields.code == "CA"));
  }
  CHECK(sink.submitted() == messages.size());

  std::promise<void> done;
  listener.shutdown(2s, [&] { done.set_value(); });
  done.get_future().wait_for(5s);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace lienthong::testing
