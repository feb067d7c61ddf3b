// libFuzzer target: arbitrary text as a message path. A path that parses must
// print (to_string) as text that parses back to the same path, and selecting it
// on a fixed message must give elements inside that message's text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"
#include "engine/hl7v2/path.h"
#include "fuzz/fuzz_require.h"

namespace {

using lienthong::hl7v2::Message;
using lienthong::hl7v2::Path;

bool same(const Path& a, const Path& b) {
  return a.segment_id() == b.segment_id() && a.segment_occurrence == b.segment_occurrence &&
         a.field == b.field && a.repetition == b.repetition &&
         a.repetition_given == b.repetition_given && a.component == b.component &&
         a.subcomponent == b.subcomponent;
}

// Invented data; has repeated segments, repetitions, subcomponents and escapes
// so every kind of path has something to select.
constexpr std::string_view kSample =
    "MSH|^~\\&|LAB|BV_A|HIS|BV_A|20240315101500+0700||ORU^R01^ORU_R01|LAB0001|P|2.5.1|||AL|NE|VNM|UNICODE UTF-8\r"
    "PID|1||BN001^^^BV_A^PI~DN4797912345678^^^BHYT^HC||Nguy\xe1\xbb\x85n^V\xc4\x83n An||19850612|M|||1 L\xc3\xaa L\xe1\xbb\xa3i&S\xe1\xbb\x91 1^^Q1^HCM\r"
    "OBR|1|ORD1|LAB1|58410-2^CBC^LN\r"
    "OBX|1|NM|6690-2^WBC^LN||7.8|10*9/L|4.0-10.0|N|||F\r"
    "OBX|2|NM|718-7^HGB^LN||135|g/L|120-160|N|||F\r"
    "OBX|3|ST|8251-1^Ghi ch\xc3\xba^LN||A\\F\\B\\S\\C\\T\\D~second|||||F\r"
    "NTE|1||line\\.br\\two\r";

const Message& sample() {
  static const Message message = [] {
    auto parsed = lienthong::hl7v2::parse(std::string(kSample));
    FUZZ_REQUIRE(parsed.ok());
    return std::move(parsed).value();
  }();
  return message;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto path = lienthong::hl7v2::parse_path(text);
  if (!path.ok()) {
    FUZZ_REQUIRE(!path.error().message.empty());
    return 0;
  }

  const std::string printed = path->to_string();
  auto reparsed = lienthong::hl7v2::parse_path(printed);
  FUZZ_REQUIRE(reparsed.ok());
  FUZZ_REQUIRE(same(*path, *reparsed));
  FUZZ_REQUIRE(reparsed->to_string() == printed);

  const Message& message = sample();
  const std::string_view whole = message.text();
  std::string scratch;
  auto selected = lienthong::hl7v2::select(message, *path);
  for (const auto& element : selected) {
    if (!element.raw().empty()) {
      FUZZ_REQUIRE(element.raw().data() >= whole.data());
      FUZZ_REQUIRE(element.raw().data() + element.raw().size() <= whole.data() + whole.size());
    }
    FUZZ_REQUIRE(element.text(scratch) == element.text());
  }
  const bool wildcard = path->segment_occurrence == Path::kAll || path->repetition == Path::kAll;
  if (!wildcard) FUZZ_REQUIRE(selected.size() <= 1);
  return 0;
}
