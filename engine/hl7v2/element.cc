#include "engine/hl7v2/element.h"

#include <cstring>

#include "engine/charset/charset.h"
#include "engine/hl7v2/escape.h"
#include "engine/hl7v2/scan.h"

namespace lienthong::hl7v2 {
namespace {

bool contains(std::string_view s, char c) {
  return c != '\0' && !s.empty() && std::memchr(s.data(), c, s.size()) != nullptr;
}

}  // namespace

bool Element::is_composite() const {
  const Delimiters& d = syntax_.delimiters;
  switch (level_) {
    case Level::kField:
      return contains(raw_, d.repetition) || contains(raw_, d.component) ||
             contains(raw_, d.subcomponent);
    case Level::kRepetition:
      return contains(raw_, d.component) || contains(raw_, d.subcomponent);
    case Level::kComponent:
      return contains(raw_, d.subcomponent);
    case Level::kSubcomponent:
    case Level::kOpaque:
      return false;
  }
  return false;
}

Element Element::child(char delimiter, Level child_level, std::size_t n) const {
  if (n == 0) return Element(std::string_view(), syntax_, child_level);
  if (delimiter == '\0') {
    return Element(n == 1 ? raw_ : std::string_view(), syntax_, child_level);
  }
  const char* end = raw_.data() + raw_.size();
  const char* p = scan::after_nth(raw_.data(), end, delimiter, n - 1);
  if (p == nullptr) return Element(std::string_view(), syntax_, child_level);
  const char* stop = scan::find(p, end, delimiter);
  return Element(std::string_view(p, static_cast<std::size_t>(stop - p)), syntax_, child_level);
}

std::size_t Element::count(char delimiter) const {
  if (delimiter == '\0') return 1;
  return 1 + scan::count(raw_.data(), raw_.data() + raw_.size(), delimiter);
}

Element Element::repetition(std::size_t n) const {
  if (level_ == Level::kField) return child(syntax_.delimiters.repetition, Level::kRepetition, n);
  return n == 1 ? *this : Element(std::string_view(), syntax_, level_);
}

Element Element::component(std::size_t n) const {
  switch (level_) {
    case Level::kField:
      return repetition(1).component(n);
    case Level::kRepetition:
      return child(syntax_.delimiters.component, Level::kComponent, n);
    default:
      return n == 1 ? *this : Element(std::string_view(), syntax_, level_);
  }
}

Element Element::subcomponent(std::size_t n) const {
  switch (level_) {
    case Level::kField:
    case Level::kRepetition:
      return component(1).subcomponent(n);
    case Level::kComponent:
      return child(syntax_.delimiters.subcomponent, Level::kSubcomponent, n);
    default:
      return n == 1 ? *this : Element(std::string_view(), syntax_, level_);
  }
}

std::size_t Element::repetition_count() const {
  return level_ == Level::kField ? count(syntax_.delimiters.repetition) : 1;
}

std::size_t Element::component_count() const {
  switch (level_) {
    case Level::kField:
      return repetition(1).component_count();
    case Level::kRepetition:
      return count(syntax_.delimiters.component);
    default:
      return 1;
  }
}

std::size_t Element::subcomponent_count() const {
  switch (level_) {
    case Level::kField:
    case Level::kRepetition:
      return component(1).subcomponent_count();
    case Level::kComponent:
      return count(syntax_.delimiters.subcomponent);
    default:
      return 1;
  }
}

std::string_view Element::text(std::string& scratch) const {
  if (level_ == Level::kOpaque) return raw_;
  // One pass over the value decides everything: composite (return as is),
  // escaped (decode) or non-ASCII (may need NFC). Values are short, so a byte
  // loop beats several memchr calls. An absent delimiter is -1, which no byte equals.
  const Delimiters& d = syntax_.delimiters;
  auto code = [](char c) { return c == '\0' ? -1 : static_cast<int>(static_cast<unsigned char>(c)); };
  const int rep = level_ == Level::kField ? code(d.repetition) : -1;
  const int comp = level_ == Level::kField || level_ == Level::kRepetition ? code(d.component) : -1;
  const int sub = level_ == Level::kSubcomponent ? -1 : code(d.subcomponent);
  const int esc = code(d.escape);
  bool escaped = false;
  bool high = false;
  for (char ch : raw_) {
    const int c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      high = true;
    } else if (c == rep || c == comp || c == sub) {
      return raw_;
    } else if (c == esc) {
      escaped = true;
    }
  }
  if (escaped) {
    scratch.clear();
    unescape(raw_, syntax_, scratch);
    return scratch;
  }
  if (high && charset::may_need_nfc(raw_)) {
    scratch = charset::to_nfc(raw_);
    return scratch;
  }
  return raw_;
}

std::string Element::text() const {
  std::string scratch;
  std::string_view v = text(scratch);
  if (v.data() == scratch.data()) return scratch;
  return std::string(v);
}

}  // namespace lienthong::hl7v2
