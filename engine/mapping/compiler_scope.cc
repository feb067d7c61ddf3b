// What the Compiler (compiler.h) resolves outside the skeleton walk: names
// (bindings in scope, parameters of included files), code tables, regular
// expressions, and $include files, each compiled once.
#include <algorithm>

#include "engine/mapping/compiler.h"

#include "engine/mapping/include_reads.h"

namespace lienthong::mapping {

std::optional<std::uint32_t> Compiler::find_name(std::string_view name, std::size_t offset) {
  NameUse use;
  if (!units_.empty()) use = NameUse{file_, parsing_path_ != nullptr ? *parsing_path_ : std::string(),
                                     std::string(parsing_text_), offset + 1};
  return resolve(name, {std::move(use)});
}

std::optional<std::uint32_t> Compiler::resolve(std::string_view name, const std::vector<NameUse>& uses) {
  for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
    if (it->name == name) return it->slot;
  }
  // In the top-level file an unknown name is an error now; in an included file
  // it is a parameter, an error only where a place including the file lacks it.
  if (units_.empty()) return std::nullopt;
  std::vector<Parameter>& parameters = units_.back().parameters;
  auto found = std::find_if(parameters.begin(), parameters.end(), [&](const Parameter& p) { return p.name == name; });
  if (found == parameters.end()) {
    parameters.push_back(Parameter{std::string(name), slots_++, {}});
    found = parameters.end() - 1;
  }
  found->uses.insert(found->uses.end(), uses.begin(), uses.end());
  return found->slot;
}

Result<std::shared_ptr<const Regex>> Compiler::regex(const std::string& pattern) { return Regex::compile(pattern); }

Result<std::shared_ptr<const CodeTable>> Compiler::table(std::string_view name) {
  auto loaded = tables_->get(name);
  if (loaded.ok()) return loaded;
  const std::filesystem::path file = tables_->dir() / (std::string(name) + ".json");
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return Error{"unknown code table '" + std::string(name) + "' (no file " + file.string() + ")", {}};
  }
  // A table that does not parse reports its own lines (its file and JSON paths), once.
  if (broken_tables_.insert(std::string(name)).second) {
    std::string_view all = loaded.error().message;
    while (!all.empty()) {
      const std::size_t nl = all.find('\n');
      errors_.emplace_back(all.substr(0, nl));
      all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    }
  }
  return Error{"code table '" + std::string(name) + "' does not load (" + file.string() + ")", {}};
}

Compiler::IncludedFile Compiler::included_file(std::string_view name) {
  IncludedFile f;
  f.full = options_.root / std::string(name);
  f.shown = f.full.lexically_normal().generic_string();
  // file_key asks the file system; a file is included from many places.
  auto known = file_keys_.find(f.shown);
  if (known == file_keys_.end()) known = file_keys_.emplace(f.shown, file_key(f.full)).first;
  f.key = known->second;
  return f;
}

std::optional<Compiler::IncludedFile> Compiler::include_target(const Json& v, const std::string& path) {
  if (!v.IsString() || v.GetStringLength() == 0) {
    error(path, "expected a file name relative to the mappings directory");
    return std::nullopt;
  }
  IncludedFile f = included_file(string_of(v));
  for (std::size_t i = 0; i < include_stack_.size(); ++i) {
    if (include_stack_[i].key != f.key) continue;
    std::string chain;
    for (std::size_t j = i; j < include_stack_.size(); ++j) chain += include_stack_[j].shown + " -> ";
    error(path, "include cycle: " + chain + f.shown);
    return std::nullopt;
  }
  return f;
}

bool Compiler::splice_include(const Json& element, const std::string& path, Node& array) {
  if (!element.IsObject()) return false;
  auto include = element.FindMember("$include");
  if (include == element.MemberEnd() || !include->value.IsString()) return false;
  // Only a file whose skeleton is an array is spliced; anything else is an ordinary element.
  const std::string at = json_path_key(path, "$include");
  const IncludedFile file = included_file(string_of(include->value));
  std::string why;
  const std::size_t errors_before = errors_.size();
  const rapidjson::Document* doc = sources_.load(file.full, file.key, file.shown, errors_, why);
  if (errors_.size() > errors_before) {
    // A syntax error is reported by the first load only, so here, naming this place (MAP-9).
    for (std::size_t i = errors_before; i < errors_.size(); ++i) errors_[i] += " (included at " + *file_ + ": " + at + ")";
    return true;
  }
  if (doc == nullptr || !doc->IsArray()) return false;  // a missing file: the ordinary path says so
  for (const Json::Member& m : element.GetObject()) {
    const std::string_view key = string_of(m.name);
    if (key != "$include" && key != "$comment") {
      error(json_path_key(path, key), "an included array is spliced into this array (MAP-2): no other key beside "
                                      "$include and $comment");
    }
  }
  std::optional<IncludedFile> f = include_target(include->value, at);  // the cycle check
  if (!f) return true;
  // As written here: the elements see this place's names, and a mistake inside names this place too.
  const std::size_t errors_inside = errors_.size();
  include_stack_.push_back({f->key, f->shown});
  auto saved_file = file_;
  file_ = std::make_shared<const std::string>(f->shown);
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    const Json& item = (*doc)[i];
    const std::string item_path = json_path_index("$", i);
    if (splice_include(item, item_path, array)) continue;
    array.items.push_back(compile_value(item, item_path, Place{true, false}));
    if (carries_unique_key(*array.items.back())) array.items_unique = true;
  }
  file_ = saved_file;
  include_stack_.pop_back();
  const std::string included_at = " (included at " + *file_ + ": " + at + ")";
  for (std::size_t i = errors_inside; i < errors_.size(); ++i) errors_[i] += included_at;
  return true;
}

std::unique_ptr<IncludeUse> Compiler::compile_include(const Json& v, const std::string& path, Place place,
                                                      bool private_copy) {
  std::optional<IncludedFile> target = include_target(v, path);
  if (!target) return nullptr;
  const std::filesystem::path& full = target->full;
  const std::string& shown = target->shown;
  const std::string& key = target->key;
  private_copy = private_copy || private_depth_ > 0;
  auto use = std::make_unique<IncludeUse>();
  auto cached = includes_.find(key);
  if (private_copy || cached == includes_.end()) {
    // MAP-9: a mistake inside the included file (or deeper) also names where it is
    // included, so every line leads back to the file being compiled.
    const std::size_t errors_before = errors_.size();
    const std::string included_at = " (included at " + *file_ + ": " + path + ")";
    auto name_the_place = [&] {
      for (std::size_t i = errors_before; i < errors_.size(); ++i) errors_[i] += included_at;
    };
    std::string why;
    const rapidjson::Document* doc = sources_.load(full, key, shown, errors_, why);
    if (doc == nullptr) {
      name_the_place();
      if (!why.empty()) error(path, "cannot include '" + shown + "': " + why);
      return nullptr;
    }
    include_stack_.push_back({key, shown});
    auto saved_file = file_;
    file_ = std::make_shared<const std::string>(shown);
    if (private_copy) {
      // In the current scope, as if written here; its own includes are private too.
      ++private_depth_;
      included_.push_back(compile_value(*doc, "$", Place{false, false, place.array_element}));
      --private_depth_;
    } else {
      // Detached: no name of this place is visible; the names it needs become parameters.
      std::vector<Binding> saved_scope;
      saved_scope.swap(scope_);
      units_.emplace_back();
      included_.push_back(compile_value(*doc, "$", Place{false, false, true}));
      const auto file = static_cast<std::uint32_t>(included_.size() - 1);
      cached = includes_
                   .emplace(key, CompiledInclude{included_.back().get(), file, include_reads(*included_.back()),
                                                 std::move(units_.back().parameters)})
                   .first;
      units_.pop_back();
      scope_.swap(saved_scope);
    }
    file_ = saved_file;
    include_stack_.pop_back();
    name_the_place();
    if (private_copy) {
      use->root = included_.back().get();
      use->file = static_cast<std::uint32_t>(included_.size() - 1);
      use->reads = include_reads(*use->root);
      use->private_copy = true;
      return use;
    }
  }
  const CompiledInclude& compiled = cached->second;
  use->root = compiled.root;
  use->file = compiled.file;
  use->reads = compiled.reads;
  // The file's $unique applies only where it is an element of an array.
  if (!place.array_element && carries_unique_key(*compiled.root)) {
    const SourceRef& at = compiled.root->unique != nullptr ? compiled.root->unique->source : compiled.root->source;
    errors_.push_back(at.where() + ": $unique only applies where the file is included as an element of an array (" +
                      *file_ + ": " + path + ")");
  }
  for (const Parameter& p : compiled.parameters) {
    std::optional<std::uint32_t> slot = resolve(p.name, p.uses);
    if (slot) {
      use->bindings.emplace_back(p.slot, *slot);
      continue;
    }
    for (const NameUse& u : p.uses) {
      // Named where it is used and where the include that lacks it is (MAP-9: the
      // mistake may be either file's).
      errors_.push_back(*u.file + ": " + u.path + ": unknown name '" + p.name + "' (at column " +
                        std::to_string(u.column) + " of \"" + u.text + "\"), needed by the $include at " + *file_ +
                        ": " + path);
    }
  }
  return use;
}

}  // namespace lienthong::mapping
