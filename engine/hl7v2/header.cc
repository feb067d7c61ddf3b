#include "engine/hl7v2/header.h"

#include "engine/hl7v2/message.h"

namespace lienthong::hl7v2 {
namespace {

bool is_eol(char c) { return c == '\r' || c == '\n'; }

// Fills the header from one MSH segment's text (without terminator).
MshHeader from_segment(std::string_view msh, const Delimiters& d) {
  MshHeader h;
  h.found = true;
  h.delimiters = d;
  Segment seg(msh, Syntax{d, charset::Charset::kUtf8});
  auto raw = [&](std::size_t n) { return std::string(seg.field(n).raw()); };
  h.sending_application = raw(3);
  h.sending_facility = raw(4);
  h.receiving_application = raw(5);
  h.receiving_facility = raw(6);
  h.message_type = raw(9);
  h.control_id = raw(10);
  h.processing_id = raw(11);
  h.version = raw(12);
  h.accept_ack_type = raw(15);
  h.application_ack_type = raw(16);
  h.character_set = std::string(seg.field(18).repetition(1).raw());
  return h;
}

}  // namespace

MshHeader read_header(std::string_view bytes) {
  std::size_t pos = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (pos < bytes.size() && (bytes[pos] == '\x0B' || is_eol(bytes[pos]) || bytes[pos] == ' ' ||
                                bytes[pos] == '\t')) {
    ++pos;
  }
  if (bytes.substr(pos, 3) != "MSH" || bytes.size() < pos + 4 || is_eol(bytes[pos + 3])) return MshHeader{};
  std::size_t end = pos;
  while (end < bytes.size() && !is_eol(bytes[end]) && bytes[end] != '\x1C') ++end;
  std::string_view msh = bytes.substr(pos, end - pos);

  Delimiters d;
  d.field = msh[3];
  std::size_t i = 4;
  std::string enc;
  while (i < msh.size() && msh[i] != d.field && enc.size() < 6) enc.push_back(msh[i++]);
  if (enc.size() == 5 && enc[2] == '\\' && enc[3] == '\\') enc.erase(3, 1);
  // Unusable encoding characters are replaced by the defaults, so the answer is
  // still readable by the sender's parser.
  auto pick = [&](std::size_t k, char fallback) {
    return k < enc.size() && enc[k] != d.field ? enc[k] : fallback;
  };
  d.component = pick(0, '^');
  d.repetition = pick(1, '~');
  d.escape = pick(2, '\\');
  d.subcomponent = pick(3, '&');
  d.truncation = enc.size() == 5 ? enc[4] : '\0';
  return from_segment(msh, d);
}

MshHeader read_header(const Message& message) {
  if (message.segment_count() == 0) return MshHeader{};
  return from_segment(message.msh().raw(), message.delimiters());
}

}  // namespace lienthong::hl7v2
