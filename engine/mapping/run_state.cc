#include "engine/mapping/run_state.h"

#include <algorithm>
#include <new>

#include "engine/mapping/plan_nodes.h"

namespace lienthong::mapping {

RunState::RunState(const hl7v2::Message& message, std::uint32_t slot_count, const TimeZone& zone,
                   JsonAllocator& allocator, bool explain)
    : message_(message), zone_(zone), allocator_(allocator), uuids_(allocator), explain_(explain) {
  ids_.resize(message.segment_count());
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    std::string_view raw = message.segment(i).raw();
    // Ids are exactly three characters (the parser checks); anything else never matches.
    ids_[i] = raw.size() >= 3 && (raw.size() == 3 || raw[3] == message.delimiters().field)
                  ? pack_segment_id(raw.data())
                  : 0;
  }
  span_end = ids_.size();
  slots.resize(slot_count);
}

void RunState::reject(std::string reason) {
  if (rejection_) return;
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
