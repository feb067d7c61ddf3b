// Every public sample message parses, reads back byte for byte, and every value
// in it can be walked and decoded.
#include <catch2/catch.hpp>
#include <string>

#include "engine/charset/charset.h"
#include "engine/hl7v2/parser.h"
#include "tests/support/files.h"

namespace t = lienthong::testing;
using lienthong::hl7v2::Message;
using lienthong::hl7v2::parse_view;

namespace {

// Files holding one message each that are valid HL7 v2 and must parse.
std::vector<std::filesystem::path> single_message_files() {
  std::vector<std::filesystem::path> out;
  for (const char* dir : {"microsoft-fhir-converter/input", "cdc-trusted-intermediary/Automated",
                          "cdc-trusted-intermediary/Orders", "cdc-trusted-intermediary/Results",
                          "linuxforhealth-hl7v2-fhir-converter", "hl7-v2-to-fhir-ig", "hapi-hl7v2/parser"}) {
    for (auto& p : t::corpus_files(dir, {".hl7", ".txt"})) {
      std::string name = p.filename().string();
      if (name == "README.md" || name.rfind("uuencoded.txt", 0) == 0) continue;
      out.push_back(p);
    }
  }
  for (const char* name : {"sample_hl7.hl7", "rep_sample_hl7.hl7", "sample_msh.hl7"}) {
    out.push_back(std::filesystem::path(t::corpus_dir()) / "python-hl7" / name);
  }
  return out;
}

std::size_t walk(const Message& m) {
  std::size_t values = 0;
  std::string scratch;
  for (std::size_t s = 0; s < m.segment_count(); ++s) {
    auto seg = m.segment(s);
    for (std::size_t f = 1; f <= seg.field_count(); ++f) {
      auto field = seg.field(f);
      for (std::size_t r = 1; r <= field.repetition_count(); ++r) {
        auto rep = field.repetition(r);
        for (std::size_t c = 1; c <= rep.component_count(); ++c) {
          auto comp = rep.component(c);
          for (std::size_t k = 1; k <= comp.subcomponent_count(); ++k) {
            (void)comp.subcomponent(k).text(scratch);
            ++values;
          }
        }
      }
    }
  }
  return values;
}

}  // namespace

TEST_CASE("every corpus message parses and reads back byte for byte", "[corpus]") {
  auto files = single_message_files();
  if (files.size() < 10) { WARN("corpus not present"); return; }
  std::size_t parsed = 0;
  std::size_t values = 0;
  for (const auto& path : files) {
    std::string bytes = t::read_file(path);
    if (bytes.find("MSH") == std::string::npos) continue;
    if (bytes.find("FHS") != std::string::npos || bytes.find("BHS") != std::string::npos) continue;
    // Some corpus files hold several messages; those are the batch tests' job.
    std::size_t first = bytes.find("MSH");
    if (bytes.find("\rMSH", first) != std::string::npos || bytes.find("\nMSH", first) != std::string::npos) continue;
    CAPTURE(path.string());
    auto r = parse_view(bytes);
    if (!r.ok()) FAIL_CHECK(r.error().to_string());
    if (!r.ok()) continue;
    if (r->text().data() == bytes.data()) {
      CHECK(r->text() == bytes);  // UTF-8 or plain ASCII: a view of the input
    } else {
      auto back = lienthong::charset::from_utf8(r->text(), r->charset());
      REQUIRE(back.ok());
      CHECK(*back == bytes);  // converted from a legacy charset: re-encodes exactly
    }
    values += walk(*r);
    ++parsed;
  }
  CHECK(parsed >= 150);
  CHECK(values > 10000);
}
