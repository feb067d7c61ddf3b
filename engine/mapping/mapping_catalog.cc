#include "engine/mapping/mapping_catalog.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include <rapidjson/document.h>

#include "engine/base/json_parse.h"
#include "engine/mapping/select.h"

namespace lienthong::mapping {
namespace {

namespace fs = std::filesystem;

// `$mapping.messages` of a mapping file, or nullopt when the file cannot be
// read or parsed or the header is not as MAP-2 says (the compiler says why).
std::optional<std::vector<std::string>> read_messages(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  rapidjson::Document doc;
  constexpr unsigned kFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;
  if (parse_json<kFlags>(doc, text) || !doc.IsObject()) return std::nullopt;
  const auto header = doc.FindMember("$mapping");
  if (header == doc.MemberEnd() || !header->value.IsObject()) return std::nullopt;
  const auto messages = header->value.FindMember("messages");
  if (messages == header->value.MemberEnd() || !messages->value.IsArray()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& p : messages->value.GetArray()) {
    if (!p.IsString()) return std::nullopt;
    out.emplace_back(p.GetString(), p.GetStringLength());
  }
  return out;
}

}  // namespace

Result<MappingCatalog> MappingCatalog::open(const fs::path& dir, CompileOptions options) {
  MappingCatalog catalog;
  catalog.options_ = std::move(options);
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) return Error{"cannot read " + dir.string() + ": " + ec.message(), dir.string()};
  std::sort(files.begin(), files.end());
  std::string errors;
  for (fs::path& f : files) {
    Entry e{std::move(f), {}, nullptr};
    if (auto messages = read_messages(e.file)) {
      e.messages = std::move(*messages);
    } else {
      auto plan = MappingPlan::compile(e.file, catalog.options_);
      if (!plan.ok()) {
        errors += (errors.empty() ? "" : "\n") + plan.error().message;
        continue;
      }
      e.plan = *plan;
      e.messages = e.plan->messages();
    }
    catalog.entries_.push_back(std::move(e));
  }
  if (!errors.empty()) return Error{errors, dir.string()};
  return catalog;
}

Result<std::shared_ptr<const MappingPlan>> MappingCatalog::plan_for(std::string_view message_code,
                                                                    std::string_view trigger) {
  std::vector<const std::vector<std::string>*> lists;
  lists.reserve(entries_.size());
  for (const Entry& e : entries_) lists.push_back(&e.messages);
  const auto i = select_patterns(lists, message_code, trigger);
  if (!i) return std::shared_ptr<const MappingPlan>();
  Entry& e = entries_[*i];
  if (!e.plan) {
    auto plan = MappingPlan::compile(e.file, options_);
    if (!plan.ok()) return plan.error();
    e.plan = *plan;
  }
  return e.plan;
}

std::vector<std::string> MappingCatalog::types() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) out.insert(out.end(), e.messages.begin(), e.messages.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace lienthong::mapping
