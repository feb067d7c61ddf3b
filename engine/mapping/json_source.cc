#include "engine/mapping/json_source.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <rapidjson/error/en.h>

#include "engine/base/json_parse.h"

namespace lienthong::mapping {

namespace {

bool plain_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '$' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const rapidjson::Document* JsonSources::load(const std::filesystem::path& path, const std::string& shown,
                                             std::vector<std::string>& errors, std::string& why) {
  return load(path, file_key(path), shown, errors, why);
}

const rapidjson::Document* JsonSources::load(const std::filesystem::path& path, const std::string& key,
                                             const std::string& shown, std::vector<std::string>& errors,
                                             std::string& why) {
  auto found = files_.find(key);
  if (found != files_.end()) {
    why = found->second.read_error;
    return found->second.document.get();
  }
  Entry& entry = files_[key];
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(path, ec)) {
    entry.read_error = std::filesystem::exists(path, ec) ? std::strerror(EACCES) : "no such file";
    why = entry.read_error;
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string bytes = text.str();
  auto doc = std::make_unique<rapidjson::Document>();
  constexpr unsigned kFlags =
      rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag | rapidjson::kParseValidateEncodingFlag;
  if (auto failed = parse_json<kFlags>(*doc, bytes)) {
    errors.push_back(shown + ": " + failed->message());
    return nullptr;
  }
  entry.document = std::move(doc);
  return entry.document.get();
}

std::string file_key(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? path.lexically_normal().string() : canonical.string();
}

std::string json_path_key(const std::string& path, std::string_view key) {
  if (plain_key(key)) return path + "." + std::string(key);
  std::string out = path + "[\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"]";
}

std::string json_path_index(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

}  // namespace lienthong::mapping
