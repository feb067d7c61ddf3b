// Test helpers: read files and list the public corpus (../shared/corpus).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lienthong::testing {

inline std::string corpus_dir() { return LIENTHONG_CORPUS_DIR; }

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every file under the corpus folder `sub` whose name ends in one of `exts`, sorted.
inline std::vector<std::filesystem::path> corpus_files(const std::string& sub,
                                                       const std::vector<std::string>& exts = {".hl7"}) {
  std::vector<std::filesystem::path> out;
  std::filesystem::path root = std::filesystem::path(corpus_dir()) / sub;
  if (!std::filesystem::exists(root)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string();
    if (std::find(exts.begin(), exts.end(), ext) != exts.end()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lienthong::testing
