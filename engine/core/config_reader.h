// Reading JSON configuration files (comments and trailing commas allowed) into
// typed settings, collecting every mistake instead of stopping at the first.
//
// A ConfigObject is one JSON object plus where it is: the file name and the
// JSON path ("$.listeners[0]"). Getters read one key, check its type and rule,
// remember the key as known and return the value (or the default when absent or
// wrong). Mistakes are recorded as whole lines shared by every object of the
// same file: `lienthong.json: $.listeners[0].port: expected an integer
// 1..65535, found "abc"`. After a struct has been read, finish() reports each
// key nobody asked for as unknown.
//
// Thread-safety: none; a document and its objects belong to the thread that
// loads the configuration (start-up only). Objects are cheap to copy and keep
// their document alive.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lienthong::core {

class ConfigObject;

// One parsed file: its root object and every error found so far in it.
class ConfigDocument {
 public:
  // Parses `text`; a JSON syntax error is recorded as "FILE: line L, column C: why".
  static ConfigDocument parse(std::string_view text, std::string file_name);
  // Reads and parses a file; an unreadable file is recorded as an error.
  static ConfigDocument load(const std::filesystem::path& path);

  // The root object; when the text did not parse (or is not an object) this is
  // an empty object whose getters return defaults.
  ConfigObject root() const;
  bool parsed() const;
  const std::vector<std::string>& errors() const;
  const std::string& file_name() const;

  struct State;

 private:
  explicit ConfigDocument(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

class ConfigObject {
 public:
  const std::string& file_name() const;
  const std::string& path() const { return path_; }          // "$.listeners[0]"
  std::string path_of(std::string_view key) const;           // "$.listeners[0].port"

  bool has(std::string_view key) const;
  // The object as compact JSON, keys in written order: tells a changed object
  // from the same one in another load (reload keeps what did not change).
  std::string text() const;

  // Strings. `required_string` records "missing required key" when absent.
  std::string string(std::string_view key, std::string default_value = {}) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  std::string required_string(std::string_view key) const;
  // Non-empty string that must be one of `allowed` (exact match).
  std::string one_of(std::string_view key, std::initializer_list<std::string_view> allowed,
                     std::string default_value) const;

  bool boolean(std::string_view key, bool default_value) const;

  // A string or a non-empty array of strings, as a list; absent -> empty.
  std::vector<std::string> strings(std::string_view key) const;
  // The key is present with the value null (reads it).
  bool is_null(std::string_view key) const;
  // The key is present with a boolean value (read it with boolean()).
  bool is_bool(std::string_view key) const;

  // Integer in [min, max].
  std::uint64_t uint(std::string_view key, std::uint64_t default_value, std::uint64_t min,
                     std::uint64_t max) const;
  std::optional<std::uint64_t> optional_uint(std::string_view key, std::uint64_t min,
                                             std::uint64_t max) const;

  // A duration: a string "<number><unit>" with unit us, ms, s, m, h or d ("300s",
  // "1ms", "24h"), or a JSON integer meaning milliseconds. Checked against [min, max].
  std::chrono::microseconds duration(std::string_view key, std::chrono::microseconds default_value,
                                     std::chrono::microseconds min, std::chrono::microseconds max) const;

  // Nested object / array of objects; absent -> nullopt / empty. A wrong type is an error.
  std::optional<ConfigObject> object(std::string_view key) const;
  std::vector<ConfigObject> objects(std::string_view key) const;

  // Records "<file>: <path>.<key>: <what>" (key may be empty: the object itself).
  void error(std::string_view key, std::string_view what) const;
  // Marks a key as read without reading it (e.g. a key another reader handles).
  void accept(std::string_view key) const;
  // Records "unknown key" for every key no getter read. Call once, after reading.
  void finish() const;

 private:
  friend class ConfigDocument;
  ConfigObject(std::shared_ptr<ConfigDocument::State> state, const void* value, std::string path);
  const void* member(std::string_view key) const;  // marks the key as used

  std::shared_ptr<ConfigDocument::State> state_;
  const void* value_ = nullptr;  // rapidjson::Value (an object), or null for an empty object
  std::string path_;
  std::shared_ptr<std::vector<std::string>> used_;
};

// Parses "300s", "1ms", "24h", "5m", "250us" (no sign, no spaces); nullopt if malformed.
std::optional<std::chrono::microseconds> parse_duration(std::string_view text);

}  // namespace lienthong::core
