#include "engine/hl7v2/message_builder.h"

#include <algorithm>
#include <cassert>

#include "engine/hl7v2/escape.h"
#include "engine/hl7v2/message.h"
#include "engine/hl7v2/path.h"

namespace lienthong::hl7v2 {

namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (sep == '\0') {
    out.emplace_back(s);
    return out;
  }
  std::size_t begin = 0;
  while (true) {
    std::size_t p = s.find(sep, begin);
    if (p == std::string_view::npos) {
      out.emplace_back(s.substr(begin));
      return out;
    }
    out.emplace_back(s.substr(begin, p - begin));
    begin = p + 1;
  }
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back(sep);
    out += parts[i];
  }
  return out;
}

// The element `n` (1-based) of `parts`, created empty if missing.
std::string& at(std::vector<std::string>& parts, std::size_t n) {
  if (parts.size() < n) parts.resize(n);
  return parts[n - 1];
}

bool is_id_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool valid_id(std::string_view id) {
  return id.size() == 3 && is_id_char(id[0]) && is_id_char(id[1]) && is_id_char(id[2]) && id[0] >= 'A';
}

Status delimiter_error(std::string message) { return Error{std::move(message), "MSH-2"}; }

Status check_delimiters(const Delimiters& d) {
  const char chars[] = {d.field, d.component, d.repetition, d.escape, d.subcomponent, d.truncation};
  if (d.field == '\0' || d.component == '\0') return delimiter_error("field and component separators are required");
  for (std::size_t i = 0; i < 6; ++i) {
    char c = chars[i];
    if (c == '\0') continue;
    bool bad = c == '\r' || c == '\n' || c == ' ' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
               (c >= 'a' && c <= 'z');
    for (std::size_t j = 0; j < i; ++j) bad = bad || chars[j] == c;
    if (bad) return delimiter_error("delimiters must differ and not be letters, digits, spaces or line breaks");
  }
  if (d.repetition == '\0' && (d.escape != '\0' || d.subcomponent != '\0')) {
    return delimiter_error("MSH-2 cannot leave out the repetition separator and keep later characters");
  }
  if (d.escape == '\0' && d.subcomponent != '\0') {
    return delimiter_error("MSH-2 cannot leave out the escape character and keep the subcomponent separator");
  }
  return Status::Ok();
}

// The escape name of `c` under `d` ("F", "S", ...), or '\0' when `c` is plain text.
char escape_name(char c, const Delimiters& d) {
  if (c == d.field) return 'F';
  if (c == d.component) return 'S';
  if (d.repetition != '\0' && c == d.repetition) return 'R';
  if (d.subcomponent != '\0' && c == d.subcomponent) return 'T';
  if (d.escape != '\0' && c == d.escape) return 'E';
  if (d.truncation != '\0' && c == d.truncation) return 'P';
  return '\0';
}

// Re-encodes one field's raw text from delimiters `o` to `n`.
Result<std::string> reencode(std::string_view raw, const Delimiters& o, const Delimiters& n) {
  std::string out;
  out.reserve(raw.size());
  const Error lost{"the new delimiters cannot express this message (a separator or escape it uses is missing)",
                   "MSH-2"};
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (o.escape != '\0' && c == o.escape) {
      std::size_t j = raw.find(o.escape, i + 1);
      if (j != std::string_view::npos) {
        if (n.escape == '\0') return lost;
        out.push_back(n.escape);
        out.append(raw.substr(i + 1, j - i - 1));
        out.push_back(n.escape);
        i = j;
        continue;
      }
    }
    if (o.repetition != '\0' && c == o.repetition) {
      if (n.repetition == '\0') return lost;
      out.push_back(n.repetition);
    } else if (c == o.component) {
      out.push_back(n.component);
    } else if (o.subcomponent != '\0' && c == o.subcomponent) {
      if (n.subcomponent == '\0') return lost;
      out.push_back(n.subcomponent);
    } else if (char name = escape_name(c, n); name != '\0') {
      if (n.escape == '\0') return lost;
      out.push_back(n.escape);
      out.push_back(name);
      out.push_back(n.escape);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Path> writable_path(std::string_view text) {
  auto p = parse_path(text);
  if (!p.ok()) return p.error();
  if (p->segment_occurrence == Path::kAll || p->repetition == Path::kAll) {
    return Error{"a path with [*] selects many elements and cannot be written", std::string(text)};
  }
  if (p->segment_occurrence == 0 || p->repetition == 0) return Error{"indexes start at 1", std::string(text)};
  return p;
}

bool is_msh_delimiter_field(const Path& p) { return p.segment_id() == "MSH" && (p.field == 1 || p.field == 2); }

}  // namespace

MessageBuilder::MessageBuilder(const Delimiters& delimiters, charset::Charset cs)
    : delimiters_(delimiters), charset_(cs) {
  assert(check_delimiters(delimiters).ok());
  char buf[5];
  segments_.push_back({"MSH", std::string(delimiters_.encoding_characters(buf))});
  if (cs != charset::Charset::kUtf8) {
    Status s = set_raw("MSH-18", charset::msh18_value(cs));
    assert(s.ok());
    (void)s;
  }
}

MessageBuilder::MessageBuilder(const Message& message)
    : delimiters_(message.delimiters()), charset_(message.charset()) {
  segments_.reserve(message.segment_count());
  for (std::size_t i = 0; i < message.segment_count(); ++i) {
    segments_.push_back(split(message.segment(i).raw(), delimiters_.field));
  }
  if (segments_.empty() || segments_.front().front() != "MSH") {
    char buf[5];
    segments_.insert(segments_.begin(), {"MSH", std::string(delimiters_.encoding_characters(buf))});
  }
}

Status MessageBuilder::set(std::string_view path, std::string_view text) {
  auto p = writable_path(path);
  if (!p.ok()) return p.error();
  if (p->field == 0) return Error{"set() writes values, not segments; use set_raw()", std::string(path)};
  if (is_msh_delimiter_field(*p)) return write(path, std::string(text));
  return write(path, escape(text, delimiters_));
}

Status MessageBuilder::set_raw(std::string_view path, std::string_view encoded) { return write(path, std::string(encoded)); }

Status MessageBuilder::clear(std::string_view path) {
  auto p = writable_path(path);
  if (!p.ok()) return p.error();
  if (p->field == 0) return write(path, std::string(p->segment_id()));
  if (is_msh_delimiter_field(*p)) return Error{"MSH-1 and MSH-2 cannot be empty", std::string(path)};
  return write(path, std::string());
}

Status MessageBuilder::write(std::string_view path_text, std::string encoded) {
  auto parsed = writable_path(path_text);
  if (!parsed.ok()) return parsed.error();
  const Path& path = *parsed;
  const std::string where(path_text);
  const Delimiters& d = delimiters_;
  const std::string_view id = path.segment_id();
  const bool msh = id == "MSH";
  if (msh && path.segment_occurrence != 1) return Error{"a message has one MSH", where};

  if (is_msh_delimiter_field(path)) {
    if (path.component != 0 || path.repetition_given) return Error{"MSH-1 and MSH-2 have no parts", where};
    Delimiters nd = d;
    if (path.field == 1) {
      if (encoded.size() != 1) return Error{"MSH-1 is exactly one character", where};
      nd.field = encoded[0];
    } else {
      if (encoded.empty() || encoded.size() > 5) return Error{"MSH-2 has 1 to 5 characters", where};
      auto pick = [&](std::size_t k) { return k < encoded.size() ? encoded[k] : '\0'; };
      nd.component = pick(0);
      nd.repetition = pick(1);
      nd.escape = pick(2);
      nd.subcomponent = pick(3);
      nd.truncation = pick(4);
    }
    return set_delimiters(nd);
  }

  if (path.field == 0) {
    if (encoded.find_first_of("\r\n") != std::string::npos) return Error{"a segment cannot hold line breaks", where};
    std::vector<std::string> fields = split(encoded, d.field);
    if (fields.front() != id) return Error{"the new segment text must start with " + std::string(id), where};
    if (msh && (fields.size() < 2 || fields[1] != segments_.front()[1])) {
      return Error{"replacing MSH must keep MSH-2; write MSH-2 to change delimiters", where};
    }
    encoded.clear();
    if (msh) {
      segments_.front() = std::move(fields);
      return Status::Ok();
    }
    // Found or created below, then replaced.
    std::size_t seen = 0;
    for (auto& seg : segments_) {
      if (seg.front() == id && ++seen == path.segment_occurrence) {
        seg = std::move(fields);
        return Status::Ok();
      }
    }
    for (; seen + 1 < path.segment_occurrence; ++seen) segments_.push_back({std::string(id)});
    segments_.push_back(std::move(fields));
    return Status::Ok();
  }

  if (encoded.find(d.field) != std::string::npos || encoded.find_first_of("\r\n") != std::string::npos) {
    return Error{"an encoded value cannot hold the field separator or line breaks", where};
  }
  if (path.repetition > 1 && d.repetition == '\0') return Error{"this message has no repetition separator", where};
  if (path.subcomponent > 1 && d.subcomponent == '\0') {
    return Error{"this message has no subcomponent separator", where};
  }

  std::vector<std::string>* segment = nullptr;
  std::size_t seen = 0;
  for (auto& seg : segments_) {
    if (seg.front() == id && ++seen == path.segment_occurrence) {
      segment = &seg;
      break;
    }
  }
  if (segment == nullptr) {
    if (!valid_id(id)) return Error{"not a segment id", where};
    for (; seen < path.segment_occurrence; ++seen) segments_.push_back({std::string(id)});
    segment = &segments_.back();
  }
  std::string& field = at(*segment, msh ? path.field : path.field + 1);
  if (path.component == 0 && !path.repetition_given) {
    field = std::move(encoded);
    return Status::Ok();
  }
  std::vector<std::string> reps = split(field, d.repetition);
  std::string& rep = at(reps, path.repetition);
  if (path.component == 0) {
    rep = std::move(encoded);
  } else {
    std::vector<std::string> comps = split(rep, d.component);
    std::string& comp = at(comps, path.component);
    if (path.subcomponent == 0) {
      comp = std::move(encoded);
    } else {
      std::vector<std::string> subs = split(comp, d.subcomponent);
      at(subs, path.subcomponent) = std::move(encoded);
      comp = join(subs, d.subcomponent);
    }
    rep = join(comps, d.component);
  }
  field = join(reps, d.repetition);
  return Status::Ok();
}

Result<std::string> MessageBuilder::raw(std::string_view path_text) const {
  auto parsed = writable_path(path_text);
  if (!parsed.ok()) return parsed.error();
  const Path& path = *parsed;
  const Delimiters& d = delimiters_;
  const bool msh = path.segment_id() == "MSH";
  std::size_t seen = 0;
  for (const auto& seg : segments_) {
    if (seg.front() != path.segment_id() || ++seen != path.segment_occurrence) continue;
    if (path.field == 0) return join(seg, d.field);
    if (msh && path.field == 1) return std::string(1, d.field);
    std::size_t slot = msh ? path.field - 1 : path.field;
    if (slot >= seg.size()) return std::string();
    const std::string& field = seg[slot];
    if (path.component == 0 && !path.repetition_given) return field;
    auto reps = split(field, d.repetition);
    if (path.repetition > reps.size()) return std::string();
    const std::string& rep = reps[path.repetition - 1];
    if (path.component == 0) return rep;
    auto comps = split(rep, d.component);
    if (path.component > comps.size()) return std::string();
    if (path.subcomponent == 0) return comps[path.component - 1];
    auto subs = split(comps[path.component - 1], d.subcomponent);
    return path.subcomponent > subs.size() ? std::string() : subs[path.subcomponent - 1];
  }
  return std::string();
}

Status MessageBuilder::add_segment(std::string_view id) {
  if (!valid_id(id)) return Error{"a segment id is three capitals or digits", std::string(id)};
  if (id == "MSH") return Error{"a message has one MSH", "MSH"};
  segments_.push_back({std::string(id)});
  return Status::Ok();
}

Status MessageBuilder::remove_segment(std::string_view id, std::size_t occurrence) {
  if (id == "MSH") return Error{"MSH cannot be removed", "MSH"};
  std::size_t seen = 0;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    if (it->front() == id && ++seen == occurrence) {
      segments_.erase(it);
      return Status::Ok();
    }
  }
  return Error{"no such segment", std::string(id) + "[" + std::to_string(occurrence) + "]"};
}

Status MessageBuilder::set_delimiters(const Delimiters& nd) {
  Status ok = check_delimiters(nd);
  if (!ok.ok()) return ok;
  std::vector<std::vector<std::string>> next = segments_;
  for (auto& seg : next) {
    const bool msh = seg.front() == "MSH";
    for (std::size_t i = 1; i < seg.size(); ++i) {
      if (msh && i == 1) continue;
      auto r = reencode(seg[i], delimiters_, nd);
      if (!r.ok()) return r.error();
      seg[i] = std::move(r).value();
    }
  }
  char buf[5];
  next.front()[1] = std::string(nd.encoding_characters(buf));
  segments_ = std::move(next);
  delimiters_ = nd;
  return Status::Ok();
}

std::string MessageBuilder::str(std::string_view terminator) const {
  std::string out;
  for (const auto& seg : segments_) {
    out += join(seg, delimiters_.field);
    out.append(terminator);
  }
  return out;
}

Result<std::string> MessageBuilder::encoded(charset::Charset cs, bool update_msh18,
                                            std::string_view terminator) const {
  if (!update_msh18) return charset::from_utf8(str(terminator), cs);
  MessageBuilder copy = *this;
  Status s = copy.set_raw("MSH-18", charset::msh18_value(cs));
  if (!s.ok()) return s.error();
  copy.charset_ = cs;
  return charset::from_utf8(copy.str(terminator), cs);
}

}  // namespace lienthong::hl7v2
