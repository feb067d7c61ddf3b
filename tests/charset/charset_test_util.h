// Helpers shared by the charset tests.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace lienthong::charset::testing {

// Builds a byte string from numeric values, so byte tables in tests read like
// the published code charts.
inline std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// The 146 Vietnamese letters that need a diacritic or are đ: 12 vowels
// (a ă â e ê i o ô ơ u ư y) x 6 (no tone + 5 tones) x 2 cases, plus đ/Đ.
// Written out literally (NFC) rather than computed, so the tests do not lean on
// the code under test.
inline const std::vector<std::string>& vietnamese_letters() {
  static const std::vector<std::string> kLetters = {
      "a", "à", "á", "ả", "ã", "ạ", "A", "À", "Á", "Ả", "Ã", "Ạ",
      "ă", "ằ", "ắ", "ẳ", "ẵ", "ặ", "Ă", "Ằ", "Ắ", "Ẳ", "Ẵ", "Ặ",
      "â", "ầ", "ấ", "ẩ", "ẫ", "ậ", "Â", "Ầ", "Ấ", "Ẩ", "Ẫ", "Ậ",
      "e", "è", "é", "ẻ", "ẽ", "ẹ", "E", "È", "É", "Ẻ", "Ẽ", "Ẹ",
      "ê", "ề", "ế", "ể", "ễ", "ệ", "Ê", "Ề", "Ế", "Ể", "Ễ", "Ệ",
      "i", "ì", "í", "ỉ", "ĩ", "ị", "I", "Ì", "Í", "Ỉ", "Ĩ", "Ị",
      "o", "ò", "ó", "ỏ", "õ", "ọ", "O", "Ò", "Ó", "Ỏ", "Õ", "Ọ",
      "ô", "ồ", "ố", "ổ", "ỗ", "ộ", "Ô", "Ồ", "Ố", "Ổ", "Ỗ", "Ộ",
      "ơ", "ờ", "ớ", "ở", "ỡ", "ợ", "Ơ", "Ờ", "Ớ", "Ở", "Ỡ", "Ợ",
      "u", "ù", "ú", "ủ", "ũ", "ụ", "U", "Ù", "Ú", "Ủ", "Ũ", "Ụ",
      "ư", "ừ", "ứ", "ử", "ữ", "ự", "Ư", "Ừ", "Ứ", "Ử", "Ữ", "Ự",
      "y", "ỳ", "ý", "ỷ", "ỹ", "ỵ", "Y", "Ỳ", "Ý", "Ỷ", "Ỹ", "Ỵ",
      "đ", "Đ",
  };
  return kLetters;
}

}  // namespace lienthong::charset::testing
