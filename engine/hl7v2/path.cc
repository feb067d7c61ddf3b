#include "engine/hl7v2/path.h"

#include "engine/hl7v2/message.h"

namespace lienthong::hl7v2 {
namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class PathReader {
 public:
  explicit PathReader(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  Error fail(std::string_view expected) const {
    std::string found = at_end() ? "the end" : "'" + std::string(1, text_[pos_]) + "'";
    return Error{"at " + std::to_string(pos_ + 1) + ": expected " + std::string(expected) + ", found " + found,
                 std::string(text_.substr(0, 64))};
  }
  // A positive decimal number below 100000 (HL7 positions are small).
  bool number(std::size_t& out) {
    std::size_t start = pos_;
    std::size_t v = 0;
    while (is_digit(peek()) && pos_ - start < 5) v = v * 10 + static_cast<std::size_t>(text_[pos_++] - '0');
    if (pos_ == start || v == 0 || is_digit(peek())) {
      pos_ = start;
      return false;
    }
    out = v;
    return true;
  }
  std::size_t pos_ = 0;

 private:
  std::string_view text_;
};

// "[n]" or "[*]"; returns false on malformed brackets (error reported by caller).
bool index(PathReader& r, std::size_t& out, bool& given) {
  if (!r.accept('[')) return true;
  given = true;
  if (r.accept('*')) {
    out = Path::kAll;
  } else if (!r.number(out)) {
    return false;
  }
  return r.accept(']');
}

}  // namespace

Result<Path> parse_path(std::string_view text) {
  PathReader r(text);
  Path p;
  for (int i = 0; i < 3; ++i) {
    char c = r.peek();
    if (!(is_upper(c) || (i > 0 && is_digit(c)))) return r.fail("a segment id such as PID");
    p.segment[i] = c;
    r.pos_++;
  }
  bool occurrence_given = false;
  if (!index(r, p.segment_occurrence, occurrence_given)) return r.fail("[n] or [*] after the segment id");
  if (r.at_end()) return p;
  if (!r.accept('-') && !r.accept('.')) return r.fail("'-' and a field number");
  if (!r.number(p.field)) return r.fail("a field number (1 or more)");
  if (!index(r, p.repetition, p.repetition_given)) return r.fail("[n] or [*] after the field number");
  if (r.accept('.')) {
    if (!r.number(p.component)) return r.fail("a component number (1 or more)");
    if (r.accept('.') && !r.number(p.subcomponent)) return r.fail("a subcomponent number (1 or more)");
  }
  if (!r.at_end()) return r.fail("the end of the path");
  return p;
}

std::string Path::to_string() const {
  auto idx = [](std::size_t n) { return n == kAll ? std::string("[*]") : "[" + std::to_string(n) + "]"; };
  std::string s(segment_id());
  if (segment_occurrence != 1) s += idx(segment_occurrence);
  if (field == 0) return s;
  s += "-" + std::to_string(field);
  if (repetition_given) s += idx(repetition);
  if (component != 0) {
    s += "." + std::to_string(component);
    if (subcomponent != 0) s += "." + std::to_string(subcomponent);
  }
  return s;
}

namespace {

void select_in_segment(const Segment& seg, const Path& path, std::vector<Element>& out) {
  if (path.field == 0) {
    out.emplace_back(seg.raw(), seg.syntax(), Level::kOpaque);
    return;
  }
  if (path.field > seg.field_count()) return;
  Element field = seg.field(path.field);
  auto narrow = [&](Element rep) {
    if (path.component == 0) {
      out.push_back(rep);
      return;
    }
    if (path.component > rep.component_count()) return;
    Element comp = rep.component(path.component);
    if (path.subcomponent == 0) {
      out.push_back(comp);
      return;
    }
    if (path.subcomponent > comp.subcomponent_count()) return;
    out.push_back(comp.subcomponent(path.subcomponent));
  };
  if (field.level() == Level::kOpaque) {  // MSH-1, MSH-2
    if (path.repetition == 1 || path.repetition == Path::kAll) out.push_back(field);
    return;
  }
  if (path.repetition == Path::kAll) {
    const std::size_t n = field.empty() ? 0 : field.repetition_count();
    for (std::size_t i = 1; i <= n; ++i) narrow(field.repetition(i));
    return;
  }
  if (path.repetition > field.repetition_count()) return;
  narrow(field.repetition(path.repetition));
}

}  // namespace

std::vector<Element> select(const Message& message, const Path& path) {
  std::vector<Element> out;
  std::size_t seen = 0;
  for (std::size_t i = 0; i < message.segment_count(); ++i) {
    Segment seg = message.segment(i);
    if (seg.id() != path.segment_id()) continue;
    ++seen;
    if (path.segment_occurrence == Path::kAll || path.segment_occurrence == seen) {
      select_in_segment(seg, path, out);
      if (path.segment_occurrence != Path::kAll) break;
    }
  }
  return out;
}

}  // namespace lienthong::hl7v2
