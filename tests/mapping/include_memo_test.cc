// IncludeMemo (engine/mapping/include_memo.h): what its key holds and leaves
// out, by the file's IncludeReads.
#include <catch2/catch.hpp>

#include "engine/mapping/include_memo.h"
#include "tests/mapping/mapping_test_util.h"

using lienthong::mapping::ElementRef;
using lienthong::mapping::IncludeMemo;
using lienthong::mapping::IncludeReads;
using lienthong::mapping::Value;

namespace {

// OBX-2 ("NM") of the first and second OBX of kOru (segments 4 and 5, 0-based).
struct TwoEqualFields {
  lienthong::hl7v2::Message message = lienthong::testing::message(lienthong::testing::kOru);
  Value first = field(4);
  Value second = field(5);
  Value other = Value::element(ElementRef{message.segment(4).field(3), 4, 3, 0, 0, 0});

  Value field(std::size_t segment) const {
    return Value::element(ElementRef{message.segment(segment).field(2), static_cast<std::uint32_t>(segment), 2, 0, 0, 0});
  }
};

const Value* find(const IncludeMemo& memo, IncludeReads reads, std::size_t begin, std::size_t end, const Value& p) {
  return memo.find(0, reads, begin, end, std::span<const Value>(&p, 1));
}

}  // namespace

TEST_CASE("IncludeMemo keys on the span and the element's place only for files that read them", "[mapping][memo]") {
  TwoEqualFields in;
  REQUIRE(lienthong::mapping::text_of(in.first) == "NM");
  REQUIRE(lienthong::mapping::text_of(in.second) == "NM");
  const Value result = Value::text("R");

  for (const bool span : {false, true}) {
    for (const bool position : {false, true}) {
      const IncludeReads reads{span, position};
      IncludeMemo memo;
      memo.reset(2);
      memo.add(0, reads, 4, 5, std::span<const Value>(&in.first, 1), result);
      INFO("reads span " << span << ", position " << position);
      REQUIRE(find(memo, reads, 4, 5, in.first) != nullptr);
      CHECK(find(memo, reads, 4, 5, in.first)->as_text() == "R");
      // Another span.
      CHECK((find(memo, reads, 0, 10, in.first) != nullptr) == !span);
      // The same bytes elsewhere.
      CHECK((find(memo, reads, 4, 5, in.second) != nullptr) == !position);
      // Other bytes, another file, and after a reset: never.
      CHECK(find(memo, reads, 4, 5, in.other) == nullptr);
      CHECK(memo.find(1, reads, 4, 5, std::span<const Value>(&in.first, 1)) == nullptr);
      memo.reset(2);
      CHECK(find(memo, reads, 4, 5, in.first) == nullptr);
    }
  }
}

TEST_CASE("identical: segments by place even by content; texts by bytes; lists by address", "[mapping][memo]") {
  TwoEqualFields in;
  using lienthong::mapping::identical;
  const Value seg4 = Value::element(ElementRef{in.message.segment(4).field(0), 4, 0, 0, 0, 0});
  const Value seg5 = Value::element(ElementRef{in.message.segment(5).field(0), 5, 0, 0, 0, 0});
  CHECK_FALSE(identical(seg4, seg5, true));
  CHECK(identical(seg4, seg4, true));
  const std::string a = "abc", b = "abc";
  CHECK(identical(Value::text(a), Value::text(b)));
  CHECK_FALSE(identical(Value::text(a), Value::text("abd")));
  CHECK_FALSE(identical(Value::text("NM"), in.first, true));
  const Value items[2] = {Value::text(a), Value::text(b)};
  const Value copies[2] = {Value::text(a), Value::text(b)};
  CHECK(identical(Value::list(items), Value::list(items)));
  CHECK_FALSE(identical(Value::list(items), Value::list(copies)));
  CHECK(identical(Value::integer(3), Value::integer(3)));
  CHECK_FALSE(identical(Value::integer(3), Value::number(3, false)));
}
