// RunState: everything one run of a plan on one message changes (docs/mapping.md
// MAP-4): the binding slots, the current span of segments, the output
// document's memory pool, warnings, the rejection, and (with explain) the input
// paths read for the value being written. The plan stays untouched, so runs on
// different threads share it freely.
//
// Thread-safety: one RunState per run, used by one thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "engine/base/result.h"
#include "engine/hl7v2/message.h"
#include "engine/mapping/fhir_time.h"
#include "engine/mapping/include_memo.h"
#include "engine/mapping/json_text.h"
#include "engine/mapping/text_table.h"
#include "engine/mapping/value.h"

namespace lienthong::mapping {

struct SourceRef;

using JsonAllocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;

// Memory the runs of one thread reuse (a run never starts inside another on
// the same thread), so that a run, once the thread has run a few, allocates
// little more than its output: segment ids, binding slots, text buffers, the
// output buffer, and the first block of the run's pool, grown to the largest
// run seen.
struct RunBuffers {
  // Where a segment's field separators are: built the first time a field of
  // the segment is read (`separators` null until then).
  struct Fields {
    const std::uint32_t* separators = nullptr;
    std::uint32_t count = 0;
  };

  std::vector<std::uint32_t> ids;
  std::vector<std::string_view> raws;
  std::vector<Fields> fields;
  std::vector<Value> slot_values;
  std::string text;           // RunState::text_buffer
  std::string scratch;        // decoded element text being written
  std::string template_text;  // a template's text being bound
  JsonBuffer out;
  IncludeMemo includes;       // reset by each run
  std::vector<Value> constants;              // run constants, by slot (run_constants.h)
  std::vector<std::uint8_t> constant_known;  // whether the slot holds its value yet
  std::unique_ptr<char[]> pool;
  std::size_t pool_size = 0;

  // The calling thread's buffers.
  static RunBuffers& of_this_thread();
};

class RunState {
 public:
  RunState(const hl7v2::Message& message, std::uint32_t slot_count, const TimeZone& zone, JsonAllocator& allocator,
           bool explain, RunBuffers& buffers);
  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;

  const hl7v2::Message& message() const { return message_; }
  const TimeZone& zone() const { return zone_; }
  JsonAllocator& allocator() { return allocator_; }

  // Segments, by position: the packed id (plan_nodes.h pack_segment_id).
  std::size_t segment_count() const { return ids_.size(); }
  std::uint32_t segment_id(std::size_t index) const { return ids_[index]; }
  // Segment `index` (message().segment(index), without the call).
  hl7v2::Segment segment(std::size_t index) const { return hl7v2::Segment(buffers_.raws[index], message_.syntax()); }
  // Field n of segment `index`, as hl7v2::Segment::field gives it, without
  // scanning the segment again for each field (paths read many fields of few segments).
  hl7v2::Element field(std::size_t index, std::size_t n);

  // The current span: segments [begin, end) (MAP-4.2, 4.3).
  std::size_t span_begin = 0;
  std::size_t span_end = 0;

  std::vector<Value>& slots;

  // Run constant `slot` (run_constants.h) when this run has computed it, else null.
  const Value* constant(std::uint32_t slot) const {
    return buffers_.constant_known[slot] != 0 ? &buffers_.constants[slot] : nullptr;
  }
  void set_constant(std::uint32_t slot, const Value& v) {
    buffers_.constants[slot] = v;
    buffers_.constant_known[slot] = 1;
  }
  // Forgets the run constants of an earlier run: `count` slots, none known.
  void reset_constants(std::size_t count) {
    buffers_.constants.resize(count);
    buffers_.constant_known.assign(count, 0);
  }

  // What country() gives when MSH-17 is empty (RunOptions::country); it
  // views the options, which outlive the run.
  std::string_view default_country;

  // The skeleton node being evaluated: named by rejections and warnings.
  const SourceRef* where = nullptr;

  // Text of a value (MAP-3.6), noting the input elements it came from.
  std::string_view text(const Value& v, std::string& scratch) {
    note(v);
    return text_of(v, scratch);
  }
  // Records the input elements of `v` for the current explain record.
  void note(const Value& v) {
    if (collecting_) note_slow(v);
  }

  // Stops the run: required()/error() (MAP-5).
  void reject(std::string reason);
  bool rejected() const { return rejection_.has_value(); }
  const std::optional<Error>& rejection() const { return rejection_; }

  // A warning about the input at the current node (MAP-7.4), naming `input` if known.
  void warn(const ElementRef* input, const std::string& what);
  std::vector<std::string>& warnings() { return warnings_; }

  // Explain: inputs noted between start_inputs() and take_inputs().
  bool explain() const { return explain_; }
  void start_inputs() {
    inputs_.clear();
    collecting_ = explain_;
  }
  std::vector<std::string> take_inputs() {
    collecting_ = false;
    return std::move(inputs_);
  }

  // "OBX[3]-5", "PID-3[2].1": the path of an element with the occurrences used.
  std::string element_path(const ElementRef& ref) const;

  // Keeps a JSON value alive for the rest of the run (pool memory, never freed early).
  const rapidjson::Value* keep(rapidjson::Value&& v);

  // A copy of `text` in the run's pool, alive for the run.
  std::string_view store(std::string_view text) {
    if (text.empty()) return {};
    char* copy = static_cast<char*>(allocator_.Malloc(text.size()));
    std::memcpy(copy, text.data(), text.size());
    return std::string_view(copy, text.size());
  }
  // A text value of `text`, copied into the pool.
  Value text_value(std::string_view text) { return Value::text(store(text)); }
  // A text value of `text` as text_of() gave it: copied only when it is in
  // `scratch` (anything else it points at lives for the run), empty when empty.
  Value kept_text(std::string_view text, const std::string& scratch) {
    if (text.empty()) return Value();
    const std::less<const char*> before;  // a total order, even between unrelated buffers
    const bool in_scratch = !before(text.data(), scratch.data()) && before(text.data(), scratch.data() + scratch.size());
    return Value::text(in_scratch ? store(text) : text);
  }
  // A buffer to build a text in (concat, join, uuid names), emptied: valid
  // until the next call, so nothing that evaluates may run while it is used.
  std::string& text_buffer() {
    buffers_.text.clear();
    return buffers_.text;
  }
  RunBuffers& buffers() { return buffers_; }
  // Memory for `n` values, alive for the run.
  Value* values(std::size_t n) { return static_cast<Value*>(allocator_.Malloc(n * sizeof(Value))); }

  // The ids uuid() has computed in this run, by name (MAP-8): a mapping asks
  // for the same ids many times (a reference and the entry it points at).
  TextTable& uuids() { return uuids_; }

  // The JSON document of a mapping whose input is JSON (MAP-11), else null.
  const rapidjson::Value* json_input() const { return json_input_; }
  void set_json_input(const rapidjson::Value* input) { json_input_ = input; }

 private:
  void note_slow(const Value& v);
  const RunBuffers::Fields& fields_of(std::size_t index);

  const hl7v2::Message& message_;
  const TimeZone& zone_;
  JsonAllocator& allocator_;
  RunBuffers& buffers_;
  std::vector<std::uint32_t>& ids_;
  std::optional<Error> rejection_;
  std::vector<std::string> warnings_;
  std::vector<std::string> inputs_;
  TextTable uuids_;
  const rapidjson::Value* json_input_ = nullptr;
  bool explain_ = false;
  bool collecting_ = false;
};

// Collects the items of a list value: the first few on the stack, then in
// the run's pool; finish() makes the value (one pool allocation).
class ListBuilder {
 public:
  explicit ListBuilder(RunState& run) : run_(run), items_(inline_) {}
  ListBuilder(const ListBuilder&) = delete;
  ListBuilder& operator=(const ListBuilder&) = delete;

  void push(const Value& v) {
    if (size_ == capacity_) grow();
    items_[size_++] = v;
  }
  // Room for the next item, to build it in place (`new (&builder.next()) Value(...)`).
  Value& next() {
    if (size_ == capacity_) grow();
    return items_[size_++];
  }
  std::size_t size() const { return size_; }
  Value finish() {
    if (items_ == inline_ && size_ > 0) {
      Value* kept = run_.values(size_);
      std::copy(inline_, inline_ + size_, kept);
      items_ = kept;
    }
    return Value::list(std::span<const Value>(items_, size_));
  }

 private:
  void grow() {
    const std::size_t capacity = capacity_ * 2;
    Value* bigger = run_.values(capacity);
    std::copy(items_, items_ + size_, bigger);
    items_ = bigger;
    capacity_ = capacity;
  }

  static constexpr std::size_t kInline = 8;
  RunState& run_;
  Value inline_[kInline];
  Value* items_;
  std::size_t size_ = 0;
  std::size_t capacity_ = kInline;
};

}  // namespace lienthong::mapping
