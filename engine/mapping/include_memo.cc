#include "engine/mapping/include_memo.h"

namespace lienthong::mapping {

void IncludeMemo::reset(std::size_t files) {
  heads_.assign(files, kNone);
  entries_.clear();
  parameters_.clear();
}

const Value* IncludeMemo::find(std::uint32_t file, const IncludeReads& reads, std::size_t span_begin,
                               std::size_t span_end, std::span<const Value> parameters) const {
  if (file >= heads_.size()) return nullptr;
  if (!reads.span) span_begin = span_end = 0;
  for (std::uint32_t i = heads_[file]; i != kNone; i = entries_[i].next) {
    const Entry& e = entries_[i];
    if (e.span_begin != span_begin || e.span_end != span_end) continue;
    // A value that may hold elements carries their places, which the caller may
    // read (segment_index of what the file returned): then places count.
    const bool by_content =
        !reads.position && e.result.kind() != ValueKind::kElement && e.result.kind() != ValueKind::kList;
    bool same = true;
    for (std::size_t p = 0; same && p < parameters.size(); ++p) {
      same = identical(parameters_[e.first_parameter + p], parameters[p], by_content);
    }
    if (same) return &e.result;
  }
  return nullptr;
}

void IncludeMemo::add(std::uint32_t file, const IncludeReads& reads, std::size_t span_begin, std::size_t span_end,
                      std::span<const Value> parameters, const Value& result) {
  if (file >= heads_.size()) return;
  if (!reads.span) span_begin = span_end = 0;
  Entry e;
  e.next = heads_[file];
  e.first_parameter = static_cast<std::uint32_t>(parameters_.size());
  e.span_begin = static_cast<std::uint32_t>(span_begin);
  e.span_end = static_cast<std::uint32_t>(span_end);
  e.result = result;
  parameters_.insert(parameters_.end(), parameters.begin(), parameters.end());
  heads_[file] = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back(e);
}

bool identical(const Value& a, const Value& b, bool by_content) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kEmpty:
      return true;
    case ValueKind::kBool:
      return a.as_bool() == b.as_bool();
    case ValueKind::kNumber:
      return a.as_number().value == b.as_number().value && a.as_number().integer == b.as_number().integer;
    case ValueKind::kText:
      return a.as_text() == b.as_text();
    case ValueKind::kElement: {
      const ElementRef& x = a.as_element();
      const ElementRef& y = b.as_element();
      if (by_content && !x.is_segment() && !y.is_segment()) {
        return x.element.level() == y.element.level() && x.element.raw() == y.element.raw();
      }
      return x.element.raw().data() == y.element.raw().data() && x.element.raw().size() == y.element.raw().size() &&
             x.element.level() == y.element.level() &&
             x.segment == y.segment && x.field == y.field && x.repetition == y.repetition &&
             x.component == y.component && x.subcomponent == y.subcomponent;
    }
    case ValueKind::kList:
      return a.as_list().data() == b.as_list().data() && a.as_list().size() == b.as_list().size();
    case ValueKind::kJson:
      return &a.as_json() == &b.as_json();
  }
  return false;
}

}  // namespace lienthong::mapping
