// libFuzzer target: arbitrary bytes through the HL7 v2 parser and every
// accessor a reader of a message can reach. Besides "no crash, no leak, no UB,
// no hang", it checks the view contracts stated in element.h and message.h:
// children lie inside their parent, counts are at least 1, positions past the
// end are empty, and segments lie inside the message text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hl7v2/header.h"
#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"
#include "fuzz/fuzz_require.h"

#if __has_include("engine/hl7v2/batch.h")
#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/batch_ack.h"
#define LIENTHONG_FUZZ_HAS_BATCH 1
#endif

namespace {

using lienthong::hl7v2::Element;
using lienthong::hl7v2::Message;
using lienthong::hl7v2::ParseOptions;

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// Bounds the walk on inputs with pathological fan-out (every byte a delimiter);
// access is linear in the segment, so an unbounded walk is quadratic.
constexpr std::size_t kMaxChildren = 256;

std::size_t g_sink = 0;  // keeps results observable so nothing is optimised away

void touch(const Element& e, std::string& scratch) {
  std::string_view decoded = e.text(scratch);
  std::string owned = e.text();
  FUZZ_REQUIRE(decoded == owned);
  g_sink += decoded.size() + (e.is_null() ? 1 : 0);
}

template <class Count, class Child>
void walk_children(const Element& parent, Count count, Child child, std::string& scratch,
                   void (*next)(const Element&, std::string&)) {
  std::size_t n = count(parent);
  FUZZ_REQUIRE(n >= 1);
  std::size_t limit = n < kMaxChildren ? n : kMaxChildren;
  for (std::size_t i = 1; i <= limit; ++i) {
    Element c = child(parent, i);
    FUZZ_REQUIRE(inside(c.raw(), parent.raw()));
    touch(c, scratch);
    if (next != nullptr) next(c, scratch);
  }
  FUZZ_REQUIRE(child(parent, n + 1).empty());
}

void walk_component(const Element& component, std::string& scratch) {
  walk_children(
      component, [](const Element& e) { return e.subcomponent_count(); },
      [](const Element& e, std::size_t i) { return e.subcomponent(i); }, scratch, nullptr);
}

void walk_repetition(const Element& repetition, std::string& scratch) {
  walk_children(
      repetition, [](const Element& e) { return e.component_count(); },
      [](const Element& e, std::size_t i) { return e.component(i); }, scratch, walk_component);
}

void walk_field(const Element& field, std::string& scratch) {
  touch(field, scratch);
  if (field.level() == lienthong::hl7v2::Level::kOpaque) return;  // MSH-1, MSH-2: never split
  walk_children(
      field, [](const Element& e) { return e.repetition_count(); },
      [](const Element& e, std::size_t i) { return e.repetition(i); }, scratch, walk_repetition);
  // Terser convention: a field's component is its first repetition's.
  FUZZ_REQUIRE(field.component(1).raw() == field.repetition(1).component(1).raw());
}

void walk_message(const Message& message) {
  std::string scratch;
  const std::string_view text = message.text();
  for (std::size_t s = 0; s < message.segment_count(); ++s) {
    auto segment = message.segment(s);
    FUZZ_REQUIRE(inside(segment.raw(), text));
    g_sink += segment.id().size();
    std::size_t fields = segment.field_count();
    std::size_t limit = fields < kMaxChildren ? fields : kMaxChildren;
    for (std::size_t f = 1; f <= limit; ++f) {
      Element field = segment.field(f);
      FUZZ_REQUIRE(inside(field.raw(), segment.raw()));
      walk_field(field, scratch);
    }
    FUZZ_REQUIRE(segment.field(fields + 1).empty());
    if (segment.id().size() == 3) {
      auto found = message.find(segment.id());
      FUZZ_REQUIRE(found.has_value());
    }
  }
  g_sink += message.control_id().size() + message.message_code().size() +
            message.trigger_event().size() + message.message_structure().size() +
            message.version().size();
  auto header = lienthong::hl7v2::read_header(message);
  g_sink += header.control_id.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto header = lienthong::hl7v2::read_header(bytes);
  g_sink += header.found ? header.message_type.size() : 0;

  for (bool strict : {false, true}) {
    ParseOptions options;
    options.strict = strict;
    auto parsed = lienthong::hl7v2::parse_view(bytes, options);
    if (parsed.ok()) {
      walk_message(*parsed);
      // Copies and moves must re-point the views at the new owner's text.
      Message copy = *parsed;
      walk_message(copy);
      Message moved = std::move(copy);
      walk_message(moved);
    } else {
      const auto& error = parsed.error();
      FUZZ_REQUIRE(error.offset <= size);
      g_sink += error.to_string().size();
    }
  }

  auto owned = lienthong::hl7v2::parse(std::string(bytes));
  if (owned.ok()) walk_message(*owned);

#ifdef LIENTHONG_FUZZ_HAS_BATCH
  for (bool strict : {false, true}) {
    lienthong::hl7v2::BatchOptions options;
    options.strict = strict;
    auto batch = lienthong::hl7v2::split_batch(bytes, options);
    if (!batch.ok()) {
      FUZZ_REQUIRE(batch.error().offset <= size);
      continue;
    }
    std::size_t messages = 0;
    for (const auto& b : batch->batches) {
      FUZZ_REQUIRE(inside(b.header, bytes) && inside(b.trailer, bytes));
      for (std::string_view m : b.messages) {
        FUZZ_REQUIRE(inside(m, bytes));
        ++messages;
        if (!strict) {
          auto one = lienthong::hl7v2::parse_view(m);
          if (one.ok()) walk_message(*one);
        }
      }
    }
    FUZZ_REQUIRE(messages == batch->message_count());
    // The answer to it (ACK-7): one ACK per message, each inside the answer; a batch
    // answer splits back into as many messages as were answered.
    std::vector<std::string> acks(messages, std::string("MSH|^~\\&|A|B|C|D|20240101||ACK|X|P|2.5\rMSA|AA|1\r"));
    const std::string answer = lienthong::hl7v2::build_batch_ack(*batch, acks, "20240101000000+0700", "C1");
    g_sink += answer.size();
    if (lienthong::hl7v2::starts_with_envelope(answer)) {
      auto again = lienthong::hl7v2::split_batch(std::string_view(answer));
      if (again.ok()) FUZZ_REQUIRE(again->message_count() == messages);
    }
  }
#endif
  return 0;
}
