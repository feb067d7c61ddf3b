#include "engine/mapping/run_state.h"

#include <algorithm>
#include <new>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/hl7v2/scan.h"
#include "engine/mapping/plan_nodes.h"

namespace lienthong::mapping {

RunBuffers& RunBuffers::of_this_thread() {
  thread_local RunBuffers buffers;
  return buffers;
}

RunState::RunState(const hl7v2::Message& message, std::uint32_t slot_count, const TimeZone& zone,
                   JsonAllocator& allocator, bool explain, RunBuffers& buffers)
    : slots(buffers.slot_values),
      message_(message),
      zone_(zone),
      allocator_(allocator),
      buffers_(buffers),
      ids_(buffers.ids),
      uuids_(allocator),
      explain_(explain) {
  ids_.resize(message.segment_count());
  buffers.raws.resize(ids_.size());
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    const std::string_view raw = message.segment(i).raw();
    buffers.raws[i] = raw;
    // Ids are exactly three characters (the parser checks); anything else never matches.
    ids_[i] = raw.size() >= 3 && (raw.size() == 3 || raw[3] == message.delimiters().field)
                  ? pack_segment_id(raw.data())
                  : 0;
  }
  span_end = ids_.size();
  slots.assign(slot_count, Value());
  buffers.fields.assign(ids_.size(), RunBuffers::Fields{});
}

const RunBuffers::Fields& RunState::fields_of(std::size_t index) {
  RunBuffers::Fields& f = buffers_.fields[index];
  if (f.separators != nullptr) return f;
  const hl7v2::Segment segment = this->segment(index);
  const std::string_view raw = segment.raw();
  const char sep = segment.syntax().delimiters.field;
  // One pass into a buffer on the stack, then the exact number into the pool.
  constexpr std::size_t kMost = 512;
  std::uint32_t found[kMost + 16];
  std::size_t n = 0, i = 0;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(sep);
  for (; i + 16 <= raw.size() && n < kMost; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(raw.data() + i));
    for (auto bits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, needle))); bits != 0; bits &= bits - 1) {
      found[n++] = static_cast<std::uint32_t>(i + static_cast<std::size_t>(__builtin_ctz(bits)));
    }
  }
#endif
  for (; i < raw.size() && n < kMost; ++i) {
    if (raw[i] == sep) found[n++] = static_cast<std::uint32_t>(i);
  }
  if (n > kMost) n = kMost;
  const std::size_t all = n < kMost ? n : hl7v2::scan::count(raw.data(), raw.data() + raw.size(), sep);
  auto* positions = static_cast<std::uint32_t*>(allocator_.Malloc((all + 1) * sizeof(std::uint32_t)));
  std::copy(found, found + n, positions);
  for (std::size_t i = n == 0 ? 0 : found[n - 1] + 1; n < all; ++i) {
    if (raw[i] == sep) positions[n++] = static_cast<std::uint32_t>(i);
  }
  f.separators = positions;
  f.count = static_cast<std::uint32_t>(all);
  return f;
}

hl7v2::Element RunState::field(std::size_t index, std::size_t n) {
  using hl7v2::Element;
  using hl7v2::Level;
  const hl7v2::Segment segment = this->segment(index);
  const std::string_view raw = segment.raw();
  if (n == 0) return segment.field(0);
  // MSH-1 is the field separator itself; MSH-n (n >= 2) is the (n-1)-th field after the id.
  const bool msh = raw.size() >= 3 && raw.substr(0, 3) == "MSH";
  if (msh) {
    if (n == 1) return Element(raw.size() > 3 ? raw.substr(3, 1) : std::string_view(), segment.syntax(), Level::kOpaque);
    --n;
  }
  const RunBuffers::Fields& f = fields_of(index);
  if (n > f.count) return Element(std::string_view(), segment.syntax(), Level::kField);
  const std::size_t start = f.separators[n - 1] + 1;
  const std::size_t stop = n < f.count ? f.separators[n] : raw.size();
  return Element(raw.substr(start, stop - start), segment.syntax(), msh && n == 1 ? Level::kOpaque : Level::kField);
}

void RunState::reject(std::string reason) {
  if (rejection_) return;
  // MAP-5: an AE never carries a blank reason.
  if (reason.empty()) reason = "rejected by the mapping (no reason given)";
  rejection_ = Error{std::move(reason), where != nullptr ? where->where() : std::string()};
}

void RunState::warn(const ElementRef* input, const std::string& what) {
  std::string line = where != nullptr ? where->where() + ": " : std::string();
  if (input != nullptr) line += element_path(*input) + ": ";
  line += what;
  warnings_.push_back(std::move(line));
}

std::string RunState::element_path(const ElementRef& ref) const {
  std::string s;
  if (ref.segment >= ids_.size()) return s;
  const std::uint32_t id = ids_[ref.segment];
  s.push_back(static_cast<char>(id >> 16));
  s.push_back(static_cast<char>((id >> 8) & 0xFF));
  s.push_back(static_cast<char>(id & 0xFF));
  const std::size_t occurrence =
      1 + static_cast<std::size_t>(std::count(ids_.begin(), ids_.begin() + ref.segment, id));
  if (occurrence > 1) s += "[" + std::to_string(occurrence) + "]";
  if (ref.field == 0) return s;
  s += "-" + std::to_string(ref.field);
  if (ref.repetition > 1) s += "[" + std::to_string(ref.repetition) + "]";
  if (ref.component != 0) {
    s += "." + std::to_string(ref.component);
    if (ref.subcomponent != 0) s += "." + std::to_string(ref.subcomponent);
  }
  return s;
}

const rapidjson::Value* RunState::keep(rapidjson::Value&& v) {
  void* memory = allocator_.Malloc(sizeof(rapidjson::Value));
  return new (memory) rapidjson::Value(std::move(v));
}

void RunState::note_slow(const Value& v) {
  if (v.kind() == ValueKind::kList) {
    for (const Value& item : v.as_list()) note_slow(item);
    return;
  }
  if (v.kind() != ValueKind::kElement) return;
  std::string path = element_path(v.as_element());
  if (std::find(inputs_.begin(), inputs_.end(), path) == inputs_.end()) inputs_.push_back(std::move(path));
}

}  // namespace lienthong::mapping
