#include "engine/hl7v2/escape.h"

#include <cstring>

#include "engine/charset/charset.h"

namespace lienthong::hl7v2 {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// \Xhh..\ carries bytes in the sender's character set. Bytes that are not valid
// there are read as Latin-1, which every byte is, so the value stays readable and
// valid UTF-8 rather than being dropped.
bool append_hex(std::string_view hex, charset::Charset cs, std::string& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]);
    int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (cs == charset::Charset::kAscii) cs = charset::Charset::kUtf8;
  Result<std::string> decoded = charset::to_utf8(bytes, cs);
  if (!decoded.ok()) decoded = charset::to_utf8(bytes, charset::Charset::kLatin1);
  if (!decoded.ok()) return false;
  out += *decoded;
  return true;
}

// Appends the meaning of one escape sequence (the text between the escape
// characters); returns false if the sequence is not one we decode.
bool append_sequence(std::string_view seq, const Syntax& syntax, std::string& out) {
  const Delimiters& d = syntax.delimiters;
  if (seq.size() == 1) {
    char c = '\0';
    switch (seq[0]) {
      case 'F': c = d.field; break;
      case 'S': c = d.component; break;
      case 'T': c = d.subcomponent; break;
      case 'R': c = d.repetition; break;
      case 'E': c = d.escape; break;
      case 'P': c = d.truncation; break;
      case 'H':
      case 'N':
        return true;  // highlighting on/off: plain text has none
      default:
        return false;
    }
    if (c == '\0') return false;
    out.push_back(c);
    return true;
  }
  if (seq[0] == 'X') return append_hex(seq.substr(1), syntax.charset, out);
  if (seq == ".br") {
    out.push_back('\n');
    return true;
  }
  if (seq.substr(0, 3) == ".sp") {
    // ".sp <n>": end the line and skip n-1 more; bounded so hostile input stays small.
    int n = 0;
    for (char c : seq.substr(3)) {
      if (c >= '0' && c <= '9') n = n < 100 ? n * 10 + (c - '0') : n;
      else if (c != ' ' && c != '+') return false;
    }
    if (n < 1) n = 1;
    if (n > 100) n = 100;
    out.append(static_cast<std::size_t>(n), '\n');
    return true;
  }
  return false;
}

}  // namespace

bool has_escape(std::string_view raw, const Delimiters& d) {
  return d.escape != '\0' && !raw.empty() && std::memchr(raw.data(), d.escape, raw.size()) != nullptr;
}

void unescape(std::string_view raw, const Syntax& syntax, std::string& out) {
  const char e = syntax.delimiters.escape;
  const std::size_t start = out.size();
  std::size_t i = 0;
  while (i < raw.size()) {
    std::size_t open = e == '\0' ? std::string_view::npos : raw.find(e, i);
    if (open == std::string_view::npos) {
      out.append(raw.substr(i));
      break;
    }
    out.append(raw.substr(i, open - i));
    std::size_t close = raw.find(e, open + 1);
    if (close == std::string_view::npos) {  // unterminated: keep as written
      out.append(raw.substr(open));
      break;
    }
    std::string_view seq = raw.substr(open + 1, close - open - 1);
    if (seq.empty() || !append_sequence(seq, syntax, out)) {
      out.append(raw.substr(open, close - open + 1));
    }
    i = close + 1;
  }
  std::string_view added(out.data() + start, out.size() - start);
  if (charset::may_need_nfc(added)) {
    std::string composed = charset::to_nfc(added);
    out.resize(start);
    out += composed;
  }
}

std::string unescape(std::string_view raw, const Syntax& syntax) {
  std::string out;
  unescape(raw, syntax, out);
  return out;
}

void escape(std::string_view text, const Delimiters& d, std::string& out) {
  const char e = d.escape != '\0' ? d.escape : '\\';
  auto put = [&](const char* code) {
    out.push_back(e);
    out.append(code);
    out.push_back(e);
  };
  out.reserve(out.size() + text.size());
  for (char c : text) {
    if (c == '\0') out.push_back(c);
    else if (c == d.field) put("F");
    else if (c == d.component) put("S");
    else if (c == d.subcomponent) put("T");
    else if (c == d.repetition) put("R");
    else if (c == e) put("E");
    else if (c == d.truncation) put("P");
    else if (c == '\r') put("X0D");
    else if (c == '\n') put("X0A");
    else out.push_back(c);
  }
}

std::string escape(std::string_view text, const Delimiters& d) {
  std::string out;
  escape(text, d, out);
  return out;
}

}  // namespace lienthong::hl7v2
