// Result<T, E = Error>: a value or an error, for failures that are expected on the data path
// (bad input, unreachable peer). Exceptions are kept for start-up misconfiguration;
// broken invariants are asserts.
//
// Thread-safety: a Result is a plain value; distinct objects may be used from
// distinct threads, one object needs external synchronisation like any value.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace lienthong {

// Error is a reason a person can read. `where` is an optional location hint
// (a byte offset, "PID-3", "routes/adt.json:$.to[0]") kept apart from the text so
// callers can render it in the form their protocol wants.
struct Error {
  std::string message;
  std::string where;

  std::string to_string() const {
    return where.empty() ? message : where + ": " + message;
  }
};

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

// Status: success, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace lienthong
