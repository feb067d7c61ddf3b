// FrameHeadTracker: the start of each frame is found whatever the chunking.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/mllp/frame_head_tracker.h"
#include "engine/hl7v2/mllp_framer.h"

namespace lienthong::testing {
namespace {

using adapters::mllp::FrameHeadTracker;

TEST_CASE("frame head tracker: heads of frames in and across chunks", "[mllp][head]") {
  const std::string stream = "xx\x0B" "MSH|first\r" + std::string(100, 'a') + "\x1C\r\x0B" "MSH|second\rmore";
  const std::size_t first = 2;
  const std::size_t second = stream.find('\x0B', first + 1);
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, stream.size()}) {
    CAPTURE(piece);
    FrameHeadTracker tracker;
    std::string seen_first;
    std::string seen_second;
    std::string buffer;  // reused like a socket read buffer
    for (std::size_t i = 0; i < stream.size(); i += piece) {
      buffer.assign(stream.substr(i, piece));
      tracker.begin_chunk(buffer);
      seen_first = std::string(tracker.head_of(first)).substr(0, 10);
      if (i + piece > second) seen_second = std::string(tracker.head_of(second));
      if (i + piece > first + 12 && i + piece <= second) CHECK(seen_first == "MSH|first\r");
    }
    CHECK(seen_second == "MSH|second\rmore");
    if (piece == 1) CHECK(tracker.head_of(first).empty());  // no longer current
  }
}

TEST_CASE("frame head tracker: the head is capped", "[mllp][head]") {
  FrameHeadTracker tracker;
  const std::string big = "\x0B" + std::string(3 * FrameHeadTracker::kHeadBytes, 'b');
  std::string buffer;
  for (std::size_t i = 0; i < big.size(); i += 1000) {
    buffer.assign(big.substr(i, 1000));
    tracker.begin_chunk(buffer);
  }
  CHECK(tracker.head_of(0).size() == FrameHeadTracker::kHeadBytes);
}

}  // namespace
}  // namespace lienthong::testing
