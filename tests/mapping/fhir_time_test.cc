#include "engine/mapping/fhir_time.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using lienthong::mapping::FhirTimeType;
using lienthong::mapping::hl7_to_fhir_time;
using lienthong::mapping::TimeZone;

namespace {

const TimeZone kPlus7 = TimeZone::fixed(7 * 60);

std::string date(std::string_view v, const TimeZone& zone = kPlus7) {
  auto r = hl7_to_fhir_time(v, FhirTimeType::kDate, zone);
  return r.ok() ? *r : "error: " + r.error().message;
}
std::string date_time(std::string_view v, const TimeZone& zone = kPlus7) {
  auto r = hl7_to_fhir_time(v, FhirTimeType::kDateTime, zone);
  return r.ok() ? *r : "error: " + r.error().message;
}
std::string instant(std::string_view v, const TimeZone& zone = kPlus7) {
  auto r = hl7_to_fhir_time(v, FhirTimeType::kInstant, zone);
  return r.ok() ? *r : "error: " + r.error().message;
}

}  // namespace

TEST_CASE("MAP-7.1 dateTime keeps the precision given") {
  CHECK(date_time("2024") == "2024");
  CHECK(date_time("202401") == "2024-01");
  CHECK(date_time("20240131") == "2024-01-31");
  // With a time, minutes and seconds default to 00 and an offset is written.
  CHECK(date_time("2024013114") == "2024-01-31T14:00:00+07:00");
  CHECK(date_time("202401311420") == "2024-01-31T14:20:00+07:00");
  CHECK(date_time("20240131142005") == "2024-01-31T14:20:05+07:00");
  CHECK(date_time("20240131142005.1") == "2024-01-31T14:20:05.1+07:00");
  CHECK(date_time("20240131142005.1234") == "2024-01-31T14:20:05.1234+07:00");
  CHECK(date_time("20240229000000") == "2024-02-29T00:00:00+07:00");
  CHECK(date_time("19991231235959") == "1999-12-31T23:59:59+07:00");
}

TEST_CASE("MAP-7.2 the message's offset is kept, as given") {
  CHECK(date_time("20240131142005+0700") == "2024-01-31T14:20:05+07:00");
  CHECK(date_time("20240131142005-0500") == "2024-01-31T14:20:05-05:00");
  CHECK(date_time("20240131142005+0000") == "2024-01-31T14:20:05+00:00");
  CHECK(date_time("20240131142005-0000") == "2024-01-31T14:20:05-00:00");
  CHECK(date_time("202401311420+0530") == "2024-01-31T14:20:00+05:30");
  CHECK(date_time("20240131142005.123+1400") == "2024-01-31T14:20:05.123+14:00");
  // A FHIR dateTime without a time has no offset.
  CHECK(date_time("20240131+0700") == "2024-01-31");
  CHECK(date_time("202401-0300") == "2024-01");
}

TEST_CASE("MAP-7.2 a time without an offset gets the configured zone's offset at that time") {
  CHECK(date_time("202401311420", TimeZone::fixed(-300)) == "2024-01-31T14:20:00-05:00");
  CHECK(date_time("202401311420", TimeZone::fixed(0)) == "2024-01-31T14:20:00+00:00");
  CHECK(date_time("202401311420", TimeZone::fixed(345)) == "2024-01-31T14:20:00+05:45");
  CHECK(date_time("202401311420", TimeZone::fixed(-570)) == "2024-01-31T14:20:00-09:30");
  CHECK(date_time("202401311420", TimeZone::ho_chi_minh()) == "2024-01-31T14:20:00+07:00");

  if (!std::filesystem::exists("/usr/share/zoneinfo/Asia/Ho_Chi_Minh")) {
    WARN("no tzdata; historical offsets not checked");
    return;
  }
  auto hcm = TimeZone::from_name("Asia/Ho_Chi_Minh");
  REQUIRE(hcm.ok());
  // zoneinfo: +08:00 in 1960 (`TZ=Asia/Ho_Chi_Minh date -d '1960-06-01 12:00' +%z` gives +0800).
  CHECK(date_time("196006011200", *hcm) == "1960-06-01T12:00:00+08:00");
  CHECK(date_time("198006011200", *hcm) == "1980-06-01T12:00:00+07:00");
  // The message's own offset wins over the zone's.
  CHECK(date_time("196006011200+0700", *hcm) == "1960-06-01T12:00:00+07:00");
  auto new_york = TimeZone::from_name("America/New_York");
  REQUIRE(new_york.ok());
  CHECK(date_time("20240701120000", *new_york) == "2024-07-01T12:00:00-04:00");
  CHECK(date_time("20240115120000", *new_york) == "2024-01-15T12:00:00-05:00");
}

TEST_CASE("MAP-7.3 date() writes the date part only") {
  CHECK(date("2024") == "2024");
  CHECK(date("202401") == "2024-01");
  CHECK(date("20240131") == "2024-01-31");
  CHECK(date("20240131142005.123+0700") == "2024-01-31");
  CHECK(date("0001") == "0001");
}

TEST_CASE("MAP-7.3 instant() needs a full date; time parts default to 0; offset as for dateTime") {
  CHECK(instant("20240131142005.123+0700") == "2024-01-31T14:20:05.123+07:00");
  CHECK(instant("20240131142005") == "2024-01-31T14:20:05+07:00");
  CHECK(instant("2024013114") == "2024-01-31T14:00:00+07:00");
  CHECK(instant("20240131") == "2024-01-31T00:00:00+07:00");
  CHECK(instant("20240131-0000") == "2024-01-31T00:00:00-00:00");
  CHECK(instant("202401").rfind("error: ", 0) == 0);
  CHECK(instant("2024").rfind("error: ", 0) == 0);
}

TEST_CASE("MAP-7.4 invalid values are errors that do not quote the value") {
  const char* bad[] = {
      "",                     // nothing
      "2024013",              // odd number of digits
      "202401311",            //
      "202401311420051",      // 15 digits
      "20241301",             // month 13
      "20240001",             // month 0
      "20240230",             // 30 February
      "20230229",             // 29 February in a common year
      "21000229",             // 1900/2100 are not leap years
      "20240431",             // 31 April
      "20240100",             // day 0
      "2024013124",           // hour 24
      "202401311460",         // minute 60
      "20240131142060",       // second 60
      "0000",                 // year 0
      "2024-01-31",           // separators
      "2O24",                 // a letter
      "20240131 1420",        // a space
      "20240131142005.",      // a point without digits
      "202401311420.5",       // fraction without seconds
      "20240131142005+07",    // short offset
      "20240131142005+07:00", // offset with a colon
      "20240131142005+1500",  // offset out of range
      "20240131142005+1401",  //
      "20240131142005+0760",  //
      "20240131142005+0700x", // trailing text
      "20240131142005.1234567890",  // ten fraction digits
  };
  for (const char* value : bad) {
    for (FhirTimeType type : {FhirTimeType::kDate, FhirTimeType::kDateTime, FhirTimeType::kInstant}) {
      INFO(value << " as type " << static_cast<int>(type));
      auto r = hl7_to_fhir_time(value, type, kPlus7);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message.rfind("not a valid HL7 date/time: ", 0) == 0);
      if (std::string(value).size() >= 4) {
        CHECK(r.error().message.find(value) == std::string::npos);
      }
    }
  }
  CHECK(date_time("20241301") == "error: not a valid HL7 date/time: month out of range");
  CHECK(date_time("20240230") == "error: not a valid HL7 date/time: day out of range for the month");
  CHECK(date_time("20240131142005+1500") == "error: not a valid HL7 date/time: offset out of range");
}

TEST_CASE("MAP-7 leap years follow the Gregorian rules") {
  CHECK(date("20000229") == "2000-02-29");
  CHECK(date("19960229") == "1996-02-29");
  CHECK(date("19000229").rfind("error: ", 0) == 0);
}
