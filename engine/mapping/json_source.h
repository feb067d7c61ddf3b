// Reading mapping files for the compiler: JSON with comments and trailing
// commas (docs/mapping.md), each file parsed once per compile and kept, and
// the JSON paths ("$.entry[0].resource") that errors and explain records use.
//
// Thread-safety: a JsonSources belongs to one compile.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace lienthong::mapping {

class JsonSources {
 public:
  // The parsed file, or nullptr. A file that cannot be read sets `why` (the
  // caller says where it was asked for); a syntax error adds "SHOWN: line L,
  // column C: why" to `errors` once, however often the file is asked for.
  const rapidjson::Document* load(const std::filesystem::path& path, const std::string& shown,
                                  std::vector<std::string>& errors, std::string& why);
  // The same, for a caller that already has the file's key (file_key asks the file system).
  const rapidjson::Document* load(const std::filesystem::path& path, const std::string& key, const std::string& shown,
                                  std::vector<std::string>& errors, std::string& why);

 private:
  struct Entry {
    std::unique_ptr<rapidjson::Document> document;  // null when it did not parse
    std::string read_error;
  };
  std::map<std::string, Entry> files_;
};

// A JSON string's text (`v` must be a string).
inline std::string_view string_of(const rapidjson::Value& v) { return std::string_view(v.GetString(), v.GetStringLength()); }

// A stable key for a file, so two spellings of one include are one file.
std::string file_key(const std::filesystem::path& path);

// "$.a" + "b" -> "$.a.b"; keys that are not plain names are quoted: $.a["b c"].
std::string json_path_key(const std::string& path, std::string_view key);
// "$.a" + 2 -> "$.a[2]"
std::string json_path_index(const std::string& path, std::size_t index);

}  // namespace lienthong::mapping
