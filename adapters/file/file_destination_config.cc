#include "adapters/file/file_destination_config.h"

#include <system_error>

namespace lienthong::adapters::file {

FileDestinationConfig read_file_destination_config(const core::ConfigObject& object) {
  FileDestinationConfig config;

  const std::string directory = object.required_string("directory");
  if (!directory.empty()) {
    std::filesystem::path path(directory);
    if (path.is_relative()) path = std::filesystem::path(object.file_name()).parent_path() / path;
    // absolute() only prefixes the working directory; it touches no file.
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    config.directory = (ec ? path : absolute).lexically_normal();
  }

  const std::string name = object.string("file_name", std::string(kDefaultFileNamePattern));
  auto compiled = FileNamePattern::compile(name);
  if (compiled.ok()) {
    config.name = std::move(*compiled);
  } else {
    object.error("file_name", "\"" + name + "\": " + compiled.error().message);
    config.name = *FileNamePattern::compile(kDefaultFileNamePattern);
  }

  const std::string ending = object.one_of("line_ending", {"cr", "crlf", "lf"}, "cr");
  if (ending == "crlf") config.line_ending = LineEnding::kCrLf;
  if (ending == "lf") config.line_ending = LineEnding::kLf;
  return config;
}

std::string convert_line_endings(std::string_view body, LineEnding ending) {
  if (ending == LineEnding::kCr) return std::string(body);
  const std::string_view end = ending == LineEnding::kCrLf ? "\r\n" : "\n";
  std::string out;
  out.reserve(body.size() + body.size() / 32);
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r') {
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;  // CRLF from the sender: one segment end
      out += end;
    } else if (c == '\n') {
      out += end;  // a bare LF some senders use between segments
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace lienthong::adapters::file
