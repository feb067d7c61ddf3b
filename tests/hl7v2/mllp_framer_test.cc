#include "engine/hl7v2/mllp_framer.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/hl7v2/scan.h"
#include "tests/support/files.h"

using namespace lienthong::hl7v2;
using Kind = MllpEvent::Kind;

namespace {

std::vector<MllpEvent> drain(MllpFramer& f) {
  std::vector<MllpEvent> out;
  while (auto e = f.next()) out.push_back(std::move(*e));
  return out;
}

// Feeds `bytes` in chunks of `step` bytes (0: all at once), then finish().
std::vector<MllpEvent> run(std::string_view bytes, std::size_t step = 0, std::size_t max = 1 << 20) {
  MllpFramer f(max);
  if (step == 0) {
    f.feed(bytes);
  } else {
    for (std::size_t i = 0; i < bytes.size(); i += step) f.feed(bytes.substr(i, step));
  }
  f.finish();
  return drain(f);
}

const std::string kMsg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||111\r";

}  // namespace

TEST_CASE("mllp: wrap and deframe round trip, under every split", "[mllp]") {
  std::string wire = mllp_wrap(kMsg) + mllp_wrap("second");
  CHECK(wire.front() == '\x0B');
  CHECK(wire.substr(wire.size() - 2) == "\x1C\x0D");
  for (std::size_t step : {0, 1, 2, 3, 7, 64}) {
    INFO("step " << step);
    auto events = run(wire, step);
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == Kind::kFrame);
    CHECK(events[0].payload == kMsg);
    CHECK(events[0].offset == 0);
    CHECK(events[1].payload == "second");
    CHECK(events[1].offset == kMsg.size() + 3);
  }
}

TEST_CASE("mllp: a frame is available as soon as its 0x1C arrives", "[mllp]") {
  MllpFramer f;
  f.feed("\x0B" "abc");
  CHECK_FALSE(f.next().has_value());
  CHECK(f.in_frame());
  // A sender that ends with 0x1C and waits for the answer before sending its
  // 0x0D (or never sends one) must get the answer.
  f.feed("\x1C");
  auto e = f.next();
  REQUIRE(e.has_value());
  CHECK(e->payload == "abc");
  CHECK_FALSE(f.in_frame());
  f.feed("\x0D");
  CHECK_FALSE(f.next().has_value());  // the late 0x0D is whitespace between frames
  CHECK(f.position() == 6);
}

TEST_CASE("mllp: 0x1C ends a frame with or without its 0x0D", "[mllp]") {
  // 0x1C 0x0B, 0x1C 0x0D 0x0A, 0x1C at the end of the stream: three frames, nothing discarded.
  for (std::size_t step : {0, 1, 2}) {
    INFO("step " << step);
    auto events = run(std::string("\x0B" "a\x1C" "\x0B" "b\x1C\x0D\x0A" "\x0B" "c\x1C"), step);
    REQUIRE(events.size() == 3);
    for (const auto& e : events) CHECK(e.kind == Kind::kFrame);
    CHECK(events[0].payload == "a");
    CHECK(events[1].payload == "b");
    CHECK(events[2].payload == "c");
  }
  // A 0x1C in the content (MLLP excludes it) ends the frame there; what
  // follows up to the next 0x0B is reported as discarded, never kept silently.
  auto events = run(std::string("\x0B" "a\x1C" "b\x1C\x0D"), 1);
  REQUIRE(events.size() == 2);
  CHECK(events[0].payload == "a");
  CHECK(events[1].kind == Kind::kDiscarded);
  CHECK(events[1].size == 2);  // "b" and the second 0x1C
}

TEST_CASE("mllp: bytes outside frames", "[mllp]") {
  SECTION("whitespace between frames is silent") {
    auto events = run("\r\n" + mllp_wrap("a") + "\n\r\n " + mllp_wrap("b") + "\n", 1);
    REQUIRE(events.size() == 2);
    CHECK(events[0].payload == "a");
    CHECK(events[1].payload == "b");
  }
  SECTION("other bytes are reported once per run, with their offset") {
    std::string wire = "xyz" + mllp_wrap("a") + "junk!" + mllp_wrap("b") + "tail";
    auto events = run(wire, 2);
    REQUIRE(events.size() == 5);
    CHECK(events[0].kind == Kind::kDiscarded);
    CHECK(events[0].size == 3);
    CHECK(events[0].offset == 0);
    CHECK(events[1].payload == "a");
    CHECK(events[2].kind == Kind::kDiscarded);
    CHECK(events[2].size == 5);
    CHECK(events[2].offset == 7);
    CHECK(events[3].payload == "b");
    CHECK(events[4].kind == Kind::kDiscarded);
    CHECK(events[4].size == 4);
  }
}

TEST_CASE("mllp: a new 0x0B inside a frame abandons the old frame", "[mllp]") {
  auto events = run("\x0B" "partial" + mllp_wrap("whole"));
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == Kind::kDiscarded);
  CHECK(events[0].size == 8);
  CHECK(events[0].offset == 0);
  CHECK(events[1].payload == "whole");
  CHECK(events[1].offset == 8);
}

TEST_CASE("mllp: oversize frames are reported once and skipped", "[mllp]") {
  std::string big(100, 'x');
  std::string wire = mllp_wrap(big) + mllp_wrap("ok") + mllp_wrap(std::string(10, 'y'));
  for (std::size_t step : {0, 1, 9}) {
    INFO("step " << step);
    auto events = run(wire, step, 10);
    REQUIRE(events.size() == 3);
    CHECK(events[0].kind == Kind::kTooLarge);
    CHECK(events[0].offset == 0);
    CHECK(events[0].size == 11);
    CHECK(events[1].payload == "ok");
    CHECK(events[2].kind == Kind::kFrame);  // exactly at the limit is fine
    CHECK(events[2].size == 10);
  }
}

TEST_CASE("mllp: oversize frame holding 0x1C bytes and a restart", "[mllp]") {
  std::string wire = std::string("\x0B") + std::string(20, 'x') + "\x1C" "zz" + "\x0B" "ok\x1C\x0D";
  auto events = run(wire, 1, 10);
  // The oversize frame ends at its 0x1C; "zz" after it is outside any frame.
  REQUIRE(events.size() == 3);
  CHECK(events[0].kind == Kind::kTooLarge);
  CHECK(events[1].kind == Kind::kDiscarded);
  CHECK(events[1].size == 2);
  CHECK(events[2].payload == "ok");
}

TEST_CASE("mllp: the stream ending mid-frame is reported as incomplete", "[mllp]") {
  auto events = run("\x0B" "abc");
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::kIncomplete);
  CHECK(events[0].size == 3);
}

TEST_CASE("mllp: looks_mllp_framed", "[mllp]") {
  CHECK(looks_mllp_framed(mllp_wrap(kMsg)));
  CHECK(looks_mllp_framed("\xEF\xBB\xBF\r\n\x0B" "MSH"));
  CHECK_FALSE(looks_mllp_framed(kMsg));
  CHECK_FALSE(looks_mllp_framed(""));
}

TEST_CASE("mllp: split_mllp on a corpus message file", "[mllp][corpus]") {
  std::string msg =
      lienthong::testing::read_file(lienthong::testing::corpus_dir() + "/python-hl7/sample_hl7.hl7");
  REQUIRE_FALSE(msg.empty());
  std::string file = mllp_wrap(msg) + "\n" + mllp_wrap(msg) + "\n";
  auto r = split_mllp(file);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].payload == msg);
  CHECK((*r)[1].offset == msg.size() + 4);

  auto garbage = split_mllp(mllp_wrap(msg) + "oops");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().where == "byte " + std::to_string(msg.size() + 3));

  auto cut = split_mllp(mllp_wrap(msg) + "\x0B" "MSH|");
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().message.find("no end") != std::string::npos);

  auto big = split_mllp(mllp_wrap(msg), 16);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().where == "byte 0");

  auto bom = split_mllp("\xEF\xBB\xBF" + mllp_wrap("x"));
  REQUIRE(bom.ok());
  CHECK((*bom)[0].offset == 3);
}

TEST_CASE("mllp: events do not depend on how the stream is split", "[mllp]") {
  std::uint32_t seed = 12345;
  auto rnd = [&seed]() {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFF;
  };
  const char alphabet[] = {'\x0B', '\x1C', '\x0D', '\n', 'a', 'b', ' '};
  for (int round = 0; round < 300; ++round) {
    std::string bytes;
    std::size_t n = rnd() % 64;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(alphabet[rnd() % sizeof alphabet]);
    auto whole = run(bytes, 0, 8);
    auto pieces = run(bytes, 1 + rnd() % 5, 8);
    INFO("round " << round);
    REQUIRE(whole.size() == pieces.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
      CHECK(whole[i].kind == pieces[i].kind);
      CHECK(whole[i].payload == pieces[i].payload);
      CHECK(whole[i].offset == pieces[i].offset);
      CHECK(whole[i].size == pieces[i].size);
    }
  }
}

TEST_CASE("scan: find_either finds the first of two bytes at every offset and length", "[mllp]") {
  for (std::size_t len = 0; len <= 40; ++len) {
    for (std::size_t at = 0; at <= len; ++at) {
      for (char hit : {'\x0B', '\x1C'}) {
        std::string s(len, 'x');
        if (at < len) s[at] = hit;
        if (at + 3 < len) s[at + 3] = hit == '\x0B' ? '\x1C' : '\x0B';  // the other one, later
        const char* p = scan::find_either(s.data(), s.data() + s.size(), '\x0B', '\x1C');
        CHECK(static_cast<std::size_t>(p - s.data()) == at);
      }
    }
  }
}
