#include "engine/hl7v2/message.h"

#include <cassert>
#include <cstring>

#include "engine/hl7v2/scan.h"

namespace lienthong::hl7v2 {

std::string_view Segment::id() const {
  std::size_t n = raw_.find(syntax_.delimiters.field);
  return n == std::string_view::npos ? raw_ : raw_.substr(0, n);
}

Element Segment::field(std::size_t n) const {
  const char sep = syntax_.delimiters.field;
  const bool msh = raw_.size() >= 3 && raw_.substr(0, 3) == "MSH";
  if (n == 0) return Element(id(), syntax_, Level::kOpaque);
  if (msh) {
    if (n == 1) return Element(raw_.size() > 3 ? raw_.substr(3, 1) : std::string_view(), syntax_, Level::kOpaque);
    // MSH-2 is the first field after the id; MSH-n for n >= 3 is the (n-1)-th.
    --n;
  }
  const char* end = raw_.data() + raw_.size();
  const char* p = scan::after_nth(raw_.data(), end, sep, n);
  if (p == nullptr) return Element(std::string_view(), syntax_, Level::kField);
  const char* stop = scan::find(p, end, sep);
  std::string_view value(p, static_cast<std::size_t>(stop - p));
  return Element(value, syntax_, msh && n == 1 ? Level::kOpaque : Level::kField);
}

std::size_t Segment::field_count() const {
  const std::size_t separators = scan::count(raw_.data(), raw_.data() + raw_.size(), syntax_.delimiters.field);
  const bool msh = raw_.size() >= 3 && raw_.substr(0, 3) == "MSH";
  return msh ? separators + 1 : separators;
}

Message::Message(Message&& other) noexcept { *this = std::move(other); }

Message& Message::operator=(Message&& other) noexcept {
  if (this == &other) return *this;
  // The text views other.owned_ exactly when it has the same address and size.
  const bool owned = other.text_.data() == other.owned_.data() && !other.owned_.empty();
  owned_ = std::move(other.owned_);
  text_ = owned ? std::string_view(owned_) : other.text_;
  syntax_ = other.syntax_;
  segments_ = std::move(other.segments_);
  other.text_ = {};
  return *this;
}

Message::Message(const Message& other)
    : owned_(other.owned_), syntax_(other.syntax_), segments_(other.segments_) {
  const bool owned = other.text_.data() == other.owned_.data() && !other.owned_.empty();
  text_ = owned ? std::string_view(owned_) : other.text_;
}

Message& Message::operator=(const Message& other) {
  if (this != &other) *this = Message(other);
  return *this;
}

Segment Message::segment(std::size_t index) const {
  assert(index < segments_.size());
  const SegmentSpan& s = segments_[index];
  return Segment(text_.substr(s.begin, s.end - s.begin), syntax_);
}

std::optional<Segment> Message::find(std::string_view id, std::size_t occurrence) const {
  if (occurrence == 0) return std::nullopt;
  for (const SegmentSpan& s : segments_) {
    std::string_view raw = text_.substr(s.begin, s.end - s.begin);
    if (raw.size() >= id.size() && raw.substr(0, id.size()) == id &&
        (raw.size() == id.size() || raw[id.size()] == syntax_.delimiters.field)) {
      if (--occurrence == 0) return Segment(raw, syntax_);
    }
  }
  return std::nullopt;
}

std::string_view Message::control_id() const {
  return segments_.empty() ? std::string_view() : msh().field(10).raw();
}
std::string_view Message::message_code() const {
  return segments_.empty() ? std::string_view() : msh().field(9).component(1).raw();
}
std::string_view Message::trigger_event() const {
  return segments_.empty() ? std::string_view() : msh().field(9).component(2).raw();
}
std::string_view Message::message_structure() const {
  return segments_.empty() ? std::string_view() : msh().field(9).component(3).raw();
}
std::string_view Message::version() const {
  return segments_.empty() ? std::string_view() : msh().field(12).component(1).raw();
}

}  // namespace lienthong::hl7v2
