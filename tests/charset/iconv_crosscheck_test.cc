// Cross-checks the generated tables against glibc iconv on this machine, when
// /usr/bin/iconv exists. This catches a stale tables_generated.cc and any
// divergence in composition/decomposition from glibc's converters.

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>

#include "engine/charset/charset.h"
#include "tests/charset/charset_test_util.h"

namespace lienthong::charset {
namespace {

constexpr const char* kIconv = "/usr/bin/iconv";

bool have_iconv() { return access(kIconv, X_OK) == 0; }

std::string scratch_path(const std::string& tag) {
  return std::string(LIENTHONG_BINARY_DIR) + "/charset_iconv_" + tag + "_" +
         std::to_string(getpid());
}

// Runs iconv on `input`; nullopt if iconv rejects it.
std::optional<std::string> run_iconv(const std::string& from, const std::string& to,
                                     const std::string& input) {
  const std::string in_path = scratch_path("in");
  const std::string out_path = scratch_path("out");
  {
    std::ofstream f(in_path, std::ios::binary);
    f << input;
  }
  const std::string cmd = std::string(kIconv) + " -f " + from + " -t " + to + " < '" + in_path +
                          "' > '" + out_path + "' 2>/dev/null";
  const int rc = std::system(cmd.c_str());
  std::ifstream f(out_path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::remove(in_path.c_str());
  std::remove(out_path.c_str());
  if (rc != 0) return std::nullopt;
  return ss.str();
}

struct Pair {
  Charset cs;
  const char* iconv_name;
};
constexpr Pair kPairs[] = {
    {Charset::kCp1258, "CP1258"}, {Charset::kTcvn3, "TCVN5712-1"}, {Charset::kViscii, "VISCII"},
    {Charset::kLatin1, "ISO-8859-1"},
};

}  // namespace

TEST_CASE("every single byte decodes as glibc iconv decodes it") {
  if (!have_iconv()) {
    WARN("no /usr/bin/iconv; skipping cross-check");
    return;
  }
  for (const Pair& p : kPairs) {
    // Defined bytes in one batch (each followed by '\n' so glibc's TCVN/CP1258
    // decoders cannot compose neighbours), undefined ones one by one.
    std::string batch;
    std::string ours;
    for (int b = 0; b < 256; ++b) {
      if (b == '\n') continue;
      const std::string one(1, static_cast<char>(b));
      auto r = to_utf8(one, p.cs);
      if (r.ok()) {
        batch += one + "\n";
        ours += *r + "\n";
      } else {
        INFO(p.iconv_name << " byte " << b);
        CHECK_FALSE(run_iconv(p.iconv_name, "UTF-8", one).has_value());
      }
    }
    INFO(p.iconv_name);
    const auto theirs = run_iconv(p.iconv_name, "UTF-8", batch);
    REQUIRE(theirs.has_value());
    CHECK(*theirs == ours);
  }
}

TEST_CASE("encoding Vietnamese text matches glibc iconv byte for byte") {
  if (!have_iconv()) {
    WARN("no /usr/bin/iconv; skipping cross-check");
    return;
  }
  std::string text;
  for (const std::string& letter : testing::vietnamese_letters()) text += letter + " ";
  text += "\nNguyễn Thị Ánh Tuyết; Trần Đức Lương; Phạm Văn Đồng; Bệnh viện Chợ Rẫy\n";
  text += "Khoa Hồi sức tích cực – chống độc, Đắk Lắk, Thừa Thiên Huế, Bà Rịa–Vũng Tàu\n";
  for (const Pair& p : kPairs) {
    if (p.cs == Charset::kLatin1) continue;
    INFO(p.iconv_name);
    auto ours = from_utf8(text, p.cs);
    const auto theirs = run_iconv("UTF-8", p.iconv_name, text);
    if (!theirs.has_value()) {
      CHECK_FALSE(ours.ok());
      continue;
    }
    REQUIRE(ours.ok());
    CHECK(*ours == *theirs);
    // And glibc reads our bytes back to the same NFC text.
    CHECK(run_iconv(p.iconv_name, "UTF-8", *ours) == std::optional<std::string>(text));
  }
}

TEST_CASE("decoding letter + tone-mark byte pairs matches glibc") {
  if (!have_iconv()) {
    WARN("no /usr/bin/iconv; skipping cross-check");
    return;
  }
  // Each toneless Vietnamese vowel followed by each combining tone byte. Only
  // these bases are compared: for others glibc's output is not NFC (it leaves
  // "À" + dot below instead of "Ạ" + grave, and composes "¨" + grave to a Greek
  // U+1FED), while we must produce NFC.
  const std::string bases[] = {"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
                               "A", "Ă", "Â", "E", "Ê", "I", "O", "Ô", "Ơ", "U", "Ư", "Y"};
  const struct {
    Charset cs;
    const char* iconv_name;
    std::initializer_list<int> marks;
  } cases[] = {{Charset::kCp1258, "CP1258", {0xCC, 0xEC, 0xD2, 0xDE, 0xF2}},
               {Charset::kTcvn3, "TCVN5712-1", {0xB0, 0xB1, 0xB2, 0xB3, 0xB4}}};
  for (const auto& c : cases) {
    INFO(c.iconv_name);
    std::string batch;
    std::string ours;
    for (const std::string& base : bases) {
      const auto base_byte = run_iconv("UTF-8", c.iconv_name, base);
      REQUIRE(base_byte.has_value());
      REQUIRE(base_byte->size() == 1);
      for (const int m : c.marks) {
        const std::string two = *base_byte + testing::bytes({m});
        auto r = to_utf8(two, c.cs);
        REQUIRE(r.ok());
        batch += two + "\n";
        ours += *r + "\n";
      }
    }
    const auto theirs = run_iconv(c.iconv_name, "UTF-8", batch);
    REQUIRE(theirs.has_value());
    CHECK(*theirs == ours);
  }
}

}  // namespace lienthong::charset
