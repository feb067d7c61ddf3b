// Code tables (docs/mapping.md MAP-6): JSON with comments, read with RapidJSON.
#include "engine/mapping/code_table.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <iterator>
#include <set>

#include "engine/base/json_parse.h"

namespace lienthong::mapping {

namespace {

using Value = rapidjson::Value;

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_identifier(std::string_view key) {
  if (key.empty()) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

// A JSON string literal of `s` (quotes, backslashes and control characters escaped).
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string member_path(const std::string& parent, std::string_view key) {
  return is_identifier(key) ? parent + "." + std::string(key) : parent + "[" + quoted(key) + "]";
}

constexpr const char* kEntryExpected = "expected a string or an object with code/display/system";

// A map value or the default: "code", or {"code": ..., "display": ..., "system": ...}.
std::optional<CodeEntry> read_entry(const Value& v) {
  CodeEntry entry;
  if (v.IsString()) {
    entry.code = std::string(view(v));
    return entry.code.empty() ? std::nullopt : std::optional<CodeEntry>(entry);
  }
  if (!v.IsObject()) return std::nullopt;
  bool has_code = false;
  for (const auto& m : v.GetObject()) {
    const std::string_view key = view(m.name);
    if (key == "$comment") continue;
    if (!m.value.IsString()) return std::nullopt;
    if (key == "code") {
      entry.code = std::string(view(m.value));
      has_code = true;
    } else if (key == "display") {
      entry.display = std::string(view(m.value));
    } else if (key == "system") {
      entry.system = std::string(view(m.value));
    } else {
      return std::nullopt;
    }
  }
  if (!has_code || entry.code.empty()) return std::nullopt;
  return entry;
}

}  // namespace

Result<CodeTable> CodeTable::parse(std::string_view json, std::string file_name) {
  std::vector<std::string> errors;
  auto error = [&](const std::string& path, const std::string& what) {
    errors.push_back(file_name + ": " + path + ": " + what);
  };
  auto failure = [&]() {
    std::string message;
    for (const std::string& line : errors) {
      if (!message.empty()) message += '\n';
      message += line;
    }
    return Error{std::move(message), {}};
  };

  rapidjson::Document doc;
  constexpr unsigned kFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;
  if (auto failed = parse_json<kFlags>(doc, json)) {
    errors.push_back(file_name + ": " + failed->message());
    return failure();
  }
  if (!doc.IsObject()) {
    error("$", "expected an object");
    return failure();
  }

  CodeTable table;
  table.name_ = std::filesystem::path(file_name).stem().string();
  const Value* map = nullptr;
  const Value* default_value = nullptr;
  std::set<std::string, std::less<>> seen;
  for (const auto& m : doc.GetObject()) {
    const std::string key(view(m.name));
    const std::string path = member_path("$", key);
    if (!seen.insert(key).second) {
      error(path, "duplicate key");
      continue;
    }
    if (key == "source_system" || key == "target_system") {
      if (!m.value.IsString() || m.value.GetStringLength() == 0) {
        error(path, "expected a string (a code system URI)");
        continue;
      }
      (key == "source_system" ? table.source_system_ : table.target_system_) = std::string(view(m.value));
    } else if (key == "map") {
      if (!m.value.IsObject()) {
        error(path, "expected an object (input code -> output code or {code, display, system})");
        continue;
      }
      map = &m.value;
    } else if (key == "default") {
      default_value = &m.value;
    } else if (key == "case_insensitive") {
      if (!m.value.IsBool()) {
        error(path, "expected true or false");
        continue;
      }
      table.case_insensitive_ = m.value.GetBool();
    } else if (key == "description") {
      if (!m.value.IsString()) error(path, "expected a string");
    } else if (key == "$comment") {
      // anything
    } else {
      error(path, "unknown key (expected source_system, target_system, map, default, case_insensitive, "
                  "description or $comment)");
    }
  }
  if (!seen.count("source_system")) error("$", "missing key source_system (the input codes' system URI)");
  if (!seen.count("target_system")) error("$", "missing key target_system (the output codes' system URI)");
  if (!seen.count("map")) error("$", "missing key map (input code -> output code)");

  if (map != nullptr) {
    for (const auto& m : map->GetObject()) {
      const std::string_view code = view(m.name);
      const std::string path = member_path("$.map", code);
      if (code.empty()) {
        error(path, "expected a non-empty input code");
        continue;
      }
      std::optional<CodeEntry> entry = read_entry(m.value);
      if (!entry) {
        error(path, kEntryExpected);
        continue;
      }
      std::string key = table.case_insensitive_ ? fold(code) : std::string(code);
      if (!table.entries_.emplace(std::move(key), std::move(*entry)).second) {
        error(path, table.case_insensitive_ ? "duplicate code (the table ignores case)" : "duplicate code");
      }
    }
  }
  if (default_value != nullptr) {
    std::optional<CodeEntry> entry = read_entry(*default_value);
    if (!entry) {
      error("$.default", kEntryExpected);
    } else {
      table.default_ = std::move(*entry);
    }
  }
  if (!errors.empty()) return failure();
  return table;
}

const CodeEntry* CodeTable::find(std::string_view code) const {
  auto it = entries_.end();
  if (!case_insensitive_) {
    it = entries_.find(code);
  } else if (code.size() <= 64) {
    // Codes are short: folded on the stack, not into a new string.
    char folded[64];
    for (std::size_t i = 0; i < code.size(); ++i) {
      const char c = code[i];
      folded[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    it = entries_.find(std::string_view(folded, code.size()));
  } else {
    it = entries_.find(fold(code));
  }
  if (it != entries_.end()) return &it->second;
  return default_ ? &*default_ : nullptr;
}

CodeTables::CodeTables(std::filesystem::path dir) : dir_(std::move(dir)) {}

Result<std::shared_ptr<const CodeTable>> CodeTables::get(std::string_view name) {
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second;

  bool valid = !name.empty() && name.front() != '.';
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    valid = valid && ok;
  }
  if (!valid) {
    return Error{"not a code table name: " + quoted(name) +
                     " (expected a file name under " + dir_.string() + " without .json, such as \"v2-0001\")",
                 {}};
  }
  const std::filesystem::path file = dir_ / (std::string(name) + ".json");
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(file, ec)) {
    return Error{file.string() + ": no such code table " + quoted(name), {}};
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{file.string() + ": cannot read the file", {}};
  auto table = CodeTable::parse(text, file.string());
  if (!table.ok()) return table.error();
  auto shared = std::make_shared<const CodeTable>(std::move(table).value());
  loaded_.emplace(std::string(name), shared);
  return shared;
}

}  // namespace lienthong::mapping
