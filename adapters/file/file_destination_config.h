// FileDestinationConfig: one "file" destination's own settings, with its config keys,
// types, defaults and rules declared beside the struct (kFileDestinationKeys), and the
// reader that fills it from the destination's object in the configuration file.
// The keys every destination has (name, type, concurrency, retries, stop_on_dead) are
// the core's (engine/core/destination.h); they are not read here.
//
// Thread-safety: plain value; the reader runs at start-up only, like ConfigObject.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "adapters/file/file_name_pattern.h"
#include "engine/core/config_reader.h"

namespace lienthong::adapters::file {

// How segment ends of an HL7 v2 body are written: as received (CR, the standard), or
// converted for people who open the files in editors. FHIR JSON is written as is.
enum class LineEnding : std::uint8_t { kCr, kCrLf, kLf };

struct FileDestinationConfig {
  std::filesystem::path directory;  // absolute after reading (relative to the config file)
  FileNamePattern name;             // compiled "file_name"
  LineEnding line_ending = LineEnding::kCr;
};

struct FileDestinationKey {
  std::string_view name;
  std::string_view type;
  std::string_view default_value;
  std::string_view rule;
};

inline constexpr std::string_view kDefaultFileNamePattern = "{message_id}-{id}.{ext}";

inline constexpr FileDestinationKey kFileDestinationKeys[] = {
    {"directory", "string", "(required)", "where files go; relative to the config file's directory; created at start"},
    {"file_name", "string", "\"{message_id}-{id}.{ext}\"",
     "placeholders {id} {message_id} {route} {type} {control_id} {ext} {date}; no '/', no \"..\"; "
     "at least one of {id} {message_id} {control_id}"},
    {"line_ending", "string", "\"cr\"", "\"cr\" | \"crlf\" | \"lf\" (HL7 v2 bodies only)"},
};

// Reads "directory", "file_name" and "line_ending"; mistakes are recorded in the object's
// document with file and JSON path. Values in error keep their defaults.
FileDestinationConfig read_file_destination_config(const core::ConfigObject& object);

// `body` with its segment ends (CR, or CRLF if a sender used them) rewritten.
std::string convert_line_endings(std::string_view body, LineEnding ending);

}  // namespace lienthong::adapters::file
