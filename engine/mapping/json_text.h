// Writing compact JSON text straight into a string, for the interpreter's
// output: the run appends as it goes and cuts back what turns out empty
// (MAP-1.6), so no tree is built and nothing is copied twice.
//
// Strings are escaped as JSON requires (", \, control characters); other
// characters, UTF-8 included, are written as they are.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <rapidjson/fwd.h>

#include "engine/mapping/value.h"

namespace lienthong::mapping {

// An append-only text buffer that can be cut back to an earlier size. Growing
// is the only thing that allocates, and the memory is not zeroed first; every
// append is inline (a run makes hundreds, and std::string::push_back is not
// inlined at -O2).
class JsonBuffer {
 public:
  explicit JsonBuffer(std::size_t capacity = 256) : data_(new char[capacity]), capacity_(capacity) {}
  JsonBuffer(JsonBuffer&&) noexcept = default;
  JsonBuffer& operator=(JsonBuffer&&) noexcept = default;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void put(char c) {
    if (size_ == capacity_) grow(1);
    data_[size_++] = c;
  }
  void append(std::string_view s) {
    if (capacity_ - size_ < s.size()) grow(s.size());
    copy(data_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void append(const char* begin, const char* end) { append(std::string_view(begin, static_cast<std::size_t>(end - begin))); }
  // Forgets everything after the first `size` characters.
  void truncate(std::size_t size) { size_ = size; }
  // Room for at least `capacity` characters in all.
  void reserve(std::size_t capacity) {
    if (capacity > capacity_) grow(capacity - size_);
  }
  std::string_view view(std::size_t from = 0) const { return std::string_view(data_.get() + from, size_ - from); }
  std::string str() const { return std::string(data_.get(), size_); }

 private:
  // Most pieces are short (keys, codes, ids): two overlapping fixed-size
  // moves instead of a call to memcpy.
  static void copy(char* to, const char* from, std::size_t n) {
    if (n >= 16) {
      std::memcpy(to, from, n);
    } else if (n >= 8) {
      std::uint64_t head, tail;
      std::memcpy(&head, from, 8);
      std::memcpy(&tail, from + n - 8, 8);
      std::memcpy(to, &head, 8);
      std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4) {
      std::uint32_t head, tail;
      std::memcpy(&head, from, 4);
      std::memcpy(&tail, from + n - 4, 4);
      std::memcpy(to, &head, 4);
      std::memcpy(to + n - 4, &tail, 4);
    } else {
      for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
    }
  }

  void grow(std::size_t need) {
    const std::size_t capacity = capacity_ * 2 + need;
    std::unique_ptr<char[]> bigger(new char[capacity]);
    std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

// "text" with escapes.
void append_json_string(JsonBuffer& out, std::string_view text);
// The characters of `text` escaped, without quotes (for strings written in pieces).
void append_json_escaped(JsonBuffer& out, std::string_view text);

// 12, -3, 1.5, 7.0 (a number that is not an integer keeps a fraction). False,
// and nothing written, for a value JSON cannot hold (infinity, NaN).
bool append_json_number(JsonBuffer& out, const Value::Number& n);

// `v` compact, with empty members and items left out; false (nothing
// written) when `v` is empty after that.
bool append_json_value(JsonBuffer& out, const rapidjson::Value& v);

}  // namespace lienthong::mapping
