// Fuzz target for the MLLP framer (engine/hl7v2/mllp_framer.h), the first code
// that touches bytes from the network. Contracts checked:
// - every split of one stream into reads gives the same frames, oversize and
//   incomplete reports (discarded runs may be reported in pieces: they are compared
//   once joined);
// - a frame is what lies between its 0x0B and the first 0x1C after it (with or
//   without a 0x0D), holds neither byte, and is never larger than the limit;
// - split_mllp (whole files), when it accepts the bytes, finds the same frames;
// - a payload wrapped with mllp_wrap comes back unchanged.
// Input: byte 0 picks the frame limit (1..256), byte 1 the read sizes; the rest
// is the stream.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hl7v2/mllp_framer.h"
#include "fuzz/fuzz_require.h"

namespace {

using lienthong::hl7v2::MllpEvent;
using lienthong::hl7v2::MllpFramer;

std::vector<MllpEvent> events_of(std::string_view stream, std::size_t limit, std::uint8_t split_seed) {
  MllpFramer framer(limit);
  std::vector<MllpEvent> out;
  std::size_t at = 0;
  std::uint32_t state = split_seed | 1u;
  while (at < stream.size()) {
    // Read sizes from 1 to 16 bytes, from a small xorshift driven by the seed.
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    const std::size_t n = split_seed == 0 ? stream.size() : 1 + state % 16;
    framer.feed(stream.substr(at, n));
    at += std::min(n, stream.size() - at);
    while (auto e = framer.next()) out.push_back(std::move(*e));
  }
  framer.finish();
  while (auto e = framer.next()) out.push_back(std::move(*e));
  FUZZ_REQUIRE(framer.position() == stream.size());
  return out;
}

// Adjacent discarded runs joined into one, so reads that cut a run compare equal.
std::vector<MllpEvent> joined(std::vector<MllpEvent> events) {
  std::vector<MllpEvent> out;
  for (auto& e : events) {
    if (e.kind == MllpEvent::Kind::kDiscarded && !out.empty() && out.back().kind == MllpEvent::Kind::kDiscarded &&
        out.back().offset + out.back().size == e.offset) {
      out.back().size += e.size;
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

bool same(const MllpEvent& a, const MllpEvent& b) {
  return a.kind == b.kind && a.payload == b.payload && a.size == b.size && a.offset == b.offset;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t limit = 1 + data[0];
  const std::uint8_t seed = data[1];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const std::vector<MllpEvent> whole = joined(events_of(stream, limit, 0));
  const std::vector<MllpEvent> pieces = joined(events_of(stream, limit, seed));
  FUZZ_REQUIRE(whole.size() == pieces.size());
  for (std::size_t i = 0; i < whole.size(); ++i) FUZZ_REQUIRE(same(whole[i], pieces[i]));

  std::vector<std::string> frames;
  for (const MllpEvent& e : whole) {
    FUZZ_REQUIRE(e.offset <= stream.size());
    if (e.kind != MllpEvent::Kind::kFrame) continue;
    FUZZ_REQUIRE(e.payload.size() == e.size);
    FUZZ_REQUIRE(e.size <= limit);
    FUZZ_REQUIRE(stream[e.offset] == lienthong::hl7v2::kMllpStart);
    FUZZ_REQUIRE(stream.substr(e.offset + 1, e.size) == e.payload);
    const std::size_t end = e.offset + 1 + e.size;
    FUZZ_REQUIRE(end < stream.size() && stream[end] == lienthong::hl7v2::kMllpEnd);
    // The first 0x1C ends the frame: the payload holds no framing byte.
    FUZZ_REQUIRE(e.payload.find(lienthong::hl7v2::kMllpEnd) == std::string::npos);
    FUZZ_REQUIRE(e.payload.find(lienthong::hl7v2::kMllpStart) == std::string::npos);
    frames.push_back(e.payload);
  }

  auto file = lienthong::hl7v2::split_mllp(stream, limit);
  if (file.ok()) {
    FUZZ_REQUIRE(file->size() == frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) FUZZ_REQUIRE((*file)[i].payload == frames[i]);
  }

  // A payload without framing bytes inside survives a wrap and a deframe.
  if (stream.size() <= limit && stream.find(lienthong::hl7v2::kMllpStart) == std::string_view::npos &&
      stream.find(lienthong::hl7v2::kMllpEnd) == std::string_view::npos) {
    const std::vector<MllpEvent> back = events_of(lienthong::hl7v2::mllp_wrap(stream), limit, seed);
    FUZZ_REQUIRE(back.size() == 1 && back[0].kind == MllpEvent::Kind::kFrame && back[0].payload == stream);
  }
  return 0;
}
