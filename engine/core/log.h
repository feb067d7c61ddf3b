// Structured one-line logs: "time=... level=info event=intake.accepted
// source=adt control_id=MSG0001" (key=value) or the same as one JSON object per
// line. Events name what happened; fields carry peers, sizes, counts, control
// ids and message types, never patient data. A field marked sensitive (anything
// that might hold message content) is printed only at debug level, else shown
// as "[redacted]".
//
// Thread-safety: every function may be called from any thread; each line is
// written with one write under a mutex, so lines never interleave.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace lienthong::core::log {

enum class Level : std::uint8_t { kDebug, kInfo, kWarning, kError };
enum class Format : std::uint8_t { kKeyValue, kJson };

struct Field {
  Field(std::string_view k, std::string_view v, bool s = false) : key(k), value(v), sensitive(s) {}
  Field(std::string_view k, const std::string& v, bool s = false) : key(k), value(v), sensitive(s) {}
  Field(std::string_view k, const char* v, bool s = false) : key(k), value(v), sensitive(s) {}
  template <class N>
    requires std::is_arithmetic_v<N>
  Field(std::string_view k, N n) : key(k), value(std::to_string(n)) {}
  std::string key;
  std::string value;
  bool sensitive = false;
};

// A field that may hold message content: printed only at debug level.
inline Field sensitive(std::string_view key, std::string_view value) { return Field(key, value, true); }

// Where lines go (default stderr), the lowest level printed (default info) and the format.
void configure(Level level, Format format, int fd = 2);
Level level();
bool enabled(Level level);

void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) { write(Level::kDebug, event, fields); }
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) { write(Level::kInfo, event, fields); }
inline void warning(std::string_view event, std::initializer_list<Field> fields = {}) { write(Level::kWarning, event, fields); }
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) { write(Level::kError, event, fields); }

// The line write() would print (without the trailing newline), for tests and adapters
// that format their own events.
std::string format_line(Level level, std::string_view event, std::initializer_list<Field> fields);

std::optional<Level> parse_level(std::string_view text);  // "debug" | "info" | "warning" | "error"
std::optional<Format> parse_format(std::string_view text);  // "kv" | "json"

}  // namespace lienthong::core::log
