#include "engine/core/config_reader.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <sstream>

#include "engine/base/json_parse.h"

namespace lienthong::core {

struct ConfigDocument::State {
  std::string file_name;
  rapidjson::Document document;
  bool parsed = false;
  std::vector<std::string> errors;
};

namespace {

using Value = rapidjson::Value;

const Value* as_value(const void* p) { return static_cast<const Value*>(p); }

bool is_identifier(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (char c : text.substr(0, kMax)) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
      continue;
    }
    out += c;
  }
  if (text.size() > kMax) out += "...";
  out += '"';
  return out;
}

// How a found value is shown in an error: short and without structure.
std::string describe(const Value& v) {
  if (v.IsString()) return quoted(std::string_view(v.GetString(), v.GetStringLength()));
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsNull()) return "null";
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  std::ostringstream s;
  s << v.GetDouble();
  return s.str();
}

std::string range_text(std::uint64_t min, std::uint64_t max) {
  if (max == std::numeric_limits<std::uint64_t>::max()) return std::to_string(min) + " or more";
  return std::to_string(min) + ".." + std::to_string(max);
}

std::string duration_text(std::chrono::microseconds d) {
  auto us = d.count();
  if (us % 3'600'000'000 == 0 && us != 0) return std::to_string(us / 3'600'000'000) + "h";
  if (us % 60'000'000 == 0 && us != 0) return std::to_string(us / 60'000'000) + "m";
  if (us % 1'000'000 == 0 && us != 0) return std::to_string(us / 1'000'000) + "s";
  if (us % 1'000 == 0) return std::to_string(us / 1'000) + "ms";
  return std::to_string(us) + "us";
}

}  // namespace

std::optional<std::chrono::microseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::int64_t n = std::stoll(std::string(text.substr(0, digits)));
  std::string_view unit = text.substr(digits);
  std::int64_t scale = 0;
  if (unit == "us") scale = 1;
  else if (unit == "ms") scale = 1'000;
  else if (unit == "s") scale = 1'000'000;
  else if (unit == "m") scale = 60'000'000;
  else if (unit == "h") scale = 3'600'000'000;
  else if (unit == "d") scale = 86'400'000'000;
  else return std::nullopt;
  // 12 digits of hours still fit in int64 microseconds? 1e12 * 3.6e9 does not: bound it.
  if (n > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
  return std::chrono::microseconds(n * scale);
}

// --- ConfigDocument --------------------------------------------------------

ConfigDocument ConfigDocument::parse(std::string_view text, std::string file_name) {
  auto state = std::make_shared<State>();
  state->file_name = std::move(file_name);
  constexpr unsigned kFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;
  if (auto failed = parse_json<kFlags>(state->document, text)) {
    state->errors.push_back(state->file_name + ": " + failed->message());
  } else {
    if (!state->document.IsObject()) {
      state->errors.push_back(state->file_name + ": $: expected an object, found " + describe(state->document));
    } else {
      state->parsed = true;
    }
  }
  return ConfigDocument(std::move(state));
}

ConfigDocument ConfigDocument::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    auto state = std::make_shared<State>();
    state->file_name = path.string();
    state->errors.push_back(path.string() + ": cannot read the file");
    return ConfigDocument(std::move(state));
  }
  return parse(text.str(), path.string());
}

ConfigObject ConfigDocument::root() const {
  return ConfigObject(state_, state_->parsed ? static_cast<const void*>(&state_->document) : nullptr, "$");
}
bool ConfigDocument::parsed() const { return state_->parsed; }
const std::vector<std::string>& ConfigDocument::errors() const { return state_->errors; }
const std::string& ConfigDocument::file_name() const { return state_->file_name; }

// --- ConfigObject ----------------------------------------------------------

ConfigObject::ConfigObject(std::shared_ptr<ConfigDocument::State> state, const void* value, std::string path)
    : state_(std::move(state)), value_(value), path_(std::move(path)),
      used_(std::make_shared<std::vector<std::string>>()) {}

const std::string& ConfigObject::file_name() const { return state_->file_name; }

std::string ConfigObject::path_of(std::string_view key) const {
  if (key.empty()) return path_;
  if (is_identifier(key)) return path_ + "." + std::string(key);
  return path_ + "[" + quoted(key) + "]";
}

void ConfigObject::error(std::string_view key, std::string_view what) const {
  state_->errors.push_back(state_->file_name + ": " + path_of(key) + ": " + std::string(what));
}

void ConfigObject::accept(std::string_view key) const {
  if (std::find(used_->begin(), used_->end(), key) == used_->end()) used_->emplace_back(key);
}

const void* ConfigObject::member(std::string_view key) const {
  accept(key);
  if (value_ == nullptr) return nullptr;
  const Value& object = *as_value(value_);
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == object.MemberEnd()) return nullptr;
  return &it->value;
}

bool ConfigObject::has(std::string_view key) const {
  if (value_ == nullptr) return false;
  const Value& object = *as_value(value_);
  return object.FindMember(Value(rapidjson::StringRef(key.data(), key.size()))) != object.MemberEnd();
}

std::string ConfigObject::text() const {
  if (value_ == nullptr) return "{}";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  as_value(value_)->Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void ConfigObject::finish() const {
  if (value_ == nullptr) return;
  for (const auto& m : as_value(value_)->GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (std::find(used_->begin(), used_->end(), key) == used_->end()) error(key, "unknown key");
  }
}

std::optional<std::string> ConfigObject::optional_string(std::string_view key) const {
  const Value* v = as_value(member(key));
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) {
    error(key, "expected a string, found " + describe(*v));
    return std::nullopt;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

std::string ConfigObject::string(std::string_view key, std::string default_value) const {
  auto v = optional_string(key);
  return v ? *v : default_value;
}

std::string ConfigObject::required_string(std::string_view key) const {
  if (value_ != nullptr && !has(key)) {
    accept(key);
    error(key, "missing required key");
    return {};
  }
  auto v = optional_string(key);
  if (v && v->empty()) error(key, "expected a non-empty string, found \"\"");
  return v.value_or("");
}

std::string ConfigObject::one_of(std::string_view key, std::initializer_list<std::string_view> allowed,
                                 std::string default_value) const {
  const Value* v = as_value(member(key));
  if (v == nullptr) return default_value;
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + quoted(a);
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return std::string(s);
  }
  error(key, "expected one of " + list + ", found " + describe(*v));
  return default_value;
}

bool ConfigObject::boolean(std::string_view key, bool default_value) const {
  const Value* v = as_value(member(key));
  if (v == nullptr) return default_value;
  if (!v->IsBool()) {
    error(key, "expected true or false, found " + describe(*v));
    return default_value;
  }
  return v->GetBool();
}

std::optional<std::uint64_t> ConfigObject::optional_uint(std::string_view key, std::uint64_t min,
                                                         std::uint64_t max) const {
  const Value* v = as_value(member(key));
  if (v == nullptr) return std::nullopt;
  if (!v->IsUint64() || v->GetUint64() < min || v->GetUint64() > max) {
    error(key, "expected an integer " + range_text(min, max) + ", found " + describe(*v));
    return std::nullopt;
  }
  return v->GetUint64();
}

std::uint64_t ConfigObject::uint(std::string_view key, std::uint64_t default_value, std::uint64_t min,
                                 std::uint64_t max) const {
  return optional_uint(key, min, max).value_or(default_value);
}

std::chrono::microseconds ConfigObject::duration(std::string_view key, std::chrono::microseconds default_value,
                                                 std::chrono::microseconds min,
                                                 std::chrono::microseconds max) const {
  const Value* v = as_value(member(key));
  if (v == nullptr) return default_value;
  std::optional<std::chrono::microseconds> d;
  if (v->IsString()) {
    d = parse_duration(std::string_view(v->GetString(), v->GetStringLength()));
  } else if (v->IsUint64() && v->GetUint64() <= std::numeric_limits<std::int64_t>::max() / 1000) {
    d = std::chrono::milliseconds(static_cast<std::int64_t>(v->GetUint64()));
  }
  if (!d || *d < min || *d > max) {
    error(key, "expected a duration " + duration_text(min) + ".." + duration_text(max) +
                   " (\"300s\", \"5ms\", \"24h\", or a number of milliseconds), found " + describe(*v));
    return default_value;
  }
  return *d;
}

std::optional<ConfigObject> ConfigObject::object(std::string_view key) const {
  const Value* v = as_value(member(key));
  if (v == nullptr) return std::nullopt;
  if (!v->IsObject()) {
    error(key, "expected an object, found " + describe(*v));
    return std::nullopt;
  }
  return ConfigObject(state_, v, path_of(key));
}

std::vector<std::string> ConfigObject::strings(std::string_view key) const {
  std::vector<std::string> out;
  const Value* v = as_value(member(key));
  if (v == nullptr) return out;
  if (v->IsString()) {
    out.emplace_back(v->GetString(), v->GetStringLength());
    return out;
  }
  bool ok = v->IsArray() && !v->GetArray().Empty();
  if (ok) {
    for (const Value& item : v->GetArray()) ok = ok && item.IsString() && item.GetStringLength() > 0;
  }
  if (!ok) {
    error(key, "expected a string or a non-empty array of non-empty strings, found " + describe(*v));
    return out;
  }
  for (const Value& item : v->GetArray()) out.emplace_back(item.GetString(), item.GetStringLength());
  return out;
}

bool ConfigObject::is_bool(std::string_view key) const {
  const Value* v = as_value(member(key));
  return v != nullptr && v->IsBool();
}

bool ConfigObject::is_null(std::string_view key) const {
  const Value* v = as_value(member(key));
  return v != nullptr && v->IsNull();
}

std::vector<ConfigObject> ConfigObject::objects(std::string_view key) const {
  std::vector<ConfigObject> out;
  const Value* v = as_value(member(key));
  if (v == nullptr) return out;
  if (!v->IsArray()) {
    error(key, "expected an array of objects, found " + describe(*v));
    return out;
  }
  std::size_t index = 0;
  for (const Value& item : v->GetArray()) {
    std::string item_path = path_of(key) + "[" + std::to_string(index++) + "]";
    if (!item.IsObject()) {
      state_->errors.push_back(state_->file_name + ": " + item_path + ": expected an object, found " +
                               describe(item));
      continue;
    }
    out.push_back(ConfigObject(state_, &item, item_path));
  }
  return out;
}

}  // namespace lienthong::core
