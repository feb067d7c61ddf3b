// Helpers for the mapping language tests: a temporary mappings directory under
// the build tree, small mapping files written into it, runs on real messages,
// and a walker that finds empty values the output must never contain (MAP-1.6).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include "engine/hl7v2/parser.h"
#include "engine/mapping/plan.h"
#include "engine/mapping/run.h"

namespace lienthong::testing {

// A message with '\n' between segments written as '\r' (the codec reads both;
// CR keeps the tests close to the wire format).
inline hl7v2::Message message(std::string text) {
  for (char& c : text) {
    if (c == '\n') c = '\r';
  }
  auto parsed = hl7v2::parse(std::move(text));
  if (!parsed.ok()) throw std::runtime_error("test message does not parse: " + parsed.error().to_string());
  return std::move(parsed).value();
}

// An ORU^R01 with two orders: OBR 1 has two OBX and a note, OBR 2 one OBX.
inline const char* kOru =
    "MSH|^~\\&|LIS|LAB|HIS|HOSP|20240315101500+0700||ORU^R01^ORU_R01|CTRL1|P|2.5.1\n"
    "PID|1||P001^^^HOSP^MR~BH123^^^BHYT^HC||Tran^Thi B||19900101|F|||A\\T\\B||\"\"\n"
    "ORC|RE|ORD1\n"
    "OBR|1|ORD1||GLU^Glucose^L\n"
    "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L\n"
    "OBX|2|NM|HBA1C^HbA1c^L||6.1|%\n"
    "NTE|1||fasting\n"
    "ORC|RE|ORD2\n"
    "OBR|2|ORD2||CBC^Blood count^L\n"
    "OBX|1|NM|WBC^WBC^L||7.8|10*9/L\n";

// A JSON document (a leading UTF-8 byte order mark, as corpus files have, is skipped).
inline rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document d;
  const std::size_t skip = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  d.Parse(text.data() + skip, text.size() - skip);
  if (d.HasParseError()) throw std::runtime_error("test JSON does not parse");
  return d;
}

// A file of the public corpus (LIENTHONG_CORPUS_DIR), parsed.
inline rapidjson::Document corpus_json(const std::string& rel) {
  std::ifstream in(std::string(LIENTHONG_CORPUS_DIR) + "/" + rel, std::ios::binary);
  if (!in) throw std::runtime_error("corpus file missing: " + rel);
  return parse_json(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
}

class MappingDir {
 public:
  MappingDir() {
    std::filesystem::path base = std::filesystem::path(LIENTHONG_BINARY_DIR) / "test-tmp";
    std::filesystem::create_directories(base);
    std::string tmpl = (base / "mapping-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
  }
  ~MappingDir() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  MappingDir(const MappingDir&) = delete;
  MappingDir& operator=(const MappingDir&) = delete;

  const std::filesystem::path& root() const { return root_; }
  // The name compile errors use for a file of this directory.
  std::string shown(const std::string& rel) const { return (root_ / rel).lexically_normal().generic_string(); }

  std::filesystem::path write(const std::string& rel, const std::string& text) const {
    std::filesystem::path p = root_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  Result<std::shared_ptr<const mapping::MappingPlan>> compile(const std::string& rel) const {
    mapping::CompileOptions options;
    options.root = root_;
    return mapping::MappingPlan::compile(root_ / rel, options);
  }

  // Writes `skeleton` as `rel` and compiles it; throws on compile errors.
  std::shared_ptr<const mapping::MappingPlan> plan(const std::string& skeleton, const std::string& rel = "m.json") const {
    write(rel, skeleton);
    auto p = compile(rel);
    if (!p.ok()) throw std::runtime_error("mapping does not compile:\n" + p.error().message);
    return *p;
  }

  // The compile errors of `skeleton` (one per line), empty when it compiles.
  std::vector<std::string> errors(const std::string& skeleton, const std::string& rel = "m.json") const {
    write(rel, skeleton);
    auto p = compile(rel);
    std::vector<std::string> out;
    if (p.ok()) return out;
    const std::string& all = p.error().message;
    std::size_t start = 0;
    while (start <= all.size()) {
      std::size_t end = all.find('\n', start);
      if (end == std::string::npos) end = all.size();
      out.push_back(all.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  // The explain records (MAP-10) of `plan` run on `msg`; throws when the run is rejected.
  static std::vector<mapping::ExplainRecord> explain(const mapping::MappingPlan& plan, const std::string& msg = kOru) {
    hl7v2::Message m = message(msg);
    mapping::RunOptions options;
    options.explain = true;
    auto out = mapping::run(plan, m, options);
    if (!out.ok()) throw std::runtime_error("the run was rejected: " + out.error().to_string());
    return out->explain;
  }

  // Output JSON of `skeleton` on `msg`, or "REJECTED: where: reason".
  std::string map(const std::string& skeleton, const std::string& msg = kOru,
                  const mapping::RunOptions& options = {}) const {
    auto p = plan(skeleton);
    hl7v2::Message m = message(msg);
    auto out = mapping::run(*p, m, options);
    if (!out.ok()) return "REJECTED: " + out.error().to_string();
    return out->json;
  }

  // The output of "${expr}" as JSON text, or "<absent>" when it was pruned.
  std::string eval(const std::string& expr, const std::string& msg = kOru) const {
    std::string escaped;
    for (char c : expr) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c);
    }
    std::string out = map("{\"v\": \"${" + escaped + "}\"}", msg);
    if (out.rfind("REJECTED", 0) == 0) return out;
    rapidjson::Document d;
    d.Parse(out.c_str());
    if (!d.IsObject() || !d.HasMember("v")) return "<absent>";
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d["v"].Accept(w);
    return sb.GetString();
  }

 private:
  std::filesystem::path root_;
};

// Every place in `v` (below the root) holding an empty value MAP-1.6 forbids:
// null, "", {}, [].
inline void find_empty_values(const rapidjson::Value& v, const std::string& path, std::vector<std::string>& out) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      const std::string at = path + "." + m.name.GetString();
      const rapidjson::Value& c = m.value;
      if (c.IsNull() || (c.IsString() && c.GetStringLength() == 0) || (c.IsObject() && c.MemberCount() == 0) ||
          (c.IsArray() && c.Empty())) {
        out.push_back(at);
      }
      find_empty_values(c, at, out);
    }
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      const rapidjson::Value& c = v[i];
      if (c.IsNull() || (c.IsString() && c.GetStringLength() == 0) || (c.IsObject() && c.MemberCount() == 0) ||
          (c.IsArray() && c.Empty())) {
        out.push_back(at);
      }
      find_empty_values(c, at, out);
    }
  }
}

inline std::vector<std::string> empty_values(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  std::vector<std::string> out;
  if (d.HasParseError()) {
    out.push_back("output does not parse");
    return out;
  }
  find_empty_values(d, "$", out);
  return out;
}

}  // namespace lienthong::testing
