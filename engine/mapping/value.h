// Value: what a mapping expression evaluates to at run time (docs/mapping.md
// MAP-1, MAP-3): empty, a boolean, a number, a text, a reference to an HL7 v2
// element of the input, a list, or a JSON subtree built during the run.
//
// Element references stay references until something needs their text
// (MAP-4.1): comparing, outputting or calling a function. text() follows
// MAP-3.6: the first leaf of a composite value, unescaped and decoded; the HL7
// explicit null "" is empty.
//
// A Value owns nothing and is trivially copyable (bindings, loop items and
// function arguments are copied freely): a text is a view and a list a view
// of Values, into memory that outlives the Value — the plan (literals, code
// table entries), the message (element text needing no decoding) or the
// run's pool (everything computed; RunState::text_value / ListBuilder).
//
// Thread-safety: a Value is a plain value. Its views are valid while what
// they point into lives: the plan, the message, the run.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <rapidjson/fwd.h>

#include "engine/hl7v2/element.h"

namespace lienthong::mapping {

// An element of the input message and where it sits, so explain can name the
// occurrence actually read ("OBX[3]-5", "PID-3[2].1").
struct ElementRef {
  hl7v2::Element element;
  std::uint32_t segment = 0;       // 0-based position of its segment in the message
  std::uint16_t field = 0;         // 0: the whole segment
  std::uint16_t repetition = 0;    // 0: the whole field (every repetition)
  std::uint16_t component = 0;     // 0: the whole repetition
  std::uint16_t subcomponent = 0;  // 0: the whole component

  bool is_segment() const { return field == 0; }
  // The child the way `x.n` reads it: a segment's field n, a field's or a
  // repetition's component n, a component's subcomponent n.
  ElementRef child(std::size_t n) const;
  // Repetition n of a field (`x[n]`); other levels have only repetition 1.
  ElementRef repetition_at(std::size_t n) const;
};

enum class ValueKind : std::uint8_t { kEmpty, kBool, kNumber, kText, kElement, kList, kJson };

class Value {
 public:
  struct Number {
    double value = 0;
    bool integer = false;  // written without a fraction
  };

  Value() : kind_(ValueKind::kEmpty) {}
  static Value boolean(bool b) {
    Value v(ValueKind::kBool);
    v.u_.boolean = b;
    return v;
  }
  static Value number(double d, bool integer) {
    Value v(ValueKind::kNumber);
    v.u_.number = Number{d, integer};
    return v;
  }
  static Value integer(std::int64_t v) { return number(static_cast<double>(v), true); }
  // `s` must outlive the value (see above).
  static Value text(std::string_view s) { return made_text(s, false); }
  // A text known to need no escaping in JSON (no quote, backslash or control
  // character: ids, times, checked literals), so output copies it as it is.
  static Value plain_text(std::string_view s) { return made_text(s, true); }
  static Value element(const ElementRef& e) {
    Value v(ValueKind::kElement);
    new (&v.u_.element) ElementRef(e);
    return v;
  }
  // The same, built in place from its parts (no temporary reference to copy:
  // paths make many of these).
  static Value element(const hl7v2::Element& e, std::uint32_t segment, std::uint16_t field, std::uint16_t repetition,
                       std::uint16_t component, std::uint16_t subcomponent) {
    Value v(ValueKind::kElement);
    new (&v.u_.element) ElementRef{e, segment, field, repetition, component, subcomponent};
    return v;
  }
  // The reference `make()` returns, built where the value lives: a reference
  // written by one function and copied right away by its caller stalls the
  // processor (wide loads of what narrow stores have just written).
  template <class Make>
  static Value element_made(Make&& make) {
    Value v(ValueKind::kElement);
    new (&v.u_.element) ElementRef(make());
    return v;
  }
  // `items` must outlive the value (see above).
  static Value list(std::span<const Value> items) {
    Value v(ValueKind::kList);
    v.u_.list = List{items.data(), items.size()};
    return v;
  }
  // A JSON value owned by the run's output document.
  static Value json(const rapidjson::Value* j) {
    Value v(ValueKind::kJson);
    v.u_.json = j;
    return v;
  }

  ValueKind kind() const { return kind_; }
  bool is_empty_kind() const { return kind_ == ValueKind::kEmpty; }

  // Each accessor is for its kind only (checked in debug builds).
  bool as_bool() const { return checked(ValueKind::kBool).u_.boolean; }
  const Number& as_number() const { return checked(ValueKind::kNumber).u_.number; }
  std::string_view as_text() const {
    const Text& t = checked(ValueKind::kText).u_.text;
    return std::string_view(t.data, t.size);
  }
  bool is_plain_text() const { return checked(ValueKind::kText).u_.text.plain; }
  const ElementRef& as_element() const { return checked(ValueKind::kElement).u_.element; }
  std::span<const Value> as_list() const {
    const List& l = checked(ValueKind::kList).u_.list;
    return std::span<const Value>(l.items, l.size);
  }
  const rapidjson::Value& as_json() const { return *checked(ValueKind::kJson).u_.json; }

 private:
  struct Text {
    const char* data;
    std::size_t size;
    bool plain;
  };
  struct List {
    const Value* items;
    std::size_t size;
  };
  // A tagged union rather than std::variant: each factory writes its member
  // in place (and element_made() lets the reference be built there), where a
  // variant is built on the stack and copied.
  union Payload {
    Payload() : none() {}
    struct None {} none;
    bool boolean;
    Number number;
    Text text;
    ElementRef element;
    List list;
    const rapidjson::Value* json;
  };

  explicit Value(ValueKind kind) : kind_(kind) {}
  static Value made_text(std::string_view s, bool plain) {
    Value v(ValueKind::kText);
    v.u_.text = Text{s.data(), s.size(), plain};
    return v;
  }
  const Value& checked([[maybe_unused]] ValueKind kind) const {
    assert(kind_ == kind);
    return *this;
  }

  Payload u_;
  ValueKind kind_;
};

static_assert(std::is_trivially_copyable_v<Value>, "Values are copied freely: they must own nothing");

// MAP-1.6 / MAP-3.5: null, "", an absent or null ("") element, a list whose
// items are all empty, an empty JSON object/array/string.
bool is_empty(const Value& v);

// MAP-3.7: not empty, not false, not the text "false".
bool is_truthy(const Value& v);

// MAP-3.6. Returns a view of `scratch`, of the message, or of the value
// itself; empty for empty values. Numbers are written as the output writes
// them (integers without a fraction).
std::string_view text_of(const Value& v, std::string& scratch);
std::string text_of(const Value& v);

// The text of an element (MAP-3.6) when it is the element's own bytes and
// JSON takes them as they are (no escape sequence, nothing to compose, no
// quote, backslash or control character): the one scan output needs. False
// when the text needs text_of().
bool plain_element_text(const ElementRef& ref, std::string_view& text);

// Whether JSON takes `text` as it is: no quote, backslash or control character.
bool json_plain(std::string_view text);

// The element a value stands for when it is one (the first item of a list of
// elements counts), for explain notes and warnings; nullptr otherwise.
const ElementRef* element_of(const Value& v);

// A number: the value itself, or its text read as a decimal number. Nothing
// when the text is not a number.
bool number_of(const Value& v, Value::Number& out);

// Appends the shortest text for a number ("12", "12.5", "0.001").
void append_number(std::string& out, const Value::Number& n);

}  // namespace lienthong::mapping
