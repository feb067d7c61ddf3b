// libFuzzer target: arbitrary text as a mapping file (docs/mapping.md). The
// compiler must either accept it or explain every mistake with the file name
// (MAP-9); an accepted mapping run on a fixed message must either reject the
// message with a reason or produce JSON that parses and holds no empty value
// (MAP-1.6), and the same JSON as a run with explain, which evaluates
// everything afresh (no include memo, no run constants): those savings must
// never change a value. $include and tables/ resolve against the shipped
// mappings/, so fuzzed files can reach the real includes and code tables.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "engine/hl7v2/parser.h"
#include "engine/mapping/code_table.h"
#include "engine/mapping/plan.h"
#include "engine/mapping/run.h"
#include "fuzz/fuzz_require.h"

namespace {

namespace fs = std::filesystem;
using lienthong::mapping::CompileOptions;
using lienthong::mapping::MappingPlan;

// Invented data with the segments the shipped includes read.
constexpr std::string_view kSample =
    "MSH|^~\\&|HIS|BV_A|LT|SYT|20240315101500+0700||ADT^A01^ADT_A01|MSG0001|P|2.5.1|||AL|NE|VNM|UNICODE UTF-8\r"
    "EVN|A01|20240315101500\r"
    "PID|1||BN001^^^BV_A^PI~DN4797912345678^^^BHYT^HC~001085012345^^^CCCD^NNVNM||Nguy\xe1\xbb\x85n^V\xc4\x83n An||19850612|M|||"
    "1 L\xc3\xaa L\xe1\xbb\xa3i^^Q1^HCM^^VNM||0901234567^PRN^CP\r"
    "NK1|1|Tr\xe1\xba\xa7n^Th\xe1\xbb\x8b B|SPO^Spouse\r"
    "PV1|1|I|K01^P101^G1^BV_A||||BS01^L\xc3\xaa^Minh|||||||||||VN0001|||||||||||||||||||||||||20240315101500\r"
    "DG1|1||J18.9^Vi\xc3\xaam ph\xe1\xbb\x95i^I10||20240315|A\r"
    "OBX|1|NM|8867-4^Heart rate^LN||80|/min|60-100|N|||F\r";

const lienthong::hl7v2::Message& sample() {
  static const lienthong::hl7v2::Message message = [] {
    auto parsed = lienthong::hl7v2::parse(std::string(kSample));
    FUZZ_REQUIRE(parsed.ok());
    return std::move(parsed).value();
  }();
  return message;
}

const fs::path& work_file() {
  static const fs::path path = [] {
    fs::path dir = fs::temp_directory_path() / ("lienthong-mapping-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / "fuzzed.json";
  }();
  return path;
}

bool has_empty_value(const rapidjson::Value& v, bool root) {
  if (v.IsNull()) return true;
  if (v.IsString()) return v.GetStringLength() == 0;
  if (v.IsArray()) {
    if (!root && v.Empty()) return true;
    for (const auto& item : v.GetArray())
      if (has_empty_value(item, false)) return true;
  }
  if (v.IsObject()) {
    if (!root && v.MemberCount() == 0) return true;
    for (const auto& member : v.GetObject())
      if (has_empty_value(member.value, false)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  {
    std::ofstream out(work_file(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  static std::shared_ptr<lienthong::mapping::CodeTables> tables =
      std::make_shared<lienthong::mapping::CodeTables>(fs::path(LIENTHONG_SOURCE_DIR) / "mappings" / "tables");
  CompileOptions options;
  options.root = fs::path(LIENTHONG_SOURCE_DIR) / "mappings";
  options.tables = tables;
  auto plan = MappingPlan::compile(work_file(), options);
  if (!plan.ok()) {
    // MAP-9: every line names the file.
    FUZZ_REQUIRE(!plan.error().message.empty());
    FUZZ_REQUIRE(plan.error().message.find("fuzzed.json") != std::string::npos);
    return 0;
  }
  auto output = lienthong::mapping::run(**plan, sample());
  lienthong::mapping::RunOptions explain;
  explain.explain = true;
  auto explained = lienthong::mapping::run(**plan, sample(), explain);
  FUZZ_REQUIRE(output.ok() == explained.ok());
  if (!output.ok()) {
    FUZZ_REQUIRE(!output.error().message.empty());
    FUZZ_REQUIRE(output.error().message == explained.error().message);
    return 0;
  }
  FUZZ_REQUIRE(output->json == explained->json);
  rapidjson::Document doc;
  doc.Parse(output->json.data(), output->json.size());
  FUZZ_REQUIRE(!doc.HasParseError());
  FUZZ_REQUIRE(!has_empty_value(doc, true));
  return 0;
}
