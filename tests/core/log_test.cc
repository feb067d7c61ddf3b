#include "engine/core/log.h"

#include <catch2/catch.hpp>

namespace lg = lienthong::core::log;

TEST_CASE("log: key=value lines quote and escape values; sensitive fields only at debug") {
  lg::configure(lg::Level::kInfo, lg::Format::kKeyValue);
  std::string line = lg::format_line(lg::Level::kInfo, "intake.rejected",
                                      {{"source", "adt"}, {"reason", "bad \"x\"\rnext"}, {"n", 3},
                                       lg::sensitive("pid", "NGUYEN VAN A")});
  CHECK(line.find(" level=info event=intake.rejected source=adt reason=\"bad \\\"x\\\"\\rnext\" n=3 pid=[redacted]") !=
        std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  CHECK(line.find("NGUYEN") == std::string::npos);
  CHECK_FALSE(lg::enabled(lg::Level::kDebug));

  lg::configure(lg::Level::kDebug, lg::Format::kJson);
  std::string json = lg::format_line(lg::Level::kDebug, "e", {lg::sensitive("pid", "NGUYEN")});
  CHECK(json.front() == '{');
  CHECK(json.back() == '}');
  CHECK(json.find("\"level\":\"debug\",\"event\":\"e\",\"pid\":\"NGUYEN\"") != std::string::npos);
  lg::configure(lg::Level::kInfo, lg::Format::kKeyValue);
}

TEST_CASE("log: level and format names") {
  CHECK(lg::parse_level("warning") == lg::Level::kWarning);
  CHECK_FALSE(lg::parse_level("loud"));
  CHECK(lg::parse_format("json") == lg::Format::kJson);
  CHECK_FALSE(lg::parse_format("xml"));
}
