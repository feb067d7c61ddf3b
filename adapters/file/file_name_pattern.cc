#include "adapters/file/file_name_pattern.h"

#include <ctime>
#include <optional>

namespace lienthong::adapters::file {
namespace {

bool allowed_byte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

}  // namespace

std::string sanitise_name_part(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (!allowed_byte(c)) c = '_';
  }
  return out;
}

Result<FileNamePattern> FileNamePattern::compile(std::string_view pattern) {
  if (pattern.empty()) return Error{"must not be empty", ""};
  if (pattern.find('/') != std::string_view::npos) return Error{"must not contain '/'", ""};
  if (pattern.find("..") != std::string_view::npos) return Error{"must not contain \"..\"", ""};
  if (pattern.find('\0') != std::string_view::npos) return Error{"must not contain a NUL byte", ""};

  FileNamePattern compiled;
  compiled.text_ = std::string(pattern);
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) compiled.pieces_.push_back({Part::kLiteral, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '}') return Error{"'}' without '{' at offset " + std::to_string(i), ""};
    if (c != '{') {
      literal += c;
      continue;
    }
    const std::size_t end = pattern.find('}', i);
    if (end == std::string_view::npos) return Error{"'{' without '}' at offset " + std::to_string(i), ""};
    const std::string_view name = pattern.substr(i + 1, end - i - 1);
    std::optional<Part> part;
    if (name == "id") part = Part::kId;
    else if (name == "message_id") part = Part::kMessageId;
    else if (name == "route") part = Part::kRoute;
    else if (name == "type") part = Part::kType;
    else if (name == "control_id") part = Part::kControlId;
    else if (name == "ext") part = Part::kExt;
    else if (name == "date") part = Part::kDate;
    if (!part) {
      return Error{"unknown placeholder {" + std::string(name) + "} (known: " + std::string(kPlaceholders) + ")", ""};
    }
    flush();
    compiled.pieces_.push_back({*part, {}});
    i = end;
  }
  flush();
  // A pattern without a value that differs per item names one file for many items:
  // each would overwrite the one before and lose it.
  bool varies = false;
  for (const auto& piece : compiled.pieces_) {
    varies = varies || piece.part == Part::kId || piece.part == Part::kMessageId || piece.part == Part::kControlId;
  }
  if (!varies) return Error{"must contain {id}, {message_id} or {control_id} (else items overwrite each other)", ""};
  if (pattern.rfind(".tmp-", 0) == 0) return Error{"must not start with \".tmp-\" (the prefix of files being written)", ""};
  return compiled;
}

std::string FileNamePattern::expand(const core::DeliveryItem& item, std::chrono::system_clock::time_point now) const {
  std::string out;
  for (const auto& piece : pieces_) {
    switch (piece.part) {
      case Part::kLiteral: out += piece.literal; break;
      case Part::kId: out += std::to_string(item.id); break;
      case Part::kMessageId: out += std::to_string(item.message_id); break;
      case Part::kRoute: out += sanitise_name_part(item.route); break;
      case Part::kType: out += sanitise_name_part(item.message_type); break;  // '^' is not kept: "ADT_A01"
      case Part::kControlId: out += sanitise_name_part(item.control_id); break;
      case Part::kExt: out += item.content_type == core::kContentHl7v2 ? "hl7" : "json"; break;
      case Part::kDate: {
        const std::time_t t = item.created_at_us > 0 ? static_cast<std::time_t>(item.created_at_us / 1000000)
                                                     : std::chrono::system_clock::to_time_t(now);
        std::tm utc{};
        ::gmtime_r(&t, &utc);
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y%m%d", &utc);
        out += buf;
        break;
      }
    }
  }
  return out;
}

bool FileNamePattern::usable(std::string_view file_name) {
  return !file_name.empty() && file_name != "." && file_name != ".." && file_name.size() <= 255 &&
         file_name.rfind(".tmp-", 0) != 0;
}

}  // namespace lienthong::adapters::file
