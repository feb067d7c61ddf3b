#include "engine/hl7v2/batch.h"

#include <catch2/catch.hpp>
#include <deque>

#include <string>

#include "engine/hl7v2/parser.h"
#include "tests/support/files.h"

using namespace lienthong::hl7v2;
using lienthong::testing::corpus_dir;
using lienthong::testing::read_file;

namespace {

// Keeps a test input alive for as long as the BatchFile that views it.
const std::string& held(std::string s) {
  static std::deque<std::string> store;
  store.push_back(std::move(s));
  return store.back();
}


std::string python_hl7(const std::string& name) { return read_file(corpus_dir() + "/python-hl7/" + name); }

const char* const kMsg1 = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||111\r";
const char* const kMsg2 = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|2|P|2.5\rPID|1||222\r";

}  // namespace

TEST_CASE("split_batch: a single plain message is one batch of one", "[batch]") {
  auto r = split_batch(kMsg1);
  REQUIRE(r.ok());
  REQUIRE(r->batches.size() == 1);
  CHECK(r->message_count() == 1);
  CHECK(r->batches[0].messages[0] == kMsg1);
  CHECK_FALSE(r->has_envelope());
}

TEST_CASE("split_batch: bare messages back to back, with blank lines, BOM and any terminator", "[batch]") {
  for (std::string eol : {"\r", "\n", "\r\n"}) {
    std::string m1 = "MSH|^~\\&|A||||||ADT^A01|1|P|2.5" + eol + "PID|1" + eol;
    std::string m2 = "MSH|^~\\&|A||||||ADT^A01|2|P|2.5" + eol + "PID|2" + eol;
    std::string bytes = "\xEF\xBB\xBF" + m1 + eol + "  " + eol + m2 + eol;
    auto r = split_batch(bytes);
    REQUIRE(r.ok());
    REQUIRE(r->message_count() == 2);
    CHECK(r->batches[0].messages[0] == m1);
    CHECK(r->batches[0].messages[1] == m2);
    CHECK(offset_in(bytes, r->batches[0].messages[0]) == 3);
  }
}

TEST_CASE("split_batch: the last segment may lack a terminator", "[batch]") {
  auto r = split_batch("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1");
  REQUIRE(r.ok());
  CHECK(r->batches[0].messages[0] == "MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1");
}

TEST_CASE("split_batch: python-hl7 batches and files are accepted", "[batch][corpus]") {
  struct Case {
    const char* file;
    std::size_t batches;
    std::size_t messages;
    bool fhs, fts;
  };
  const Case cases[] = {
      {"sample_batch.hl7", 1, 1, false, false},  {"sample_batch1.hl7", 1, 2, false, false},
      {"sample_batch2.hl7", 1, 2, false, false}, {"sample_batch3.hl7", 1, 1, false, false},
      {"sample_batch4.hl7", 1, 1, false, false}, {"sample_file.hl7", 1, 1, true, true},
      {"sample_file1.hl7", 2, 3, true, true},    {"sample_file2.hl7", 1, 2, true, true},
      {"sample_file3.hl7", 1, 1, true, false},   {"sample_file4.hl7", 1, 1, false, true},
      {"sample_file5.hl7", 1, 1, true, true},    {"sample_file6.hl7", 1, 1, true, true},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    std::string bytes = python_hl7(c.file);
    REQUIRE_FALSE(bytes.empty());
    auto r = split_batch(bytes);
    REQUIRE(r.ok());
    CHECK(r->batches.size() == c.batches);
    CHECK(r->message_count() == c.messages);
    CHECK(r->file_header.empty() != c.fhs);
    CHECK(r->file_trailer.empty() != c.fts);
    for (const Batch& b : r->batches) {
      for (std::string_view m : b.messages) {
        auto parsed = parse_view(m);
        INFO(m);
        REQUIRE(parsed.ok());
        CHECK(parsed->segment_count() == 6);
        CHECK(parsed->message_code() == "ADT");
      }
    }
  }
}

TEST_CASE("split_batch: python-hl7 envelope details", "[batch][corpus]") {
  std::string bytes = python_hl7("sample_file1.hl7");
  auto r = split_batch(bytes);
  REQUIRE(r.ok());
  CHECK(r->file_header.substr(0, 4) == "FHS|");
  CHECK(r->file_trailer == "FTS|2");
  CHECK(r->batches[0].header.substr(0, 4) == "BHS|");
  CHECK(r->batches[0].trailer == "BTS|2");
  CHECK(r->batches[1].trailer == "BTS|1");
  CHECK(r->has_envelope());

  std::string b4 = python_hl7("sample_batch4.hl7");
  auto r4 = split_batch(b4);
  REQUIRE(r4.ok());
  CHECK(r4->batches[0].header.empty());
  CHECK(r4->batches[0].trailer == "BTS|1");
}

TEST_CASE("split_batch: strict mode wants every header closed", "[batch][corpus]") {
  BatchOptions strict;
  strict.strict = true;
  for (const char* ok : {"sample_batch.hl7", "sample_batch1.hl7", "sample_batch2.hl7", "sample_batch4.hl7",
                         "sample_file.hl7", "sample_file1.hl7", "sample_file2.hl7", "sample_file4.hl7",
                         "sample_file6.hl7"}) {
    INFO(ok);
    std::string bytes = python_hl7(ok);
    CHECK(split_batch(bytes, strict).ok());
  }
  for (const char* bad : {"sample_batch3.hl7", "sample_file3.hl7", "sample_file5.hl7"}) {
    INFO(bad);
    std::string bytes = python_hl7(bad);
    auto r = split_batch(bytes, strict);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kSegmentSequence);
  }
}

TEST_CASE("split_batch: python-hl7 bad envelopes are rejected with a location", "[batch][corpus]") {
  struct Case {
    const char* file;
    const char* segment;
    std::size_t index;
    const char* says;
  };
  const Case cases[] = {
      {"sample_bad_batch.hl7", "EVN", 2, "before the first MSH"},
      {"sample_bad_batch1.hl7", "BHS", 4, "BHS inside a batch"},
      {"sample_bad_file.hl7", "EVN", 3, "before the first MSH"},
      {"sample_bad_file1.hl7", "BHS", 5, "BHS inside a batch"},
      {"sample_bad_file2.hl7", "FHS", 5, "FHS must be the first"},
      {"sample_bad_file3.hl7", "EVN", 2, "before the first MSH"},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    std::string bytes = python_hl7(c.file);
    auto r = split_batch(bytes);
    REQUIRE_FALSE(r.ok());
    const ParseError& e = r.error();
    CHECK(e.segment_id == c.segment);
    CHECK(e.segment_index == c.index);
    CHECK(e.code == ErrorCode::kSegmentSequence);
    CHECK(e.message.find(c.says) != std::string::npos);
    REQUIRE(e.offset < bytes.size());
    CHECK(bytes.substr(e.offset, 3) == c.segment);
  }
}

TEST_CASE("split_batch: counts in BTS-1 and FTS-1 are checked", "[batch]") {
  std::string two = std::string("BHS|^~\\&|X\r") + kMsg1 + kMsg2;
  CHECK(split_batch(held(two + "BTS|2\r")).ok());
  CHECK(split_batch(held(two + "BTS|\r")).ok());
  CHECK(split_batch(held(two + "BTS\r")).ok());

  auto wrong = split_batch(held(two + "BTS|3\r"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().segment_id == "BTS");
  CHECK(wrong.error().field == 1);
  CHECK(wrong.error().message.find("says 3 but there are 2") != std::string::npos);

  auto junk = split_batch(held(two + "BTS|two\r"));
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.error().code == ErrorCode::kDataType);

  std::string file = "FHS|^~\\&|X\r" + two + "BTS|2\rBHS|^~\\&|Y\r" + kMsg1 + "BTS|1\r";
  auto good = split_batch(held(file + "FTS|2\r"));
  REQUIRE(good.ok());
  CHECK(good->batches.size() == 2);
  CHECK(good->message_count() == 3);
  auto bad = split_batch(held(file + "FTS|1\r"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().segment_id == "FTS");
  CHECK(bad.error().message.find("batches") != std::string::npos);
}

TEST_CASE("split_batch: structural errors", "[batch]") {
  SECTION("FHS not first") {
    auto r = split_batch(held(std::string(kMsg1) + "FHS|^~\\&\r"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().segment_id == "FHS");
    CHECK(r.error().offset == std::string(kMsg1).size());
  }
  SECTION("anything after FTS") {
    auto r = split_batch(held(std::string("FHS|^~\\&\r") + kMsg1 + "FTS|1\r" + kMsg2));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("after the FTS") != std::string::npos);
  }
  SECTION("second BTS") {
    auto r = split_batch(held(std::string("BHS|^~\\&\r") + kMsg1 + "BTS|1\rBTS|0\r"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().segment_id == "BTS");
  }
  SECTION("not HL7 at all") {
    auto r = split_batch("hello world\r\n");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().offset == 0);
    CHECK(r.error().segment_index == 1);
  }
  SECTION("empty input") {
    auto r = split_batch("\r\n\r\n");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("no HL7 segments") != std::string::npos);
  }
  SECTION("strict: FTS inside an open batch") {
    BatchOptions strict;
    strict.strict = true;
    auto r = split_batch(held(std::string("FHS|^~\\&\rBHS|^~\\&\r") + kMsg1 + "FTS|1\r"), strict);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().segment_id == "FTS");
  }
}

TEST_CASE("split_batch: an empty batch is allowed", "[batch]") {
  auto r = split_batch("BHS|^~\\&\rBTS|0\r");
  REQUIRE(r.ok());
  CHECK(r->batches.size() == 1);
  CHECK(r->message_count() == 0);
}

TEST_CASE("split_batch: messages before a BHS form their own batch", "[batch]") {
  const std::string bytes = std::string(kMsg1) + "BHS|^~\\&\r" + kMsg2 + "BTS|1\r";  // views point into it
  auto r = split_batch(bytes);
  REQUIRE(r.ok());
  REQUIRE(r->batches.size() == 2);
  CHECK(r->batches[0].header.empty());
  CHECK(r->batches[0].messages.size() == 1);
  CHECK(r->batches[1].messages[0] == kMsg2);
}

TEST_CASE("split_batch: lenient mode skips indentation before a message, strict does not", "[batch]") {
  std::string bytes = std::string("  ") + kMsg1 + "\t" + kMsg2;
  auto r = split_batch(bytes);
  REQUIRE(r.ok());
  REQUIRE(r->message_count() == 1);  // the tab line is inside message 1: free text goes on
  CHECK(offset_in(bytes, r->batches[0].messages[0]) == 2);
  auto two = split_batch(held(std::string("  ") + kMsg1 + "\r\n  " + kMsg2));
  REQUIRE(two.ok());
  CHECK(two->message_count() == 1);
  BatchOptions strict;
  strict.strict = true;
  CHECK_FALSE(split_batch(bytes, strict).ok());
}
